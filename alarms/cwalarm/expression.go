package cwalarm

import "math"

// Expression is a parsed metric-math expression, in the subset the alarm
// evaluation supports (see mathExpr): numbers, metric ids, + - * /,
// comparisons, AND / OR, IF and FILL. Dashboards use it to evaluate the
// expressions of their metric widgets period by period, with the same
// missing-point rules as the alarms.
type Expression struct {
	x    mathExpr
	refs []string
}

// ParseExpression parses a metric-math expression; the error says what
// is not supported (functions such as METRICS() or RATE()).
func ParseExpression(src string) (*Expression, error) {
	x, refs, err := parseMath(src)
	if err != nil {
		return nil, err
	}
	return &Expression{x: x, refs: refs}, nil
}

// Refs are the metric and expression ids the expression reads.
func (e *Expression) Refs() []string { return append([]string(nil), e.refs...) }

// Eval computes the expression for one period from the values the ids
// have in it (an id without a value is a missing point); ok is false when
// the result has no point.
func (e *Expression) Eval(vals map[string]float64) (v float64, ok bool) {
	v = e.x.eval(vals)
	return v, !math.IsNaN(v) && !math.IsInf(v, 0)
}
