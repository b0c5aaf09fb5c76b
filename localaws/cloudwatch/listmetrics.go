package cloudwatch

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// listMetricsPage is ListMetrics' page size.
const listMetricsPage = 500

// listMetrics lists the run's metrics, one per namespace, name and
// dimension set, sorted, 500 a page. Dimension filters match metrics
// having the dimension (with the value, when given), whatever other
// dimensions they have; RecentlyActive PT3H keeps those with a point in
// the three hours before now.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html
func (c *CloudWatch) listMetrics(_ context.Context, in *listMetricsIn) (*listMetricsOut, error) {
	if in.RecentlyActive != "" && in.RecentlyActive != "PT3H" {
		return nil, awsapi.Errorf(codeInvalidParameterValue, "RecentlyActive must be PT3H, not %q", in.RecentlyActive)
	}
	if len(in.Dimensions) > 10 {
		return nil, awsapi.Errorf(codeInvalidParameterValue, "at most 10 dimension filters, not %d", len(in.Dimensions))
	}
	offset, err := readToken("ListMetrics", in.NextToken)
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	var all []Metric
	err = c.alarms.metrics(now, func(s *metricStore) {
		for _, info := range s.index {
			if in.RecentlyActive != "" && info.last.Before(now.Add(-3*time.Hour)) {
				continue
			}
			if matches(info.Metric, in) {
				all = append(all, info.Metric)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b Metric) int { return strings.Compare(metricKey(a), metricKey(b)) })
	out := &listMetricsOut{}
	out.Metrics, out.NextToken = page("ListMetrics", all, offset, listMetricsPage)
	if out.Metrics == nil {
		out.Metrics = []Metric{}
	}
	return out, nil
}

func matches(m Metric, in *listMetricsIn) bool {
	if in.Namespace != "" && m.Namespace != in.Namespace || in.MetricName != "" && m.MetricName != in.MetricName {
		return false
	}
	for _, f := range in.Dimensions {
		if !slices.ContainsFunc(m.Dimensions, func(d Dimension) bool { return d.Name == f.Name && (f.Value == nil || *f.Value == d.Value) }) {
			return false
		}
	}
	return true
}
