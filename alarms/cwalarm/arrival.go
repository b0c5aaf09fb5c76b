package cwalarm

import (
	"slices"
	"sort"
	"time"
)

// EvaluateArrived is Evaluate with an ingestion delay: the evaluation at t
// reads only the points that have arrived by t, those whose timestamp is
// at least delay before it. CloudWatch evaluates the data points
// available at the moment of the evaluation, and points that arrive later
// change the aggregate of periods already evaluated
// (https://repost.aws/knowledge-center/cloudwatch-trigger-metric); a
// metric extracted from embedded metric format logs exists only once
// CloudWatch Logs has processed the log event
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Alarms.html).
// A late point so counts in every period that still holds its timestamp
// when it arrives: it delays the alarm's reaction, never the moment the
// point leaves a window. Zero delay evaluates as Evaluate does.
//
// Each evaluation reads only the points of its evaluation range (a sorted
// copy of s), and an evaluation whose range holds no point, after one
// that held none and kept its state, keeps it without being computed
// again (with no point the periods' values do not depend on t), so long
// spans of sparse or per-minute series stay affordable.
func EvaluateArrived(a *MetricAlarm, s Series, from, to time.Time, every, delay time.Duration) ([]Sample, error) {
	e, err := NewEvaluator(a)
	if err != nil {
		return nil, err
	}
	if every <= 0 {
		every = time.Minute
	}
	sorted := make(Series, len(s))
	for id, pts := range s {
		c := slices.Clone(pts)
		slices.SortStableFunc(c, func(x, y Point) int { return x.At.Compare(y.At) })
		sorted[id] = c
	}
	visible := make(Series, len(s))
	state, fixed := InsufficientData, false
	var out []Sample
	for t := from; !t.After(to); t = t.Add(every) {
		empty := arrived(sorted, visible, t.Truncate(time.Minute).Add(-e.Window()), t.Add(-delay))
		if !empty || !fixed {
			next := e.at(visible, t, state, true).State
			fixed = empty && next == state
			state = next
		}
		out = append(out, Sample{At: t, State: state})
	}
	return out, nil
}

// within are the points of sorted (in time order) in [start, end).
func within(sorted []Point, start, end time.Time) []Point {
	lo := sort.Search(len(sorted), func(i int) bool { return !sorted[i].At.Before(start) })
	hi := max(lo, sort.Search(len(sorted), func(i int) bool { return !sorted[i].At.Before(end) }))
	return sorted[lo:hi]
}

// arrived fills visible with the points of sorted timestamped from since
// on and by until, and reports whether there are none.
func arrived(sorted, visible Series, since, until time.Time) bool {
	empty := true
	for id, pts := range sorted {
		lo := sort.Search(len(pts), func(i int) bool { return !pts[i].At.Before(since) })
		hi := max(lo, sort.Search(len(pts), func(i int) bool { return pts[i].At.After(until) }))
		visible[id] = pts[lo:hi]
		empty = empty && lo == hi
	}
	return empty
}
