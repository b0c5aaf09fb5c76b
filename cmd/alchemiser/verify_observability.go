package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/dashboards"
	"github.com/alchemiser/alchemiser/internal/console"
	"github.com/alchemiser/alchemiser/queries"
)

// checkQueries: every saved query is deployed and runs to Complete.
func (v *verifier) checkQueries(ctx context.Context) verifyRow {
	row := verifyRow{Check: "queries", Status: verifyPass}
	all, err := queries.All()
	if err != nil {
		row.fail("%v", err)
		return row
	}
	defs, err := v.queryDefinitions(ctx)
	if err != nil {
		row.fail("%v", err)
		return row
	}
	ran := 0
	for _, s := range all {
		def, ok := defs[s.DeployedName()]
		if v.st.QueryDefinitions[s.DeployedName()] == "" || !ok {
			row.fail("saved query %s is not deployed as %q", s.Name, s.DeployedName())
			continue
		}
		_, err := runLogsQuery(ctx, v.api.Logs, logsQuery{Text: aws.ToString(def.QueryString), Groups: def.LogGroupNames,
			Start: v.since, End: clock.Now(), Wait: v.wait}, v.progress)
		if err != nil {
			row.fail("saved query %s (%s) does not run: %v", s.Name, s.DeployedName(), err)
			row.Console = append(row.Console, console.LogsInsights(v.region, aws.ToString(def.QueryString), def.LogGroupNames, console.Range{Last: time.Hour}))
			continue
		}
		ran++
	}
	row.Evidence = append([]string{fmt.Sprintf("%d of %d saved queries deployed and Complete", ran, len(all))}, row.Evidence...)
	return row
}

// queryDefinitions are the account's saved queries by name.
func (v *verifier) queryDefinitions(ctx context.Context) (map[string]logsDefinition, error) {
	out := map[string]logsDefinition{}
	in := &cloudwatchlogs.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: aws.String("Alchemiser/")}
	for {
		page, err := v.api.Logs.DescribeQueryDefinitions(ctx, in)
		if err != nil {
			return nil, awsErr("could not describe the query definitions", err)
		}
		for _, d := range page.QueryDefinitions {
			out[aws.ToString(d.Name)] = logsDefinition{QueryString: d.QueryString, LogGroupNames: d.LogGroupNames}
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// logsDefinition is a deployed saved query.
type logsDefinition struct {
	QueryString   *string
	LogGroupNames []string
}

// dashboardMetric is a catalogue metric a dashboard charts, with the
// dimensions it charts it by.
type dashboardMetric struct {
	Name string
	Dims [][2]string
}

func (m dashboardMetric) String() string {
	var d []string
	for _, kv := range m.Dims {
		d = append(d, kv[0]+"="+kv[1])
	}
	return m.Name + "{" + strings.Join(d, ",") + "}"
}

// dashboardMetrics are the catalogue metrics the dashboards chart.
func dashboardMetrics() ([]dashboardMetric, error) {
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		return nil, err
	}
	ds, err := dashboards.All(spec)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []dashboardMetric
	for _, d := range ds {
		for _, w := range d.Widgets {
			p, ok := w.Properties.(dashboards.MetricProps)
			if !ok {
				continue
			}
			for _, r := range p.Metrics {
				m := dashboardMetric{Name: r.Name, Dims: r.Dims}
				if r.Namespace == metrics.Namespace && r.Name != "" && !seen[m.String()] {
					seen[m.String()] = true
					out = append(out, m)
				}
			}
		}
	}
	return out, nil
}

// orderMetric: m is emitted only when orders are placed, which a dry run
// never does (the order counters, the latency of the order endpoints):
// absent, it is noted, not failed.
func orderMetric(m dashboardMetric) bool {
	return m.Name == metrics.OrdersSubmitted || m.Name == metrics.OrdersFilled ||
		slices.ContainsFunc(m.Dims, func(d [2]string) bool { return d[0] == "endpoint" && strings.Contains(d[1], "/orders") })
}

// checkMetrics: every happy-path catalogue metric the dashboards chart
// exists with the dashboards' dimensions.
func (v *verifier) checkMetrics(ctx context.Context) verifyRow {
	row := verifyRow{Check: "metrics", Status: verifyPass}
	want, err := dashboardMetrics()
	if err != nil {
		row.fail("%v", err)
		return row
	}
	have, err := v.listMetrics(ctx)
	if err != nil {
		row.fail("%v", err)
		return row
	}
	cat := metrics.All()
	found, optional := 0, []string{}
	for _, m := range want {
		if slices.ContainsFunc(have, func(h cwtypes.Metric) bool { return sameMetric(m, h) }) {
			found++
			continue
		}
		spec, ok := cat.Lookup(m.Name)
		switch {
		case !ok:
			row.fail("dashboard metric %s is not in the catalogue", m)
		case !spec.HappyPath || orderMetric(m):
			optional = append(optional, m.String())
		default:
			row.fail("dashboard metric %s was never emitted (ListMetrics)", m)
		}
	}
	row.Evidence = append([]string{fmt.Sprintf("%d of %d dashboard metrics exist with their dimensions", found, len(want))}, row.Evidence...)
	if len(optional) > 0 {
		sort.Strings(optional)
		row.evidence("not emitted yet, not required (failure-only, or orders a dry run does not place): %s", strings.Join(optional, ", "))
	}
	return row
}

// listMetrics lists the catalogue namespace's metrics
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html:
// metrics with data points in the past two weeks).
func (v *verifier) listMetrics(ctx context.Context) ([]cwtypes.Metric, error) {
	var out []cwtypes.Metric
	p := cloudwatch.NewListMetricsPaginator(v.api.Metrics, &cloudwatch.ListMetricsInput{Namespace: aws.String(metrics.Namespace)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsErr("could not list the metrics", err)
		}
		out = append(out, page.Metrics...)
	}
	return out, nil
}

// sameMetric: h is m with exactly m's dimensions.
func sameMetric(m dashboardMetric, h cwtypes.Metric) bool {
	if aws.ToString(h.MetricName) != m.Name || len(h.Dimensions) != len(m.Dims) {
		return false
	}
	for _, kv := range m.Dims {
		if !slices.ContainsFunc(h.Dimensions, func(d cwtypes.Dimension) bool {
			return aws.ToString(d.Name) == kv[0] && aws.ToString(d.Value) == kv[1]
		}) {
			return false
		}
	}
	return true
}
