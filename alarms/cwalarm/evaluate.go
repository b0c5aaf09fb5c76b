package cwalarm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Point is one raw metric value.
type Point struct {
	At    time.Time
	Value float64
}

// Series are raw values by metric id (m1 for a single-metric alarm).
type Series map[string][]Point

// Plan is how a metric alarm computes its value for one period: the
// statistic of each metric, then the expressions, dependencies first.
type Plan struct {
	stats   map[string]string        // metric id -> statistic
	periods map[string]time.Duration // metric id -> its own period, when it has one
	exprs   map[string]mathExpr      // expression id -> expression
	order   []string                 // expression ids, dependencies first
	result  string                   // the id whose value is compared
}

// Plan checks the alarm's metrics and expressions and orders the
// expressions; exactly one metric or expression must return data.
func (a *MetricAlarm) Plan() (*Plan, error) {
	p := &Plan{stats: map[string]string{}, exprs: map[string]mathExpr{}, periods: map[string]time.Duration{}}
	if len(a.Metrics) == 0 {
		p.stats["m1"], p.result = a.Statistic, "m1"
		return p, nil
	}
	deps := map[string][]string{}
	var returned []string
	for _, m := range a.Metrics {
		switch {
		case m.MetricStat != nil:
			p.stats[m.Id] = m.MetricStat.Stat
			if m.MetricStat.Period > 0 {
				p.periods[m.Id] = time.Duration(m.MetricStat.Period) * time.Second
			}
		case m.Expression != "":
			x, refs, err := parseMath(m.Expression)
			if err != nil {
				return nil, fmt.Errorf("alarm %s, metric %s: %w", a.AlarmName, m.Id, err)
			}
			p.exprs[m.Id], deps[m.Id] = x, refs
		default:
			return nil, fmt.Errorf("alarm %s: metric %s has neither MetricStat nor Expression", a.AlarmName, m.Id)
		}
		if m.ReturnData == nil || *m.ReturnData {
			returned = append(returned, m.Id)
		}
	}
	if len(returned) != 1 {
		return nil, fmt.Errorf("alarm %s: exactly one metric must return data (ReturnData), %d do", a.AlarmName, len(returned))
	}
	p.result = returned[0]
	// Order the expressions so each comes after what it reads.
	done := map[string]bool{}
	var visit func(id string, path map[string]bool) error
	visit = func(id string, path map[string]bool) error {
		if done[id] {
			return nil
		}
		if _, isExpr := p.exprs[id]; !isExpr {
			if _, isStat := p.stats[id]; !isStat {
				return fmt.Errorf("alarm %s: expression refers to unknown metric %q", a.AlarmName, id)
			}
			return nil
		}
		if path[id] {
			return fmt.Errorf("alarm %s: expression %s refers to itself", a.AlarmName, id)
		}
		path[id] = true
		for _, d := range deps[id] {
			if err := visit(d, path); err != nil {
				return err
			}
		}
		done[id] = true
		p.order = append(p.order, id)
		return nil
	}
	ids := make([]string, 0, len(p.exprs))
	for id := range p.exprs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := visit(id, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// value computes the alarm's value for the period [start, end); sorted
// says s's points are in time order, so each period's are found by
// binary search rather than by a scan.
func (p *Plan) value(s Series, start, end time.Time, sorted bool) float64 {
	vals := map[string]float64{}
	for id, stat := range p.stats {
		from := start
		if d, ok := p.periods[id]; ok { // each metric over its own period, ending together
			from = end.Add(-d)
		}
		points := s[id]
		if sorted {
			points = within(points, from, end)
		}
		if v, ok := aggregate(points, from, end, stat); ok {
			vals[id] = v
		}
	}
	if v, ok := p.compute(vals); ok {
		return v
	}
	return math.NaN()
}

// Metrics are the ids of the alarm's metrics (the MetricStat entries, or
// m1 for a single-metric alarm), sorted.
func (p *Plan) Metrics() []string {
	return slices.Sorted(maps.Keys(p.stats))
}

// Value is the alarm's value for one period, given the value each metric
// has in it (a metric without one is a missing point); ok is false when
// the value has no point.
func (p *Plan) Value(metrics map[string]float64) (v float64, ok bool) {
	return p.compute(maps.Clone(metrics))
}

// compute adds the expressions' values to vals and returns the result's.
func (p *Plan) compute(vals map[string]float64) (float64, bool) {
	for _, id := range p.order {
		if v := p.exprs[id].eval(vals); !math.IsNaN(v) {
			vals[id] = v
		}
	}
	v, ok := vals[p.result]
	return v, ok
}

// aggregate applies a statistic to the points in [start, end).
func aggregate(points []Point, start, end time.Time, stat string) (float64, bool) {
	var n int
	var sum float64
	lo, hi := math.Inf(1), math.Inf(-1)
	extremes := stat == "Minimum" || stat == "Maximum"
	for _, pt := range points {
		if pt.At.Before(start) || !pt.At.Before(end) {
			continue
		}
		n++
		sum += pt.Value
		if extremes {
			lo, hi = math.Min(lo, pt.Value), math.Max(hi, pt.Value)
		}
	}
	if n == 0 {
		return 0, false
	}
	if lo, hi, ok := trimmedRange(stat); ok { // TC(lo:hi): how many values in [lo, hi]
		n := 0
		for _, pt := range points {
			if !pt.At.Before(start) && pt.At.Before(end) && pt.Value >= lo && pt.Value <= hi {
				n++
			}
		}
		return float64(n), true
	}
	switch stat {
	case "Average":
		return sum / float64(n), true
	case "Minimum":
		return lo, true
	case "Maximum":
		return hi, true
	case "SampleCount":
		return float64(n), true
	}
	return sum, true // Sum, and the default
}

// Evaluate runs the alarm at every `every` from `from` to `to` inclusive,
// starting in INSUFFICIENT_DATA, and returns the state after each
// evaluation. An evaluation at t reads the periods that ended by t
// (windows end at the evaluation's minute: rule 6).
func Evaluate(a *MetricAlarm, s Series, from, to time.Time, every time.Duration) ([]Sample, error) {
	e, err := NewEvaluator(a)
	if err != nil {
		return nil, err
	}
	if every <= 0 {
		every = time.Minute // CloudWatch evaluates standard-resolution alarms every minute
	}
	state := InsufficientData
	var out []Sample
	for t := from; !t.After(to); t = t.Add(every) {
		state = e.At(s, t, state).State
		out = append(out, Sample{At: t, State: state})
	}
	return out, nil
}

// Evaluator evaluates one alarm an evaluation at a time, for callers that
// keep the alarm's state between evaluations (an alarm evaluated as time
// passes rather than over a fixed span). It is immutable and safe for
// concurrent use.
type Evaluator struct {
	a      MetricAlarm
	p      *Plan
	period time.Duration
}

// NewEvaluator validates a and plans its metric math.
func NewEvaluator(a *MetricAlarm) (*Evaluator, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	p, err := a.Plan()
	if err != nil {
		return nil, err
	}
	return &Evaluator{a: *a, p: p, period: time.Duration(a.period()) * time.Second}, nil
}

// Evaluation is one evaluation's outcome: the new state and the
// evaluation range it was decided on (rule 1), oldest period first.
type Evaluation struct {
	State State
	Range []Datapoint
}

// Datapoint is the alarm's value for the period ending at End; OK is
// false when the period has no point.
type Datapoint struct {
	End   time.Time
	Value float64
	OK    bool
}

// Period is the alarm's period.
func (e *Evaluator) Period() time.Duration { return e.period }

// Window is how far back from its minute an evaluation reads: points
// older than t.Truncate(time.Minute) - Window() do not change it.
func (e *Evaluator) Window() time.Duration {
	return time.Duration(e.a.rangeLength()) * e.period
}

// At evaluates the alarm at t, in state current (which only the ignore
// option of TreatMissingData keeps).
func (e *Evaluator) At(s Series, t time.Time, current State) Evaluation {
	return e.at(s, t, current, false)
}

// at is At; sorted says s's points are in time order.
func (e *Evaluator) at(s Series, t time.Time, current State, sorted bool) Evaluation {
	end := t.Truncate(time.Minute) // rule 6
	n := e.a.rangeLength()
	points := make([]float64, n)
	rng := make([]Datapoint, n)
	for i := range n {
		pe := end.Add(-time.Duration(n-1-i) * e.period)
		points[i] = e.p.value(s, pe.Add(-e.period), pe, sorted)
		rng[i] = Datapoint{End: pe, Value: points[i], OK: !math.IsNaN(points[i])}
	}
	return Evaluation{State: e.a.decide(points, current), Range: rng}
}

// Aggregate applies a statistic (Sum, Average, Minimum, Maximum,
// SampleCount, TC(lo:hi)) to the points in [start, end), as an alarm's
// metric is aggregated over a period; ok is false when no point is in it.
func Aggregate(points []Point, start, end time.Time, stat string) (v float64, ok bool) {
	return aggregate(points, start, end, stat)
}

// trimmedRange reads a TC(lo:hi) statistic (absolute bounds).
func trimmedRange(stat string) (float64, float64, bool) {
	if !strings.HasPrefix(stat, "TC(") || !strings.HasSuffix(stat, ")") {
		return 0, 0, false
	}
	lo, hi, ok := strings.Cut(stat[3:len(stat)-1], ":")
	if !ok || strings.Contains(stat, "%") {
		return 0, 0, false
	}
	l, h := math.Inf(-1), math.Inf(1)
	if lo != "" {
		l, _ = strconv.ParseFloat(lo, 64)
	}
	if hi != "" {
		h, _ = strconv.ParseFloat(hi, 64)
	}
	return l, h, true
}
