package cloudwatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// metricStore holds a run directory's metrics, as alarms.RunMetrics reads
// them (the EMF lines and metric-filter matches of the log groups in
// cloudwatch/*.jsonl, the platform's EMF lines in logs/eventbridge.log),
// reading each file from where the last read stopped: the run appends
// whole lines, so a refresh parses only what was appended since. It is
// not safe for concurrent use (Alarms guards it).
type metricStore struct {
	dir       string
	namespace string           // the metric filters' namespace
	offsets   map[string]int64 // bytes read so far, by file
	points    []cwalarm.EMFPoint
	index     map[string]*metricInfo // every metric, by metricKey
	last      time.Time              // the newest point's time
}

// metricInfo is one metric (namespace, name, a dimension set's values)
// and when it last had a point.
type metricInfo struct {
	Metric
	last time.Time
}

func newMetricStore(dir, namespace string) *metricStore {
	return &metricStore{dir: dir, namespace: namespace, offsets: map[string]int64{}, index: map[string]*metricInfo{}}
}

// refresh reads what the run appended and returns the new points.
func (m *metricStore) refresh() ([]cwalarm.EMFPoint, error) {
	groups, err := filepath.Glob(filepath.Join(m.dir, "cloudwatch", "*.jsonl"))
	if err != nil {
		return nil, err
	}
	slices.Sort(groups)
	var added []cwalarm.EMFPoint
	for _, name := range groups {
		chunk, err := m.appended(name)
		if err != nil {
			return nil, err
		}
		err = insights.ReadEvents(bytes.NewReader(chunk), name, "", func(ev *insights.Event) bool {
			added = append(added, cwalarm.ParseEMF([]byte(ev.Message))...)
			for _, mf := range alarms.MetricFilters {
				if p, ok := mf.Apply(m.namespace, ev.Message, time.UnixMilli(ev.Timestamp)); ok {
					added = append(added, p)
				}
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("could not read the run's metrics: %w", err)
		}
	}
	platform, err := m.appended(filepath.Join(m.dir, "logs", "eventbridge.log"))
	if err != nil {
		return nil, err
	}
	for line := range bytes.Lines(platform) {
		added = append(added, cwalarm.ParseEMF(bytes.TrimSpace(line))...)
	}
	m.add(added)
	return added, nil
}

// appended is what file name holds past the last read, up to its last
// complete line; a file that does not exist (yet) holds nothing.
func (m *metricStore) appended(name string) ([]byte, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the run's metrics: %w", err)
	}
	defer f.Close()
	off := m.offsets[name]
	if st, err := f.Stat(); err == nil && st.Size() < off {
		off = 0 // truncated or replaced: read it again
	}
	b, err := io.ReadAll(io.NewSectionReader(f, off, 1<<62))
	if err != nil {
		return nil, fmt.Errorf("could not read the run's metrics: %w", err)
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	m.offsets[name] = off + int64(len(b))
	return b, nil
}

// add records points and indexes their metrics: one per dimension set
// of each point, as CloudWatch aggregates each set apart.
func (m *metricStore) add(points []cwalarm.EMFPoint) {
	m.points = append(m.points, points...)
	for _, p := range points {
		if p.At.After(m.last) {
			m.last = p.At
		}
		for _, set := range p.Sets {
			met := Metric{Namespace: p.Namespace, MetricName: p.Name}
			for _, k := range set {
				met.Dimensions = append(met.Dimensions, Dimension{Name: k, Value: p.Dims[k]})
			}
			slices.SortFunc(met.Dimensions, func(a, b Dimension) int { return strings.Compare(a.Name, b.Name) })
			key := metricKey(met)
			info := m.index[key]
			if info == nil {
				info = &metricInfo{Metric: met}
				m.index[key] = info
			}
			if p.At.After(info.last) {
				info.last = p.At
			}
		}
	}
}

// metricKey identifies a metric; its dimensions must be sorted by name.
func metricKey(m Metric) string {
	var b strings.Builder
	b.WriteString(m.Namespace + "\x00" + m.MetricName)
	for _, d := range m.Dimensions {
		b.WriteString("\x00" + d.Name + "=" + d.Value)
	}
	return b.String()
}

// seriesMetric is m as package cwalarm selects points.
func seriesMetric(m Metric) cwalarm.Metric {
	out := cwalarm.Metric{Namespace: m.Namespace, Name: m.MetricName}
	for _, d := range m.Dimensions {
		if out.Dims == nil {
			out.Dims = map[string]string{}
		}
		out.Dims[d.Name] = d.Value
	}
	return out
}
