package alarms

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// QueryValues reads metric queries over a time range, as GetMetricData
// does for a period as long as the range: each query's statistic by its
// id, absent when the metric has no point in it.
type QueryValues func(ctx context.Context, qs []cwalarm.MetricQuery, from, to time.Time) (map[string]float64, error)

// Events reads SLO s's good and total events over [from, to): its SLI's
// metric queries (the burn-rate alarms' own, one period spanning the
// range) through read, then its bad and total math. It is how the error
// budget of a period longer than any alarm can read is known.
func (spec *Spec) Events(ctx context.Context, s *SLO, from, to time.Time, read QueryValues) (good, total float64, err error) {
	period := int(to.Sub(from).Round(time.Minute) / time.Second)
	qs, bad, tot := spec.sliQueries(s, max(period, 60))
	vals, err := read(ctx, qs, from, to)
	if err != nil {
		return 0, 0, fmt.Errorf("could not read the events of SLO %s: %w", s.Name, err)
	}
	no := false
	compute := func(expr string) (float64, error) {
		a := cwalarm.MetricAlarm{AlarmName: s.Name, Metrics: append(slices.Clone(qs), cwalarm.MetricQuery{Id: "sli", Expression: expr})}
		for i := range len(qs) {
			a.Metrics[i].ReturnData = &no
		}
		p, err := a.Plan()
		if err != nil {
			return 0, err
		}
		v, _ := p.Value(vals) // every term is FILLed: no point is 0 events
		return v, nil
	}
	if total, err = compute(tot); err != nil {
		return 0, 0, err
	}
	b, err := compute(bad)
	return total - b, total, err
}

// WorkflowEvents are the good and total events one workflow's end adds to
// SLO s, for the SLOs whose SLI counts workflow ends (workflows completed
// and failed, or the completed workflows' duration): the notifications
// function counts its own workflow, whose metrics it has not flushed yet.
// Other SLOs get nothing.
func WorkflowEvents(s *SLO, completed bool, d time.Duration) (good, total float64) {
	switch {
	case s.Latency != nil && s.Latency.Metric == "WorkflowDuration":
		if !completed || s.Latency.Dimensions["status"] != "completed" {
			return 0, 0
		}
		if float64(d.Milliseconds()) <= s.Latency.ThresholdMs {
			return 1, 1
		}
		return 0, 1
	case slices.Contains(s.Total, "WorkflowsCompleted") && slices.Contains(s.Total, "WorkflowsFailed"):
		if completed == slices.Contains(s.Good, "WorkflowsCompleted") {
			return 1, 1
		}
		return 0, 1
	}
	return 0, 0
}

// MetricStore holds the metric points of EMF log lines as they are
// written: the local stand-in for what CloudWatch holds, which the local
// stack's notifications function reads budgets from. It is safe for
// concurrent use.
type MetricStore struct {
	mu     sync.Mutex
	points []cwalarm.EMFPoint
}

// Writer is a writer of log lines into the store (one per log stream:
// each keeps its partial last line).
func (m *MetricStore) Writer() *LineWriter { return &LineWriter{store: m} }

// LineWriter parses the EMF lines written to it into its store.
type LineWriter struct {
	store *MetricStore
	mu    sync.Mutex
	rest  []byte
}

func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rest = append(w.rest, p...)
	i := bytes.LastIndexByte(w.rest, '\n')
	if i < 0 {
		return len(p), nil
	}
	var pts []cwalarm.EMFPoint
	sc := bufio.NewScanner(bytes.NewReader(w.rest[:i]))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"_aws"`)) {
			pts = append(pts, cwalarm.ParseEMF(sc.Bytes())...)
		}
	}
	w.rest = append(w.rest[:0], w.rest[i+1:]...)
	w.store.mu.Lock()
	w.store.points = append(w.store.points, pts...)
	w.store.mu.Unlock()
	return len(p), nil
}

// Values reads queries over the stored points, their dimension values
// resolved by resolve.
func (m *MetricStore) Values(resolve Resolver) QueryValues {
	return func(_ context.Context, qs []cwalarm.MetricQuery, from, to time.Time) (map[string]float64, error) {
		out := map[string]float64{}
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, q := range qs {
			metric, err := QueryMetric(q, resolve)
			if err != nil {
				return nil, err
			}
			if v, ok := cwalarm.Aggregate(cwalarm.Points(m.points, metric), from, to, q.MetricStat.Stat); ok {
				out[q.Id] = v
			}
		}
		return out, nil
	}
}
