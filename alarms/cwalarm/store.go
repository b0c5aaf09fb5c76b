package cwalarm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// QueryValues reads metric queries over a time range, as GetMetricData
// does for a period as long as the range: each query's statistic by its
// id, absent when the metric has no point in it.
type QueryValues func(ctx context.Context, qs []MetricQuery, from, to time.Time) (map[string]float64, error)

// QueryMetric is the metric a metric query reads, its dimension values
// that are CloudFormation expressions ("!Ref X", "!GetAtt X.Y") resolved
// by resolve.
func QueryMetric(q MetricQuery, resolve func(expr string) (string, error)) (Metric, error) {
	m := Metric{Namespace: q.MetricStat.Metric.Namespace, Name: q.MetricStat.Metric.MetricName}
	for _, d := range q.MetricStat.Metric.Dimensions {
		v := d.Value
		if strings.HasPrefix(v, "!") {
			var err error
			if v, err = resolve(v); err != nil {
				return m, fmt.Errorf("could not resolve dimension %s of metric %s: %w", d.Name, m.Name, err)
			}
		}
		if m.Dims == nil {
			m.Dims = map[string]string{}
		}
		m.Dims[d.Name] = v
	}
	return m, nil
}

// MetricStore holds the metric points of EMF log lines as they are
// written: a stand-in for what CloudWatch holds, which the local stack's
// notifications function reads its error budgets from. It is safe for
// concurrent use.
type MetricStore struct {
	mu     sync.Mutex
	points []EMFPoint
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
	var pts []EMFPoint
	sc := bufio.NewScanner(bytes.NewReader(w.rest[:i]))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"_aws"`)) {
			pts = append(pts, ParseEMF(sc.Bytes())...)
		}
	}
	w.rest = append(w.rest[:0], w.rest[i+1:]...)
	w.store.Add(pts...)
	return len(p), nil
}

// Add stores points (a run's metrics read after the fact).
func (m *MetricStore) Add(points ...EMFPoint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.points = append(m.points, points...)
}

// Values reads queries over the stored points, their dimension values
// resolved by resolve (QueryMetric).
func (m *MetricStore) Values(resolve func(expr string) (string, error)) QueryValues {
	return func(_ context.Context, qs []MetricQuery, from, to time.Time) (map[string]float64, error) {
		out := map[string]float64{}
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, q := range qs {
			metric, err := QueryMetric(q, resolve)
			if err != nil {
				return nil, err
			}
			if v, ok := Aggregate(Points(m.points, metric), from, to, q.MetricStat.Stat); ok {
				out[q.Id] = v
			}
		}
		return out, nil
	}
}
