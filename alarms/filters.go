package alarms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// MetricFilter turns log events of every function's log group into a
// metric, as an AWS::Logs::MetricFilter does: Lambda's platform reports
// become the timeouts and init durations no AWS metric carries.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
type MetricFilter struct {
	Name        string // logical id suffix
	Pattern     string // a JSON filter pattern: { $.a = "x" && $.b > 0 }
	MetricName  string
	MetricValue string // "1", or a $.field selector
	Unit        string
}

// MetricFilters are the filters the generated template installs on every
// function's log group (LogFormat JSON platform records).
var MetricFilters = []MetricFilter{
	{Name: "Timeouts", Pattern: `{ $.type = "platform.report" && $.record.status = "timeout" }`, MetricName: "LambdaTimeouts", MetricValue: "1", Unit: "Count"},
	{Name: "InitDuration", Pattern: `{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }`, MetricName: "LambdaInitDuration",
		MetricValue: "$.record.metrics.initDurationMs", Unit: "Milliseconds"},
}

// condition is one "$.field op value" of a JSON filter pattern.
type condition struct {
	path, op string
	str      string
	num      float64
	isNum    bool
}

// compilePattern reads the subset of JSON filter patterns the kit uses:
// conditions joined by && (all must hold).
func compilePattern(p string) ([]condition, error) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
		return nil, fmt.Errorf("filter pattern %q: only JSON patterns { ... } are supported", p)
	}
	var out []condition
	for _, part := range strings.Split(strings.Trim(p, "{} "), "&&") {
		part = strings.TrimSpace(part)
		var c condition
		for _, op := range []string{"!=", ">=", "<=", "=", ">", "<"} {
			if i := strings.Index(part, op); i > 0 {
				c.path, c.op = strings.TrimSpace(part[:i]), op
				v := strings.TrimSpace(part[i+len(op):])
				if u, err := strconv.Unquote(v); err == nil {
					c.str = u
				} else if f, err := strconv.ParseFloat(v, 64); err == nil {
					c.num, c.isNum = f, true
				} else {
					return nil, fmt.Errorf("filter pattern %q: value %q", p, v)
				}
				break
			}
		}
		if !strings.HasPrefix(c.path, "$.") {
			return nil, fmt.Errorf("filter pattern %q: condition %q needs $.field op value", p, part)
		}
		out = append(out, c)
	}
	return out, nil
}

func lookup(doc map[string]any, path string) (any, bool) {
	var v any = doc
	for _, k := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func (c condition) holds(doc map[string]any) bool {
	v, ok := lookup(doc, c.path)
	if !ok {
		return false
	}
	if c.isNum {
		f, ok := v.(float64)
		if !ok {
			return false
		}
		switch c.op {
		case "=":
			return f == c.num
		case "!=":
			return f != c.num
		case ">":
			return f > c.num
		case ">=":
			return f >= c.num
		case "<":
			return f < c.num
		}
		return f <= c.num
	}
	s, ok := v.(string)
	switch c.op {
	case "=":
		return ok && s == c.str
	case "!=":
		return ok && s != c.str
	}
	return false
}

// Apply runs the filter over one log event's message: the metric point it
// yields, if the event matches.
func (f MetricFilter) Apply(namespace, message string, at time.Time) (cwalarm.EMFPoint, bool) {
	conds, err := compilePattern(f.Pattern)
	if err != nil {
		return cwalarm.EMFPoint{}, false
	}
	var doc map[string]any
	if json.Unmarshal([]byte(message), &doc) != nil {
		return cwalarm.EMFPoint{}, false
	}
	for _, c := range conds {
		if !c.holds(doc) {
			return cwalarm.EMFPoint{}, false
		}
	}
	value := 1.0
	if strings.HasPrefix(f.MetricValue, "$.") {
		v, ok := lookup(doc, f.MetricValue)
		n, isNum := v.(float64)
		if !ok || !isNum {
			return cwalarm.EMFPoint{}, false
		}
		value = n
	}
	return cwalarm.EMFPoint{Namespace: namespace, Name: f.MetricName, Sets: [][]string{{}}, Dims: map[string]string{}, At: at,
		Values: []float64{value}, Counts: []float64{1}}, true
}
