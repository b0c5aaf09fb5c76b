package cwalarm

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// EMFPoint is one metric value from an EMF log line.
type EMFPoint struct {
	Namespace, Name string
	Sets            [][]string        // the line's dimension sets
	Dims            map[string]string // dimension values
	At              time.Time
	Values, Counts  []float64
}

// ParseEMF reads the metrics of one EMF line (nil if it is not one).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
func ParseEMF(line []byte) []EMFPoint {
	var doc map[string]json.RawMessage
	if json.Unmarshal(line, &doc) != nil || doc["_aws"] == nil {
		return nil
	}
	var meta struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name string }
		}
	}
	if json.Unmarshal(doc["_aws"], &meta) != nil {
		return nil
	}
	var out []EMFPoint
	for _, d := range meta.CloudWatchMetrics {
		dims := map[string]string{}
		for _, set := range d.Dimensions {
			for _, k := range set {
				var v string
				_ = json.Unmarshal(doc[k], &v)
				dims[k] = v
			}
		}
		for _, m := range d.Metrics {
			p := EMFPoint{Namespace: d.Namespace, Name: m.Name, Sets: d.Dimensions, Dims: dims, At: time.UnixMilli(meta.Timestamp)}
			var single float64
			var dist struct{ Values, Counts []float64 }
			switch {
			case json.Unmarshal(doc[m.Name], &single) == nil:
				p.Values, p.Counts = []float64{single}, []float64{1}
			case json.Unmarshal(doc[m.Name], &dist) == nil && len(dist.Values) > 0:
				p.Values, p.Counts = dist.Values, dist.Counts
				if len(p.Counts) != len(p.Values) {
					p.Counts = make([]float64, len(p.Values))
					for i := range p.Counts {
						p.Counts[i] = 1
					}
				}
			default:
				var vs []float64
				if json.Unmarshal(doc[m.Name], &vs) != nil {
					continue
				}
				p.Values = vs
				p.Counts = make([]float64, len(vs))
				for i := range vs {
					p.Counts[i] = 1
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// Metric names a CloudWatch metric: namespace, name and dimensions.
type Metric struct {
	Namespace, Name string
	Dims            map[string]string
}

// Points are the values of metric m among EMF points: a point counts when
// one of its dimension sets is exactly m's dimension keys and the values
// agree (CloudWatch aggregates each dimension set separately). A value
// with a count of n is n points.
func Points(emf []EMFPoint, m Metric) []Point {
	want := make([]string, 0, len(m.Dims))
	for k := range m.Dims {
		want = append(want, k)
	}
	sort.Strings(want)
	var out []Point
	for _, p := range emf {
		if p.Namespace != m.Namespace || p.Name != m.Name || !hasSet(p.Sets, want) {
			continue
		}
		match := true
		for k, v := range m.Dims {
			match = match && p.Dims[k] == v
		}
		if !match {
			continue
		}
		for i, v := range p.Values {
			for range int(max(1, p.Counts[i])) {
				out = append(out, Point{At: p.At, Value: v})
			}
		}
	}
	return out
}

func hasSet(sets [][]string, want []string) bool {
	for _, s := range sets {
		got := append([]string(nil), s...)
		sort.Strings(got)
		if strings.Join(got, ",") == strings.Join(want, ",") {
			return true
		}
	}
	return false
}
