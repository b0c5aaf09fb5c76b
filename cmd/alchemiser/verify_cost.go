package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/alchemiser/alchemiser/app/metrics"
)

// The prices verify projects the observability cost with: CloudWatch's
// in us-east-1 (https://aws.amazon.com/cloudwatch/pricing/), as
// ../shared/REFERENCE.md records them.
const (
	priceLogsPerGB      = 0.50  // ingestion
	priceMetric         = 0.30  // a custom metric (name + dimension set) a month
	priceAlarmMetric    = 0.10  // a standard-resolution alarm, per metric it reads
	priceCompositeAlarm = 0.50  // a composite alarm
	priceDashboard      = 3.00  // a dashboard beyond the account's 3 free
	freeDashboards      = 3     // per account
	priceInsightsPerGB  = 0.005 // Logs Insights, per GB scanned
	workflowsPerMonth   = 21    // one scheduled workflow per trading day (252 a year)
	gib                 = 1 << 30
	// logEventOverhead is what CloudWatch Logs counts per event beside its
	// UTF-8 message
	// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
	logEventOverhead = 26
)

// logVolume is what the stats query measured of one log group.
type logVolume struct {
	Group            string
	Bytes, Lines     int64
	WorkflowsTouched int64
}

// checkCost measures the log bytes per function and per workflow since
// --since and projects the monthly observability cost from them.
func (v *verifier) checkCost(ctx context.Context) verifyRow {
	row := verifyRow{Check: "cost", Status: verifyPass}
	res, err := v.query(ctx, `stats sum(strlen(@message)) as bytes, count() as lines, count_distinct(correlation_id) as workflows by @log`, v.since)
	if err != nil {
		row.fail("could not measure the log bytes: %v", err)
		return row
	}
	ended, err := v.query(ctx, `filter message = "workflow ended" | stats count() as workflows`, v.since, "notifications")
	if err != nil {
		row.fail("could not count the workflows: %v", err)
		return row
	}
	workflows := int64(0)
	if c := column(ended, "workflows"); len(c) > 0 {
		workflows, _ = strconv.ParseInt(c[0], 10, 64)
	}
	var total int64
	var per []string
	groups, bytes, lines, touched := column(res, "@log"), column(res, "bytes"), column(res, "lines"), column(res, "workflows")
	for i := range res.Rows {
		vol := logVolume{Group: groups[i]}
		vol.Bytes, _ = strconv.ParseInt(bytes[i], 10, 64)
		vol.Lines, _ = strconv.ParseInt(lines[i], 10, 64)
		vol.WorkflowsTouched, _ = strconv.ParseInt(touched[i], 10, 64)
		billed := vol.Bytes + logEventOverhead*vol.Lines
		total += billed
		per = append(per, fmt.Sprintf("%s %d B (%d lines)", vol.Group[strings.LastIndex(vol.Group, "/")+1:], billed, vol.Lines))
	}
	row.evidence("log bytes since %s, per function (UTF-8 + %d B an event): %s", v.since.UTC().Format("2006-01-02T15:04Z"), logEventOverhead, strings.Join(per, ", "))
	if workflows == 0 {
		row.Status, row.skipOK = verifySkip, !v.trigger
		row.evidence("no workflow ended since --since: nothing to project per workflow")
		return row
	}
	perWorkflow := total / workflows
	row.evidence("%d B per workflow (%d B over %d workflows)", perWorkflow, total, workflows)
	v.projectCost(ctx, &row, perWorkflow)
	return row
}

// projectCost adds the monthly projection to row.
func (v *verifier) projectCost(ctx context.Context, row *verifyRow, perWorkflow int64) {
	logGB := float64(perWorkflow*workflowsPerMonth) / gib
	have, err := v.listMetrics(ctx)
	if err != nil {
		row.fail("%v", err)
		return
	}
	alarmMetrics, composites := 0, 0
	for _, a := range v.alarms {
		if a.Type == "composite" {
			composites++
		} else {
			alarmMetrics += a.Metrics
		}
	}
	dash, err := v.countDashboards(ctx)
	if err != nil {
		row.fail("%v", err)
		return
	}
	logs, mets := logGB*priceLogsPerGB, float64(len(have))*priceMetric
	alm := float64(alarmMetrics)*priceAlarmMetric + float64(composites)*priceCompositeAlarm
	dsh := float64(max(0, dash-freeDashboards)) * priceDashboard
	row.evidence("per month, at %d workflows: logs %.6f GB × $%.2f = $%.4f; %d custom metrics (%s, ListMetrics) × $%.2f = $%.2f; "+
		"alarms %d metrics read × $%.2f + %d composite × $%.2f = $%.2f; %d dashboards, %d beyond the %d free (if the account has no other) × $%.0f = $%.2f; "+
		"total $%.2f; each Logs Insights query over the month's logs scans them: $%.6f at $%.3f/GB",
		workflowsPerMonth, logGB, priceLogsPerGB, logs, len(have), metrics.Namespace, priceMetric, mets,
		alarmMetrics, priceAlarmMetric, composites, priceCompositeAlarm, alm, dash, max(0, dash-freeDashboards), freeDashboards, priceDashboard, dsh,
		logs+mets+alm+dsh, logGB*priceInsightsPerGB, priceInsightsPerGB)
}

// countDashboards counts the stack's dashboards (Alchemiser-<stack>...).
func (v *verifier) countDashboards(ctx context.Context) (int, error) {
	n := 0
	p := cloudwatch.NewListDashboardsPaginator(v.api.Metrics, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String("Alchemiser-" + v.stackName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, awsErr("could not list the dashboards", err)
		}
		n += len(page.DashboardEntries)
	}
	return n, nil
}
