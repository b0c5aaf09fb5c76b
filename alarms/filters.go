package alarms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// MetricFilter turns log events of every function's log group into a
// metric, as an AWS::Logs::MetricFilter does: Lambda's platform reports
// become the timeouts and init durations no AWS metric carries, and every
// function's failures and log events become one stack-wide metric each
// (one custom metric, where an alarm on each function's would read five).
// The filters set no dimensions.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
type MetricFilter struct {
	Name        string // logical id suffix
	Pattern     string // a JSON filter pattern ({ $.a = "x" && ($.b > 0 || $.c != "y") }), or "" for every event
	MetricName  string
	MetricValue string // "1", or a $.field selector
	Unit        string
}

// The metrics of the metric filters that alarms read.
const (
	TimeoutsMetric           = "LambdaTimeouts"
	InvocationFailuresMetric = "InvocationFailures"
	LogEventsMetric          = "LogEvents"
)

// MetricFilters are the filters the generated template installs on every
// function's log group (LogFormat JSON platform records and the telemetry
// layer's log lines). InvocationFailures counts the wrapper's "invocation
// failed" and "invocation panicked" lines (a handler's error or panic) and
// the platform reports of invocations that ended neither in success nor
// in a timeout (the runtime exited, Runtime.ExitError: a crash writes no
// line of its own); a timeout is LambdaTimeouts'. The Telemetry API
// reference lists the report's status values
// (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html).
var MetricFilters = []MetricFilter{
	{Name: "Timeouts", Pattern: `{ $.type = "platform.report" && $.record.status = "timeout" }`, MetricName: TimeoutsMetric, MetricValue: "1", Unit: "Count"},
	{Name: "InitDuration", Pattern: `{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }`, MetricName: "LambdaInitDuration",
		MetricValue: "$.record.metrics.initDurationMs", Unit: "Milliseconds"},
	{Name: "InvocationFailures", Pattern: `{ $.message = "invocation failed" || $.message = "invocation panicked" || ` +
		`($.type = "platform.report" && $.record.status != "success" && $.record.status != "timeout") }`,
		MetricName: InvocationFailuresMetric, MetricValue: "1", Unit: "Count"},
	// An empty pattern matches every log event.
	{Name: "LogEvents", Pattern: "", MetricName: LogEventsMetric, MetricValue: "1", Unit: "Count"},
}

// patterns caches compiled patterns: Apply runs on every log event.
var patterns sync.Map // pattern -> compiledPattern

type compiledPattern struct {
	m   matcher
	err error
}

func compiled(p string) (matcher, error) {
	if c, ok := patterns.Load(p); ok {
		return c.(compiledPattern).m, c.(compiledPattern).err
	}
	m, err := compilePattern(p)
	patterns.Store(p, compiledPattern{m, err})
	return m, err
}

// matcher is a compiled filter pattern.
type matcher interface {
	holds(doc map[string]any) bool
}

// condition is one "$.field op value" of a JSON filter pattern.
type condition struct {
	path, op string
	str      string
	num      float64
	isNum    bool
}

// anyOf holds when one of its terms does (||); allOf when all do (&&).
type (
	anyOf []matcher
	allOf []matcher
)

func (a anyOf) holds(doc map[string]any) bool {
	for _, m := range a {
		if m.holds(doc) {
			return true
		}
	}
	return false
}

func (a allOf) holds(doc map[string]any) bool {
	for _, m := range a {
		if !m.holds(doc) {
			return false
		}
	}
	return true
}

// compilePattern reads the subset of filter patterns the kit uses: the
// empty pattern (every event, nil), or a JSON pattern { ... } of
// "$.field op value" conditions (op = != > >= < <=, value a quoted
// string or a number) joined by && and ||, && binding tighter, grouped
// by parentheses.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
func compilePattern(p string) (matcher, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
		return nil, fmt.Errorf("filter pattern %q: only JSON patterns { ... } and the empty pattern are supported", p)
	}
	toks, err := patternTokens(strings.TrimSpace(p[1 : len(p)-1]))
	if err != nil {
		return nil, fmt.Errorf("filter pattern %q: %w", p, err)
	}
	ps := &patternParser{toks: toks}
	m, err := ps.or()
	if err == nil && ps.i < len(ps.toks) {
		err = fmt.Errorf("unexpected %q", ps.toks[ps.i])
	}
	if err != nil {
		return nil, fmt.Errorf("filter pattern %q: %w", p, err)
	}
	return m, nil
}

// patternTokens splits a JSON pattern's body into "(", ")", "&&", "||"
// and conditions, minding quoted strings.
func patternTokens(s string) ([]string, error) {
	var out []string
	var cond strings.Builder
	flush := func() {
		if c := strings.TrimSpace(cond.String()); c != "" {
			out = append(out, c)
		}
		cond.Reset()
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			cond.WriteString(s[i : j+1])
			i = j
		case c == '(' || c == ')':
			flush()
			out = append(out, string(c))
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			flush()
			out = append(out, s[i:i+2])
			i++
		default:
			cond.WriteByte(c)
		}
	}
	flush()
	return out, nil
}

type patternParser struct {
	toks []string
	i    int
}

func (p *patternParser) or() (matcher, error) {
	var terms anyOf
	for {
		m, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, m)
		if p.i >= len(p.toks) || p.toks[p.i] != "||" {
			break
		}
		p.i++
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *patternParser) and() (matcher, error) {
	var terms allOf
	for {
		m, err := p.primary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, m)
		if p.i >= len(p.toks) || p.toks[p.i] != "&&" {
			break
		}
		p.i++
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *patternParser) primary() (matcher, error) {
	if p.i >= len(p.toks) {
		return nil, fmt.Errorf("a condition is missing at the end")
	}
	tok := p.toks[p.i]
	p.i++
	switch tok {
	case "(":
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.toks) || p.toks[p.i] != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return m, nil
	case ")", "&&", "||":
		return nil, fmt.Errorf("unexpected %q", tok)
	}
	return parseCondition(tok)
}

func parseCondition(part string) (condition, error) {
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
				return c, fmt.Errorf("value %q", v)
			}
			break
		}
	}
	if !strings.HasPrefix(c.path, "$.") {
		return c, fmt.Errorf("condition %q needs $.field op value", part)
	}
	return c, nil
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
	m, err := compiled(f.Pattern)
	if err != nil {
		return cwalarm.EMFPoint{}, false
	}
	var doc map[string]any
	if m != nil || strings.HasPrefix(f.MetricValue, "$.") {
		if json.Unmarshal([]byte(message), &doc) != nil {
			return cwalarm.EMFPoint{}, false
		}
	}
	if m != nil && !m.holds(doc) {
		return cwalarm.EMFPoint{}, false
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
