package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// row is one entry of a metric widget's metrics array: a metric with its
// dimensions, or a metric-math expression, with its rendering options.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html#CloudWatch-Dashboard-Properties-Metrics-Array-Format
type row struct {
	Namespace, Name string
	Dims            [][2]string // in the row's order
	Expression      string
	rowOptions
}

type rowOptions struct {
	Expression string `json:"expression"`
	ID         string `json:"id"`
	Label      string `json:"label"`
	Stat       string `json:"stat"`
	Period     int    `json:"period"`
	Visible    *bool  `json:"visible"`
	Color      string `json:"color"`
	YAxis      string `json:"yAxis"`
}

func (r row) visible() bool { return r.Visible == nil || *r.Visible }

// dims are the row's dimensions as a map.
func (r row) dims() map[string]string {
	if len(r.Dims) == 0 {
		return nil
	}
	m := make(map[string]string, len(r.Dims))
	for _, d := range r.Dims {
		m[d[0]] = d[1]
	}
	return m
}

// parseRows reads a metrics array. In a metric row "." repeats the
// previous metric row's value at that position, and a leading "..."
// repeats the previous row's values except the last ones given after it
// (the console's shorthand). Rows without an id get m1, m2, ... (e1, ...
// for expressions) by position, as CloudWatch names them. props are
// property variables: a dimension of that name takes the value.
func parseRows(raw []json.RawMessage, props map[string]string) ([]row, error) {
	var out []row
	var prev []string
	for i, r := range raw {
		var items []json.RawMessage
		if err := json.Unmarshal(r, &items); err != nil {
			return nil, fmt.Errorf("metrics[%d] is not an array: %w", i, err)
		}
		var fields []string
		var opts rowOptions
		for j, it := range items {
			it = bytes.TrimSpace(it)
			if len(it) > 0 && it[0] == '{' {
				if j != len(items)-1 {
					return nil, fmt.Errorf("metrics[%d]: the options object must come last", i)
				}
				if err := json.Unmarshal(it, &opts); err != nil {
					return nil, fmt.Errorf("metrics[%d]: %w", i, err)
				}
				continue
			}
			var s string
			if err := json.Unmarshal(it, &s); err != nil {
				return nil, fmt.Errorf("metrics[%d][%d] is not a string", i, j)
			}
			fields = append(fields, s)
		}
		x := row{rowOptions: opts, Expression: opts.Expression}
		if x.Expression == "" {
			var err error
			if fields, err = expandDots(fields, prev); err != nil {
				return nil, fmt.Errorf("metrics[%d]: %w", i, err)
			}
			if len(fields) < 2 || len(fields)%2 != 0 || fields[0] == "" || fields[1] == "" {
				return nil, fmt.Errorf("metrics[%d]: want namespace, name and dimension name/value pairs, got %q", i, fields)
			}
			prev = fields
			x.Namespace, x.Name = fields[0], fields[1]
			for k := 2; k+1 < len(fields); k += 2 {
				v := fields[k+1]
				if p, ok := props[fields[k]]; ok {
					v = p
				}
				x.Dims = append(x.Dims, [2]string{fields[k], v})
			}
		}
		if x.ID == "" {
			x.ID = fmt.Sprintf("m%d", i+1)
			if x.Expression != "" {
				x.ID = fmt.Sprintf("e%d", i+1)
			}
		}
		out = append(out, x)
	}
	return out, nil
}

func expandDots(fields, prev []string) ([]string, error) {
	if len(fields) > 0 && fields[0] == "..." {
		rest := fields[1:]
		if len(rest) > len(prev) {
			return nil, fmt.Errorf(`"..." with no previous metric row as long`)
		}
		return append(append([]string(nil), prev[:len(prev)-len(rest)]...), rest...), nil
	}
	out := append([]string(nil), fields...)
	for k, f := range out {
		if f != "." {
			continue
		}
		if k >= len(prev) {
			return nil, fmt.Errorf(`"." at position %d with no previous metric row value there`, k)
		}
		out[k] = prev[k]
	}
	return out, nil
}

// defaultLabel is the label CloudWatch shows for a row without one: the
// expression, or the metric name with its dimension values.
func (r row) defaultLabel() string {
	if r.Label != "" {
		return r.Label
	}
	if r.Expression != "" {
		return r.Expression
	}
	var vals []string
	for _, d := range r.Dims {
		vals = append(vals, d[1])
	}
	if len(vals) == 0 {
		return r.Name
	}
	return r.Name + " (" + strings.Join(vals, ", ") + ")"
}
