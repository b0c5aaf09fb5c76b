package insights

import (
	"math"
	"sort"
	"strings"
)

var aggregates = map[string]bool{"count": true, "count_distinct": true, "sum": true, "avg": true, "min": true,
	"max": true, "stddev": true, "pct": true, "earliest": true, "latest": true, "sortsfirst": true, "sortslast": true}

func isAggregate(name string) bool { return aggregates[strings.ToLower(name)] }

// hasAggregate reports whether x calls an aggregate (stats items may
// combine them: sum(a) / count()).
func hasAggregate(x expr) bool {
	switch e := x.(type) {
	case call:
		if isAggregate(e.name) {
			return true
		}
		for _, a := range e.args {
			if hasAggregate(a) {
				return true
			}
		}
	case binary:
		return hasAggregate(e.l) || hasAggregate(e.r)
	case unary:
		return hasAggregate(e.x)
	}
	return false
}

// acc accumulates one aggregate call over a group.
type acc struct {
	c        call
	n        int
	sum, sq  float64
	min, max value
	distinct map[string]struct{}
	vals     []float64
	first    value // earliest / sortsFirst
	firstTs  int64
	last     value
	lastTs   int64
	seen     bool
}

func (a *acc) add(r *record) {
	switch a.c.name {
	case "count":
		if len(a.c.args) == 0 {
			a.n++
			return
		}
		if f, ok := a.c.args[0].(fieldRef); ok && f.name == "*" {
			a.n++
			return
		}
		if eval(a.c.args[0], r).k != vNull {
			a.n++
		}
		return
	}
	v := eval(a.c.args[0], r)
	if v.k == vNull {
		return
	}
	switch a.c.name {
	case "count_distinct":
		if a.distinct == nil {
			a.distinct = map[string]struct{}{}
		}
		a.distinct[v.String()] = struct{}{}
	case "sum", "avg", "stddev", "pct":
		f, ok := v.number()
		if !ok {
			return
		}
		a.n++
		a.sum += f
		a.sq += f * f
		if a.c.name == "pct" {
			a.vals = append(a.vals, f)
		}
	case "min", "sortsfirst":
		if !a.seen || compare(v, a.min) < 0 {
			a.min = v
		}
	case "max", "sortslast":
		if !a.seen || compare(v, a.max) > 0 {
			a.max = v
		}
	case "earliest", "latest":
		ts := int64(r.get("@timestamp").f)
		if !a.seen || ts < a.firstTs {
			a.first, a.firstTs = v, ts
		}
		if !a.seen || ts >= a.lastTs {
			a.last, a.lastTs = v, ts
		}
	}
	a.seen = true
}

func (a *acc) result() value {
	switch a.c.name {
	case "count":
		return num(float64(a.n))
	case "count_distinct":
		return num(float64(len(a.distinct)))
	case "sum":
		if a.n == 0 {
			return null
		}
		return num(a.sum)
	case "avg":
		if a.n == 0 {
			return null
		}
		return num(a.sum / float64(a.n))
	case "stddev": // the sample standard deviation (a decision: the documentation does not say)
		if a.n < 2 {
			return null
		}
		mean := a.sum / float64(a.n)
		return num(math.Sqrt(max(0, (a.sq-float64(a.n)*mean*mean)/float64(a.n-1))))
	case "pct":
		return percentile(a.vals, a.c)
	case "min", "sortsfirst":
		if !a.seen {
			return null
		}
		return a.min
	case "max", "sortslast":
		if !a.seen {
			return null
		}
		return a.max
	case "earliest":
		return a.first
	case "latest":
		return a.last
	}
	return null
}

// percentile is the nearest-rank percentile (a decision: CloudWatch
// documents pct as approximate without naming the method).
func percentile(vals []float64, c call) value {
	if len(vals) == 0 || len(c.args) < 2 {
		return null
	}
	p, ok := c.args[1].(numLit)
	if !ok {
		return null
	}
	sort.Float64s(vals)
	rank := int(math.Ceil(p.v / 100 * float64(len(vals))))
	return num(vals[max(0, min(rank, len(vals))-1)])
}
