// Package metricdata reads the metric queries of an SLO's indicator from
// CloudWatch with GetMetricData (cwalarm.QueryValues), so the
// notifications function can know the events of a period no alarm can
// read (30 days; an alarm reads at most seven).
//
// Each query asks for one period spanning the range. GetMetricData aligns
// periods to the epoch and rounds the start of old ranges (to the minute
// under 15 days, to 5 minutes to 63 days), so a range may come back as two
// data points: their values are added, which is right for the additive
// statistics an SLI reads (Sum, SampleCount, TC).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
package metricdata

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// API is the one call the reader makes; *cloudwatch.Client has it. It
// must be safe for concurrent use if the reader is.
type API interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

var _ API = (*cloudwatch.Client)(nil)

// Values reads queries through api in one request (following NextToken),
// their dimension values resolved by resolve.
func Values(api API, resolve alarms.Resolver) cwalarm.QueryValues {
	return func(ctx context.Context, qs []cwalarm.MetricQuery, from, to time.Time) (map[string]float64, error) {
		in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(from), EndTime: aws.Time(to)}
		for _, q := range qs {
			mq, err := query(q, resolve)
			if err != nil {
				return nil, err
			}
			in.MetricDataQueries = append(in.MetricDataQueries, mq)
		}
		out := map[string]float64{}
		for {
			resp, err := api.GetMetricData(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("could not get the metric data: %w", err)
			}
			for _, r := range resp.MetricDataResults {
				for _, v := range r.Values {
					out[aws.ToString(r.Id)] += v
				}
			}
			if resp.NextToken == nil {
				return out, nil
			}
			in.NextToken = resp.NextToken
		}
	}
}

// query is q as a MetricDataQuery returning data.
func query(q cwalarm.MetricQuery, resolve alarms.Resolver) (types.MetricDataQuery, error) {
	m, err := alarms.QueryMetric(q, resolve)
	if err != nil {
		return types.MetricDataQuery{}, err
	}
	metric := &types.Metric{Namespace: aws.String(m.Namespace), MetricName: aws.String(m.Name)}
	for _, k := range slices.Sorted(maps.Keys(m.Dims)) {
		metric.Dimensions = append(metric.Dimensions, types.Dimension{Name: aws.String(k), Value: aws.String(m.Dims[k])})
	}
	return types.MetricDataQuery{Id: aws.String(q.Id), ReturnData: aws.Bool(true),
		MetricStat: &types.MetricStat{Metric: metric, Period: aws.Int32(int32(q.MetricStat.Period)), Stat: aws.String(q.MetricStat.Stat)}}, nil
}
