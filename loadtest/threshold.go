package loadtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
)

// Threshold is a pass/fail criterion on a run, written like k6's:
// "p(99) < 60s", "error_rate < 1%", "dlq == 0".
//
// Metrics: p(N) for 0 < N ≤ 100, avg, max (latency of completed
// workflows, intended start → terminal event; the value needs a duration
// unit: 2500ms, 60s, 2m); error_rate (needs %; see errorRate); and the
// counts dlq, duplicate_orders, duplicate_notifications, dropped, lost
// (plain numbers). Operators: < <= > >= == !=.
type Threshold struct {
	Expr   string  // as written
	Metric string  // "p(99)", "avg", "error_rate", "dlq", ...: thresholds of the same Metric replace each other
	Op     string  // < <= > >= == !=
	Value  float64 // in Unit
	Unit   string  // ms, % or count
	Source string  // SourceProfile or SourceSLOs
	pct    float64 // p(N): N
}

// Where a threshold came from (ThresholdResult.Source).
const (
	SourceProfile = "profile"
	SourceSLOs    = "slos.yaml"
)

// ThresholdError is an expression that does not parse; Pos is the byte
// offset in Expr of what is wrong.
type ThresholdError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("threshold %q, column %d: %s", e.Expr, e.Pos+1, e.Msg)
}

// ErrNoDefault is returned when slos.yaml lacks an SLO the defaults are
// derived from.
var ErrNoDefault = errors.New("no SLO to derive the default threshold from")

// thresholdMetric is one metric thresholds can name.
type thresholdMetric struct {
	unit  string
	value func(m *measured) float64
}

// measured is what thresholds are evaluated on: the result, and the
// latency histogram when the run has it (any p(N); without it only the
// percentiles of the Summary).
type measured struct {
	r       *Result
	latency *histogram
}

var thresholdMetrics = map[string]thresholdMetric{
	"avg":                     {"ms", func(m *measured) float64 { return m.r.Latency.Mean }},
	"max":                     {"ms", func(m *measured) float64 { return m.r.Latency.Max }},
	"error_rate":              {"%", func(m *measured) float64 { return errorRate(m.r) }},
	"dlq":                     {"count", func(m *measured) float64 { return float64(m.r.Stats.DeadLettered) }},
	"duplicate_orders":        {"count", func(m *measured) float64 { return float64(m.r.Stats.DuplicateOrders) }},
	"duplicate_notifications": {"count", func(m *measured) float64 { return float64(m.r.Stats.DuplicateNotifications) }},
	"dropped":                 {"count", func(m *measured) float64 { return float64(m.r.Dropped) }},
	"lost":                    {"count", func(m *measured) float64 { return float64(m.r.Lost) }},
}

// errorRate is the percentage of attempted workflows that did not
// complete: (failed + lost + start errors) / (started + start errors).
// Start errors count: a workflow the system refused to start failed. A run
// that attempted nothing has an error rate of 100%: it showed nothing
// working.
func errorRate(r *Result) float64 {
	attempted := r.Started + r.StartErrs
	if attempted == 0 {
		return 100
	}
	return 100 * float64(r.Failed+r.Lost+r.StartErrs) / float64(attempted)
}

var thresholdOps = []string{"<=", ">=", "==", "!=", "<", ">"} // two-character ones first

// ParseThreshold parses an expression; errors are *ThresholdError.
func ParseThreshold(expr string) (Threshold, error) {
	s := &thresholdScanner{expr: expr}
	t := Threshold{Expr: expr}
	var err error
	if t.Metric, t.pct, err = s.metric(); err != nil {
		return t, err
	}
	t.Unit = "ms"
	if m, ok := thresholdMetrics[t.Metric]; ok {
		t.Unit = m.unit
	}
	if t.Op, err = s.op(); err != nil {
		return t, err
	}
	if t.Value, err = s.value(t.Metric, t.Unit); err != nil {
		return t, err
	}
	if s.skipSpace(); s.pos < len(expr) {
		return t, s.errorf("unexpected %q after the value", expr[s.pos:])
	}
	return t, nil
}

type thresholdScanner struct {
	expr string
	pos  int
}

func (s *thresholdScanner) errorf(format string, args ...any) error {
	return &ThresholdError{Expr: s.expr, Pos: s.pos, Msg: fmt.Sprintf(format, args...)}
}

func (s *thresholdScanner) skipSpace() {
	for s.pos < len(s.expr) && (s.expr[s.pos] == ' ' || s.expr[s.pos] == '\t') {
		s.pos++
	}
}

// word reads characters while ok holds.
func (s *thresholdScanner) word(ok func(c byte) bool) string {
	start := s.pos
	for s.pos < len(s.expr) && ok(s.expr[s.pos]) {
		s.pos++
	}
	return s.expr[start:s.pos]
}

func isMetricChar(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' }

func isValueChar(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '%' || c == '-' || c == '+' || c >= 0x80
}

func (s *thresholdScanner) metric() (string, float64, error) {
	s.skipSpace()
	start := s.pos
	name := s.word(isMetricChar)
	if name != "p" {
		if _, ok := thresholdMetrics[name]; !ok {
			s.pos = start
			return "", 0, s.errorf("unknown metric %q (p(N), avg, max, error_rate, dlq, duplicate_orders, duplicate_notifications, dropped, lost)", name)
		}
		return name, 0, nil
	}
	if s.pos >= len(s.expr) || s.expr[s.pos] != '(' {
		return "", 0, s.errorf("want p(N), e.g. p(99)")
	}
	s.pos++
	numAt := s.pos
	num := s.word(func(c byte) bool { return c >= '0' && c <= '9' || c == '.' })
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 || n > 100 {
		s.pos = numAt
		return "", 0, s.errorf("percentile %q: want a number in (0, 100]", num)
	}
	if s.pos >= len(s.expr) || s.expr[s.pos] != ')' {
		return "", 0, s.errorf("want ) after p(%s", num)
	}
	s.pos++
	return "p(" + shortFloat(n) + ")", n, nil
}

func (s *thresholdScanner) op() (string, error) {
	s.skipSpace()
	for _, op := range thresholdOps {
		if strings.HasPrefix(s.expr[s.pos:], op) {
			s.pos += len(op)
			return op, nil
		}
	}
	if strings.HasPrefix(s.expr[s.pos:], "=") {
		return "", s.errorf("= is not an operator: want ==")
	}
	return "", s.errorf("want an operator (< <= > >= == !=)")
}

// value reads the value in the metric's unit: a duration for latency
// (converted to ms), a percentage for error_rate, a number for counts.
func (s *thresholdScanner) value(metric, unit string) (float64, error) {
	s.skipSpace()
	start := s.pos
	tok := s.word(isValueChar)
	s.pos = start
	if tok == "" {
		return 0, s.errorf("want a value after the operator")
	}
	switch unit {
	case "ms":
		d, err := time.ParseDuration(tok)
		if err != nil {
			if _, numErr := strconv.ParseFloat(tok, 64); numErr == nil {
				return 0, s.errorf("%s needs a duration with a unit, e.g. %sms or %ss", metric, tok, tok)
			}
			return 0, s.errorf("%q is not a duration (e.g. 2500ms, 60s, 2m)", tok)
		}
		s.pos += len(tok)
		return float64(d) / float64(time.Millisecond), nil
	case "%":
		num, ok := strings.CutSuffix(tok, "%")
		v, err := strconv.ParseFloat(num, 64)
		if !ok || err != nil || v < 0 || v > 100 || math.IsNaN(v) {
			return 0, s.errorf("%s needs a percentage in [0, 100], e.g. 1%%; got %q", metric, tok)
		}
		s.pos += len(tok)
		return v, nil
	}
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, s.errorf("%s needs a count, e.g. 0; got %q", metric, tok)
	}
	s.pos += len(tok)
	return v, nil
}

// Eval evaluates the threshold on a result read back (e.g. from JSON):
// p(N) is available for the percentiles of Summary (50, 90, 95, 99, 99.9);
// Run evaluates any N on its histogram.
func (t Threshold) Eval(r *Result) (ThresholdResult, error) {
	return t.eval(&measured{r: r})
}

func (t Threshold) eval(m *measured) (ThresholdResult, error) {
	if slices.Contains(m.r.Stats.Unmeasured, t.Metric) {
		return ThresholdResult{Expr: t.Expr, Unit: t.Unit, Source: t.Source, NotMeasured: true}, nil
	}
	v, err := t.measure(m)
	if err != nil {
		return ThresholdResult{}, err
	}
	if t.Unit == "ms" && m.r.Latency.Count == 0 {
		// No workflow completed: a latency threshold has nothing to pass
		// on, and a 0 would pass "p(99) < 1s" while everything failed.
		return ThresholdResult{Expr: t.Expr, Unit: t.Unit, Source: t.Source, NoData: true}, nil
	}
	return ThresholdResult{Expr: t.Expr, Value: v, Unit: t.Unit, Pass: compare(v, t.Op, t.Value), Source: t.Source}, nil
}

func (t Threshold) measure(m *measured) (float64, error) {
	if mt, ok := thresholdMetrics[t.Metric]; ok {
		return mt.value(m), nil
	}
	if m.latency != nil {
		return m.latency.quantileMs(t.pct), nil
	}
	sum := m.r.Latency
	for _, p := range []struct {
		pct float64
		v   float64
	}{{50, sum.P50}, {90, sum.P90}, {95, sum.P95}, {99, sum.P99}, {99.9, sum.P999}, {100, sum.Max}} {
		if p.pct == t.pct {
			return p.v, nil
		}
	}
	return 0, fmt.Errorf("threshold %q: the result's summary has no %s (p(50), p(90), p(95), p(99), p(99.9))", t.Expr, t.Metric)
}

func compare(v float64, op string, x float64) bool {
	switch op {
	case "<":
		return v < x
	case "<=":
		return v <= x
	case ">":
		return v > x
	case ">=":
		return v >= x
	case "==":
		return v == x
	case "!=":
		return v != x
	}
	return false
}

// Evaluate evaluates thresholds on a result read back, in order; see Eval.
func Evaluate(r *Result, ts []Threshold) ([]ThresholdResult, error) {
	return evaluate(&measured{r: r}, ts)
}

func evaluate(m *measured, ts []Threshold) ([]ThresholdResult, error) {
	out := make([]ThresholdResult, 0, len(ts))
	var errs []error
	for _, t := range ts {
		tr, err := t.eval(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, tr)
	}
	return out, errors.Join(errs...)
}

// Passed says whether the run is valid and every threshold passed.
func (r *Result) Passed() bool {
	if !r.Valid {
		return false
	}
	for _, t := range r.Thresholds {
		if !t.Pass {
			return false
		}
	}
	return true
}

// SkipThresholds is ts without the thresholds on the named metrics (as
// a threshold names them: dlq, error_rate, p(99)); naming a metric no
// threshold of ts is on is an error, so that a typo skips nothing
// silently.
func SkipThresholds(ts []Threshold, metrics []string) ([]Threshold, error) {
	var errs []error
	for _, m := range metrics {
		if !slices.ContainsFunc(ts, func(t Threshold) bool { return t.Metric == m }) {
			errs = append(errs, fmt.Errorf("no threshold of this run is on %q (they are on %s)", m, thresholdNames(ts)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ts), func(t Threshold) bool { return slices.Contains(metrics, t.Metric) }), nil
}

func thresholdNames(ts []Threshold) string {
	var names []string
	for _, t := range ts {
		if !slices.Contains(names, t.Metric) {
			names = append(names, t.Metric)
		}
	}
	return strings.Join(names, ", ")
}

// MergeThresholds is defaults with each replaced by the threshold of the
// same metric in own, followed by own's other thresholds.
func MergeThresholds(defaults, own []Threshold) []Threshold {
	var out []Threshold
	for _, d := range defaults {
		if !slices.ContainsFunc(own, func(t Threshold) bool { return t.Metric == d.Metric }) {
			out = append(out, d)
		}
	}
	return append(out, own...)
}

// LoadDefaultThresholds reads alarms/slos.yaml (at path) and derives the
// default thresholds from it; see DefaultThresholds.
func LoadDefaultThresholds(path string) ([]Threshold, error) {
	spec, err := alarms.LoadSpec(path, nil)
	if err != nil {
		return nil, fmt.Errorf("could not load the SLOs: %w", err)
	}
	return DefaultThresholds(spec)
}

// DefaultThresholds derives thresholds from the SLOs: the latency SLO on
// WorkflowDuration gives p(<objective>) < <threshold_ms>; the success SLO
// whose good events are WorkflowsCompleted gives error_rate <
// <100 − objective>%; and dlq == 0 and duplicate_orders == 0, which no
// error budget allows. Each has Source SourceSLOs.
func DefaultThresholds(spec *alarms.Spec) ([]Threshold, error) {
	var latency, success *alarms.SLO
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		switch {
		case s.Latency != nil && s.Latency.Metric == "WorkflowDuration" && latency == nil:
			latency = s
		case slices.Contains(s.Good, "WorkflowsCompleted") && success == nil:
			success = s
		}
	}
	if latency == nil {
		return nil, fmt.Errorf("%w: a latency SLO on WorkflowDuration", ErrNoDefault)
	}
	if success == nil {
		return nil, fmt.Errorf("%w: a success SLO whose good events are WorkflowsCompleted", ErrNoDefault)
	}
	exprs := []string{
		fmt.Sprintf("p(%s) < %s", shortFloat(latency.Objective), msDuration(latency.Latency.ThresholdMs)),
		fmt.Sprintf("error_rate < %s%%", shortFloat(100-success.Objective)),
		"dlq == 0",
		"duplicate_orders == 0",
	}
	out := make([]Threshold, 0, len(exprs))
	for _, e := range exprs {
		t, err := ParseThreshold(e)
		if err != nil {
			return nil, fmt.Errorf("could not derive a threshold from the SLOs: %w", err)
		}
		t.Source = SourceSLOs
		out = append(out, t)
	}
	return out, nil
}

// shortFloat writes a percentage without float noise: 100 − 99.9 is
// 0.1, not 0.09999999999999432.
func shortFloat(x float64) string {
	return strconv.FormatFloat(math.Round(x*1e9)/1e9, 'f', -1, 64)
}

// msDuration writes milliseconds in the largest whole unit: 120000 → 120s.
func msDuration(ms float64) string {
	if ms >= 1000 && math.Mod(ms, 1000) == 0 {
		return shortFloat(ms/1000) + "s"
	}
	return shortFloat(ms) + "ms"
}
