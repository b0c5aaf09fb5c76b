package cloudwatch

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// GetMetricData's limits.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
const (
	maxQueries           = 500
	defaultMaxDatapoints = 100_800
)

// queryID is a MetricDataQuery's Id: a lowercase letter first, then
// letters, digits and underscores.
var queryID = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

// buckets are a series' values by period start; err, when set, says why
// the series has none.
type buckets struct {
	vals map[time.Time]float64
	err  string
}

// getMetricData computes each query over [StartTime, EndTime): a
// metric's points bucketed by its period (aligned to the epoch) with its
// statistic (cwalarm.Aggregate), an expression period by period with the
// alarms' metric math (cwalarm.ParseExpression), newest first unless
// ScanBy is TimestampAscending, and pages after MaxDatapoints data points.
func (c *CloudWatch) getMetricData(_ context.Context, in *getMetricDataIn) (*getMetricDataOut, error) {
	if err := validateQueries(in); err != nil {
		return nil, err
	}
	offset, err := readToken("GetMetricData", in.NextToken)
	if err != nil {
		return nil, err
	}
	start, end := in.StartTime.Time, in.EndTime.Time
	byID := map[string]*MetricDataQuery{}
	data := map[string]*buckets{}
	for i := range in.MetricDataQueries {
		byID[in.MetricDataQueries[i].Id] = &in.MetricDataQueries[i]
	}
	err = c.alarms.metrics(c.cfg.Now(), func(s *metricStore) {
		for _, q := range in.MetricDataQueries {
			if q.MetricStat != nil {
				data[q.Id] = metricBuckets(s.points, q.MetricStat, start, end)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for _, q := range in.MetricDataQueries {
		if q.Expression != "" {
			if _, err := expressionBuckets(q.Id, byID, data, start, end, map[string]bool{}); err != nil {
				return nil, err
			}
		}
	}
	return results(in, byID, data, offset), nil
}

func validateQueries(in *getMetricDataIn) error {
	qs := in.MetricDataQueries
	switch {
	case len(qs) == 0 || len(qs) > maxQueries:
		return awsapi.Validationf("MetricDataQueries must have 1 to %d members, not %d", maxQueries, len(qs))
	case in.StartTime == nil || in.EndTime == nil:
		return awsapi.Errorf(codeMissingParameter, "StartTime and EndTime are required")
	case !in.StartTime.Before(in.EndTime.Time):
		return awsapi.Validationf("The parameter StartTime must be less than the parameter EndTime.")
	case in.ScanBy != "" && in.ScanBy != "TimestampDescending" && in.ScanBy != "TimestampAscending":
		return awsapi.Validationf("ScanBy must be TimestampDescending or TimestampAscending, not %q", in.ScanBy)
	case in.MaxDatapoints < 0:
		return awsapi.Validationf("MaxDatapoints must be positive, not %d", in.MaxDatapoints)
	}
	seen := map[string]bool{}
	for i, q := range qs {
		where := fmt.Sprintf("MetricDataQueries.member.%d", i+1)
		switch {
		case !queryID.MatchString(q.Id):
			return awsapi.Validationf("%s: Id %q must start with a lowercase letter and hold only letters, digits and underscores", where, q.Id)
		case seen[q.Id]:
			return awsapi.Validationf("%s: Id %q is used twice", where, q.Id)
		case (q.MetricStat == nil) == (q.Expression == ""):
			return awsapi.Validationf("%s (%s): give exactly one of MetricStat and Expression", where, q.Id)
		case q.MetricStat != nil && !validPeriod(q.MetricStat.Period):
			return awsapi.Validationf("%s (%s): Period %d must be 1, 5, 10, 20, 30 or a multiple of 60", where, q.Id, q.MetricStat.Period)
		case q.MetricStat != nil && q.MetricStat.Stat == "":
			return awsapi.Validationf("%s (%s): MetricStat has no Stat", where, q.Id)
		}
		seen[q.Id] = true
	}
	return nil
}

func validPeriod(p int32) bool {
	return p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || p > 0 && p%60 == 0
}

// supportedStat says whether cwalarm computes stat.
func supportedStat(stat string) bool {
	switch stat {
	case "Sum", "Average", "Minimum", "Maximum", "SampleCount":
		return true
	}
	return strings.HasPrefix(stat, "TC(") && strings.HasSuffix(stat, ")") && !strings.Contains(stat, "%")
}

// metricBuckets aggregates the metric's points in [start, end) by period.
func metricBuckets(all []cwalarm.EMFPoint, ms *MetricStat, start, end time.Time) *buckets {
	if !supportedStat(ms.Stat) {
		return &buckets{err: fmt.Sprintf("the statistic %s is not computed locally (Sum, Average, Minimum, Maximum, SampleCount, TC(lo:hi))", ms.Stat)}
	}
	period := time.Duration(ms.Period) * time.Second
	byPeriod := map[time.Time][]cwalarm.Point{}
	for _, p := range cwalarm.Points(all, seriesMetric(ms.Metric)) {
		if !p.At.Before(start.Truncate(period)) && p.At.Before(end) {
			k := p.At.Truncate(period)
			byPeriod[k] = append(byPeriod[k], p)
		}
	}
	b := &buckets{vals: map[time.Time]float64{}}
	for k, pts := range byPeriod {
		if v, ok := cwalarm.Aggregate(pts, k, k.Add(period), ms.Stat); ok {
			b.vals[k] = v
		}
	}
	return b
}

// expressionBuckets evaluates expression query id after what it reads,
// with the missing-point rules of the alarms' metric math.
func expressionBuckets(id string, byID map[string]*MetricDataQuery, data map[string]*buckets, start, end time.Time, path map[string]bool) (*buckets, error) {
	if b, ok := data[id]; ok {
		return b, nil
	}
	if path[id] {
		return nil, awsapi.Validationf("Error in expression %s: it refers to itself", id)
	}
	path[id] = true
	q := byID[id]
	x, err := cwalarm.ParseExpression(q.Expression)
	if err != nil {
		b := &buckets{err: "the expression is not evaluated locally: " + err.Error()}
		data[id] = b
		return b, nil
	}
	refs := map[string]*buckets{}
	for _, r := range x.Refs() {
		if byID[r] == nil {
			return nil, awsapi.Validationf("Error in expression %s: Unrecognized metric identifier %s", id, r)
		}
		rb, err := expressionBuckets(r, byID, data, start, end, path)
		if err != nil {
			return nil, err
		}
		if rb.err != "" {
			b := &buckets{err: fmt.Sprintf("it reads %s: %s", r, rb.err)}
			data[id] = b
			return b, nil
		}
		refs[r] = rb
	}
	b := &buckets{vals: map[time.Time]float64{}}
	for _, k := range periodsOf(refs, q, start, end) {
		vals := map[string]float64{}
		for r, rb := range refs {
			if v, ok := rb.vals[k]; ok {
				vals[r] = v
			}
		}
		if v, ok := x.Eval(vals); ok {
			b.vals[k] = v
		}
	}
	data[id] = b
	return b, nil
}

// periodsOf are the periods the refs have values in; for an expression
// of constants, every period of its own (one minute by default) in range.
func periodsOf(refs map[string]*buckets, q *MetricDataQuery, start, end time.Time) []time.Time {
	seen := map[time.Time]bool{}
	for _, rb := range refs {
		for k := range rb.vals {
			seen[k] = true
		}
	}
	if len(refs) == 0 {
		period := time.Duration(max(q.Period, 60)) * time.Second
		for t := start.Truncate(period); t.Before(end) && len(seen) < defaultMaxDatapoints; t = t.Add(period) {
			seen[t] = true
		}
	}
	out := make([]time.Time, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	return out
}

// results are the returned queries' data points from offset on, at most
// MaxDatapoints of them: a query with more left is PartialData.
func results(in *getMetricDataIn, byID map[string]*MetricDataQuery, data map[string]*buckets, offset int) *getMetricDataOut {
	budget := int(in.MaxDatapoints)
	if budget == 0 {
		budget = defaultMaxDatapoints
	}
	out := &getMetricDataOut{MetricDataResults: []MetricDataResult{}}
	skip, sent, more := offset, 0, false
	for _, q := range in.MetricDataQueries {
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		r := MetricDataResult{Id: q.Id, Label: label(byID[q.Id]), StatusCode: "Complete", Timestamps: []awsapi.Time{}, Values: []float64{}}
		b := data[q.Id]
		if b.err != "" {
			r.StatusCode, r.Messages = "InternalError", []MessageData{{Code: "Unsupported", Value: b.err}}
			out.MetricDataResults = append(out.MetricDataResults, r)
			continue
		}
		keys := make([]time.Time, 0, len(b.vals))
		for k := range b.vals {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y time.Time) int { return y.Compare(x) }) // newest first
		if in.ScanBy == "TimestampAscending" {
			slices.Reverse(keys)
		}
		from := min(skip, len(keys))
		skip -= from
		take := min(len(keys)-from, budget-sent)
		for _, k := range keys[from : from+take] {
			r.Timestamps, r.Values = append(r.Timestamps, awsapi.Time{Time: k.UTC()}), append(r.Values, b.vals[k])
		}
		sent += take
		if from+take < len(keys) {
			r.StatusCode, more = "PartialData", true
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	if more {
		out.NextToken = token("GetMetricData", offset+sent)
	}
	return out
}

// label is the query's Label, else the metric's name or the
// expression's id.
func label(q *MetricDataQuery) string {
	switch {
	case q.Label != "":
		return q.Label
	case q.MetricStat != nil:
		return q.MetricStat.Metric.MetricName
	}
	return q.Id
}
