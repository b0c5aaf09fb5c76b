package loadtest

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// Profile is a load profile: the expected load as data
// (loadtest/profiles/*.yaml). The multiplier is applied when the profile
// is scheduled, not when it is parsed: Phases hold the rates as written.
type Profile struct {
	Name              string
	Description       string
	File              string  // where it was read from, for messages
	Multiplier        float64 // applied to rates and burst sizes; default 2
	Phases            []Phase
	OrdersPerWorkflow float64 // expected orders per workflow, for the cost estimate
	Broker            Broker
	Drain             time.Duration // how long to wait for ends after the last start; default 60s
	Thresholds        []Threshold   // the profile's own; each replaces the default of the same metric

	// Redeliveries is the share of EventBridge's deliveries made twice
	// (at-least-once delivery), 0 to 1; local target.
	Redeliveries float64
	// Watchdog is how often the watchdog schedule fires (template.yaml:
	// every five minutes of the session), before the multiplier; 0 for
	// never. Local target: the deployed stack's own schedule fires it.
	Watchdog time.Duration
	// ExecutionConcurrency replaces template.yaml's
	// ExecutionReservedConcurrency on the local target (0 reserves none);
	// nil keeps the template's (1).
	ExecutionConcurrency *int
}

// Shape is how a phase spreads its arrivals over time.
type Shape string

// The shapes of a phase.
const (
	ShapeConstant Shape = "constant" // Rate per second for Duration
	ShapeRamping  Shape = "ramping"  // linearly from From to To per second over Duration
	ShapeBurst    Shape = "burst"    // Workflows starts within Window
)

// Spread is how a burst places its starts within its window.
type Spread string

// The spreads of a burst.
const (
	// SpreadEven starts N workflows at window×i/N, i = 0..N-1.
	SpreadEven Spread = "even"
	// SpreadPoisson starts N workflows at N uniform random offsets within
	// the window (sorted), drawn from a PCG seeded with Seed: the arrival
	// times of a Poisson process conditioned on N arrivals in the window.
	// The same seed gives the same schedule.
	SpreadPoisson Spread = "poisson"
)

// Phase is one part of a profile's schedule.
type Phase struct {
	Name      string
	Shape     Shape
	Start     time.Duration // offset from the run's start
	Duration  time.Duration // constant and ramping; a burst's defaults to its window
	Rate      float64       // constant: workflows per second
	From, To  float64       // ramping: workflows per second at the start and the end
	Workflows int           // burst: starts within the window
	Window    time.Duration // burst
	Spread    Spread        // burst: even (default) or poisson
	Seed      uint64        // burst, poisson: default 1
}

// Broker is the behaviour the target asks of the (paper) broker; the
// fields are those of app/broker/paper.Faults.
type Broker struct {
	Latency    time.Duration   // added to every broker request
	ErrorRates map[int]float64 // HTTP status → probability, e.g. {500: 0.01, 429: 0.005}
}

// Profile defaults and limits.
const (
	DefaultMultiplier = 2
	DefaultDrain      = 60 * time.Second
	// MaxArrivals bounds a profile's schedule (after the multiplier), so
	// that a typo cannot make the generator allocate without end.
	MaxArrivals = 1_000_000
	// MaxDuration bounds the end of a profile's last phase.
	MaxDuration = 24 * time.Hour
)

// Duration is the span of the schedule: the end of the last phase.
func (p *Profile) Duration() time.Duration {
	var d time.Duration
	for _, ph := range p.Phases {
		d = max(d, ph.Start+ph.Duration)
	}
	return d
}

// LoadProfile reads and validates a profile.
func LoadProfile(path string) (*Profile, error) {
	src, err := inputs.ReadFile(path, inputs.Config)
	if err != nil {
		return nil, fmt.Errorf("could not read the profile: %w", err)
	}
	return ParseProfile(path, src)
}

// ParseProfile parses and validates a profile; name is the file it came
// from, for messages, and gives the profile's name when it has none.
// Every problem is reported (joined), each as file:line:col: what is
// wrong. YAML syntax errors carry no column: file:line: message.
func ParseProfile(name string, src []byte) (*Profile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlSyntaxError(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the profile is empty", name)
	}
	pp := &profileParser{file: name}
	p := pp.profile(doc.Content[0])
	if err := pp.err(); err != nil {
		return nil, err
	}
	p.File = name
	if p.Name == "" {
		p.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	return p, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlSyntaxError puts yaml.v3's "yaml: line N: msg" in our file:line form.
func yamlSyntaxError(file string, err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", file, m[1], m[2])
	}
	return fmt.Errorf("%s: %w", file, err)
}

// profileParser walks a profile's YAML nodes, so that every error names
// the line and column it is about, and collects all of them.
type profileParser struct {
	file string
	errs []positionedError
}

type positionedError struct {
	line, col int
	err       error
}

func (pp *profileParser) errorf(n *yaml.Node, format string, args ...any) {
	pp.errorAt(n.Line, n.Column, fmt.Errorf(format, args...))
}

func (pp *profileParser) errorAt(line, col int, err error) {
	pp.errs = append(pp.errs, positionedError{line, col, fmt.Errorf("%s:%d:%d: %w", pp.file, line, col, err)})
}

// err is every error found, in the order of the file.
func (pp *profileParser) err() error {
	slices.SortStableFunc(pp.errs, func(a, b positionedError) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
	errs := make([]error, len(pp.errs))
	for i, e := range pp.errs {
		errs[i] = e.err
	}
	return errors.Join(errs...)
}

// mapping reads a mapping node's entries, reporting unknown and repeated
// keys; it returns each known key's value.
func (pp *profileParser) mapping(n *yaml.Node, what string, known []string) map[string]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		pp.errorf(n, "%s: want a mapping", what)
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch _, seen := out[k.Value]; {
		case !slices.Contains(known, k.Value):
			pp.errorf(k, "%s: unknown field %q (known: %s)", what, k.Value, strings.Join(known, ", "))
		case seen:
			pp.errorf(k, "%s: %q is given twice", what, k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

var profileFields = []string{"name", "description", "multiplier", "phases", "orders_per_workflow", "broker", "drain", "thresholds",
	"redeliveries", "watchdog", "execution_concurrency"}

func (pp *profileParser) profile(root *yaml.Node) *Profile {
	p := &Profile{Multiplier: DefaultMultiplier, Drain: DefaultDrain}
	f := pp.mapping(root, "profile", profileFields)
	if v, ok := f["name"]; ok {
		p.Name = pp.text(v, "name")
	}
	if v, ok := f["description"]; ok {
		p.Description = pp.text(v, "description")
	}
	if v, ok := f["multiplier"]; ok {
		if m, ok := pp.number(v, "multiplier"); ok && m <= 0 {
			pp.errorf(v, "multiplier is %s: want a positive number (2 is twice the expected load)", v.Value)
		} else if ok {
			p.Multiplier = m
		}
	}
	if v, ok := f["orders_per_workflow"]; ok {
		if n, ok := pp.number(v, "orders_per_workflow"); ok && n < 0 {
			pp.errorf(v, "orders_per_workflow is %s: cannot be negative", v.Value)
		} else if ok {
			p.OrdersPerWorkflow = n
		}
	}
	if v, ok := f["drain"]; ok {
		if d, ok := pp.duration(v, "drain"); ok && d <= 0 {
			pp.errorf(v, "drain is %s: want a positive duration", v.Value)
		} else if ok {
			p.Drain = d
		}
	}
	if v, ok := f["broker"]; ok {
		p.Broker = pp.broker(v)
	}
	pp.system(f, p)
	if v, ok := f["thresholds"]; ok {
		p.Thresholds = pp.thresholds(v)
	}
	v, ok := f["phases"]
	if !ok && f != nil {
		pp.errorf(root, "profile: phases are missing")
	}
	if ok {
		p.Phases = pp.phases(v)
		pp.checkBounds(v, p)
	}
	return p
}

// system reads the fields that shape the stack rather than the arrivals:
// redeliveries, watchdog and execution_concurrency.
func (pp *profileParser) system(f map[string]*yaml.Node, p *Profile) {
	if v, ok := f["redeliveries"]; ok {
		if r, ok := pp.number(v, "redeliveries"); ok && (r < 0 || r > 1) {
			pp.errorf(v, "redeliveries is %s: want a share between 0 and 1", v.Value)
		} else if ok {
			p.Redeliveries = r
		}
	}
	if v, ok := f["watchdog"]; ok {
		p.Watchdog = pp.nonNegativeDuration(v, "watchdog")
	}
	if v, ok := f["execution_concurrency"]; ok {
		if n, ok := pp.number(v, "execution_concurrency"); ok && (n < 0 || n != math.Trunc(n)) {
			pp.errorf(v, "execution_concurrency is %s: want a whole number, 0 or more (0 reserves none)", v.Value)
		} else if ok {
			c := int(n)
			p.ExecutionConcurrency = &c
		}
	}
}

// checkBounds bounds the schedule, so that a typo cannot exhaust memory
// or overflow a time.
func (pp *profileParser) checkBounds(at *yaml.Node, p *Profile) {
	if len(pp.errs) > 0 {
		return
	}
	var n float64
	for i, ph := range p.Phases {
		n += ph.expected(p.Multiplier)
		if ph.Start > MaxDuration || ph.Duration > MaxDuration-ph.Start {
			pp.errorf(at.Content[i], "phase %q ends after %v: a profile spans at most %v", ph.Name, MaxDuration, MaxDuration)
		}
	}
	if n > MaxArrivals {
		pp.errorf(at, "the phases schedule %.0f arrivals (multiplier %g): at most %d", n, p.Multiplier, MaxArrivals)
	}
}

func (pp *profileParser) phases(n *yaml.Node) []Phase {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		pp.errorf(n, "phases: want a list of at least one phase")
		return nil
	}
	var out []Phase
	names := map[string]bool{}
	for i, item := range n.Content {
		ph := pp.phase(deref(item), i)
		if names[ph.Name] {
			pp.errorf(item, "phase %q: the name is used twice", ph.Name)
		}
		names[ph.Name] = true
		out = append(out, ph)
	}
	return out
}

// The fields each shape takes, besides name, shape and start.
var shapeFields = map[Shape][]string{
	ShapeConstant: {"rate", "duration"},
	ShapeRamping:  {"from", "to", "duration"},
	ShapeBurst:    {"workflows", "window", "duration", "spread", "seed"},
}

var phaseFields = []string{"name", "shape", "start", "duration", "rate", "from", "to", "workflows", "window", "spread", "seed"}

func (pp *profileParser) phase(n *yaml.Node, i int) Phase {
	ph := Phase{Name: fmt.Sprintf("phase-%d", i+1)}
	what := fmt.Sprintf("phases[%d]", i)
	f := pp.mapping(n, what, phaseFields)
	if f == nil {
		return ph
	}
	if v, ok := f["name"]; ok {
		ph.Name = pp.text(v, what+".name")
	}
	what = fmt.Sprintf("phase %q", ph.Name)
	v, ok := f["shape"]
	if !ok {
		pp.errorf(n, "%s: shape is missing (constant, ramping or burst)", what)
		return ph
	}
	ph.Shape = Shape(v.Value)
	takes, ok := shapeFields[ph.Shape]
	if !ok {
		pp.errorf(v, "%s: unknown shape %q (constant, ramping or burst)", what, v.Value)
		return ph
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if slices.Contains(phaseFields, k.Value) && !slices.Contains(slices.Concat(takes, []string{"name", "shape", "start"}), k.Value) {
			pp.errorf(k, "%s: a %s phase takes no %s (it takes %s)", what, ph.Shape, k.Value, strings.Join(takes, ", "))
		}
	}
	if v, ok := f["start"]; ok {
		ph.Start = pp.nonNegativeDuration(v, what+": start")
	}
	switch ph.Shape {
	case ShapeConstant:
		pp.constant(n, f, &ph, what)
	case ShapeRamping:
		pp.ramping(n, f, &ph, what)
	case ShapeBurst:
		pp.burst(n, f, &ph, what)
	}
	return ph
}

func (pp *profileParser) constant(n *yaml.Node, f map[string]*yaml.Node, ph *Phase, what string) {
	ph.Rate = pp.rate(n, f, "rate", what, true)
	ph.Duration = pp.phaseDuration(n, f, what, true)
}

func (pp *profileParser) ramping(n *yaml.Node, f map[string]*yaml.Node, ph *Phase, what string) {
	ph.From = pp.rate(n, f, "from", what, false)
	ph.To = pp.rate(n, f, "to", what, false)
	if ph.From == 0 && ph.To == 0 && f["from"] != nil && f["to"] != nil {
		pp.errorf(f["to"], "%s: from and to are both 0: the phase starts nothing", what)
	}
	ph.Duration = pp.phaseDuration(n, f, what, true)
}

func (pp *profileParser) burst(n *yaml.Node, f map[string]*yaml.Node, ph *Phase, what string) {
	ph.Spread, ph.Seed = SpreadEven, 1
	if v, ok := f["workflows"]; !ok {
		pp.errorf(n, "%s: workflows is missing", what)
	} else if w, ok := pp.integer(v, what+": workflows"); ok && w <= 0 {
		pp.errorf(v, "%s: workflows is %s: want a positive number of starts", what, v.Value)
	} else if ok {
		ph.Workflows = w
	}
	if v, ok := f["window"]; !ok {
		pp.errorf(n, "%s: window is missing", what)
	} else if w, ok := pp.duration(v, what+": window"); ok && w <= 0 {
		pp.errorf(v, "%s: window is %s: want a positive duration", what, v.Value)
	} else if ok {
		ph.Window = w
	}
	ph.Duration = ph.Window
	if v, ok := f["duration"]; ok {
		ph.Duration = pp.phaseDuration(n, f, what, false)
		if ph.Window > ph.Duration && ph.Duration > 0 {
			pp.errorf(f["window"], "%s: window %s is longer than the phase's duration %s", what, f["window"].Value, v.Value)
		}
	}
	if v, ok := f["spread"]; ok {
		ph.Spread = Spread(v.Value)
		if ph.Spread != SpreadEven && ph.Spread != SpreadPoisson {
			pp.errorf(v, "%s: unknown spread %q (even or poisson)", what, v.Value)
		}
	}
	if v, ok := f["seed"]; ok {
		if ph.Spread != SpreadPoisson {
			pp.errorf(v, "%s: seed applies only to spread: poisson", what)
		}
		if s, err := strconv.ParseUint(v.Value, 10, 64); err != nil || v.Kind != yaml.ScalarNode {
			pp.errorf(v, "%s: seed %q: want a non-negative integer", what, v.Value)
		} else {
			ph.Seed = s
		}
	}
}

// rate reads a required rate in workflows per second: not negative, and
// positive if it must be.
func (pp *profileParser) rate(at *yaml.Node, f map[string]*yaml.Node, key, what string, positive bool) float64 {
	v, ok := f[key]
	if !ok {
		pp.errorf(at, "%s: %s is missing (workflows per second)", what, key)
		return 0
	}
	r, ok := pp.number(v, what+": "+key)
	switch {
	case ok && r < 0:
		pp.errorf(v, "%s: %s is %s: a rate cannot be negative", what, key, v.Value)
		return 0
	case ok && r == 0 && positive:
		pp.errorf(v, "%s: %s is %s: want a positive rate", what, key, v.Value)
	}
	return r
}

func (pp *profileParser) phaseDuration(at *yaml.Node, f map[string]*yaml.Node, what string, required bool) time.Duration {
	v, ok := f["duration"]
	if !ok {
		if required {
			pp.errorf(at, "%s: duration is missing", what)
		}
		return 0
	}
	d, ok := pp.duration(v, what+": duration")
	if ok && d <= 0 {
		pp.errorf(v, "%s: duration is %s: want a positive duration", what, v.Value)
		return 0
	}
	return d
}

var brokerFields = []string{"latency", "error_rates"}

func (pp *profileParser) broker(n *yaml.Node) Broker {
	var b Broker
	f := pp.mapping(n, "broker", brokerFields)
	if v, ok := f["latency"]; ok {
		b.Latency = pp.latency(v)
	}
	if v, ok := f["error_rates"]; ok {
		b.ErrorRates = pp.errorRates(v)
	}
	return b
}

// latency is a duration ("50ms") or a bare number of milliseconds.
func (pp *profileParser) latency(v *yaml.Node) time.Duration {
	if tag := v.ShortTag(); v.Kind == yaml.ScalarNode && (tag == "!!int" || tag == "!!float") {
		ms, ok := pp.number(v, "broker.latency")
		if ok && ms < 0 {
			pp.errorf(v, "broker.latency is %s: cannot be negative", v.Value)
			return 0
		}
		return time.Duration(ms * float64(time.Millisecond))
	}
	return pp.nonNegativeDuration(v, "broker.latency")
}

func (pp *profileParser) errorRates(n *yaml.Node) map[int]float64 {
	if n.Kind != yaml.MappingNode {
		pp.errorf(n, "broker.error_rates: want a mapping of HTTP status to probability, e.g. {500: 0.01}")
		return nil
	}
	out := map[int]float64{}
	var sum float64
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		status, err := strconv.Atoi(k.Value)
		if err != nil || status < 400 || status > 599 {
			pp.errorf(k, "broker.error_rates: %q is not an HTTP error status (400-599)", k.Value)
			continue
		}
		if _, seen := out[status]; seen {
			pp.errorf(k, "broker.error_rates: %d is given twice", status)
			continue
		}
		p, ok := pp.number(v, fmt.Sprintf("broker.error_rates[%d]", status))
		if ok && (p < 0 || p > 1) {
			pp.errorf(v, "broker.error_rates[%d] is %s: want a probability in [0, 1]", status, v.Value)
		}
		out[status] = p
		sum += p
	}
	if sum > 1 {
		pp.errorf(n, "broker.error_rates add up to %g: at most 1", sum)
	}
	return out
}

func (pp *profileParser) thresholds(n *yaml.Node) []Threshold {
	if n.Kind != yaml.SequenceNode {
		pp.errorf(n, "thresholds: want a list of expressions, e.g. [\"p(99) < 60s\"]")
		return nil
	}
	var out []Threshold
	seen := map[string]bool{}
	for _, item := range n.Content {
		item = deref(item)
		if item.Kind != yaml.ScalarNode {
			pp.errorf(item, "thresholds: want an expression, e.g. \"p(99) < 60s\"")
			continue
		}
		t, err := ParseThreshold(item.Value)
		var te *ThresholdError
		switch {
		case errors.As(err, &te):
			pp.errorAt(item.Line, item.Column+te.Pos+quoteWidth(item), err)
			continue
		case err != nil:
			pp.errorAt(item.Line, item.Column, err)
			continue
		case seen[t.Metric]:
			pp.errorf(item, "thresholds: %s has two thresholds", t.Metric)
		}
		seen[t.Metric] = true
		t.Source = SourceProfile
		out = append(out, t)
	}
	return out
}

// quoteWidth is where a scalar's text starts after its column: 1 for a
// quoted scalar, so that positions inside it point at the right character.
func quoteWidth(n *yaml.Node) int {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return 1
	}
	return 0
}

func (pp *profileParser) text(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		pp.errorf(n, "%s: want text", what)
		return ""
	}
	return n.Value
}

func (pp *profileParser) number(n *yaml.Node, what string) (float64, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
		pp.errorf(n, "%s %q: want a number", what, n.Value)
		return 0, false
	}
	var x float64
	if err := n.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		pp.errorf(n, "%s %q: want a finite number", what, n.Value)
		return 0, false
	}
	return x, true
}

func (pp *profileParser) integer(n *yaml.Node, what string) (int, bool) {
	x, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil {
		pp.errorf(n, "%s %q: want a whole number", what, n.Value)
		return 0, false
	}
	return x, true
}

// duration reads a Go duration ("60s", "1m30s", "500ms"); a bare number
// is an error, since its unit would be a guess.
func (pp *profileParser) duration(n *yaml.Node, what string) (time.Duration, bool) {
	if n.Kind != yaml.ScalarNode {
		pp.errorf(n, "%s: want a duration such as 60s or 500ms", what)
		return 0, false
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		hint := ""
		if _, numErr := strconv.ParseFloat(n.Value, 64); numErr == nil {
			hint = " (give it a unit: 60s, 500ms, 2m)"
		}
		pp.errorf(n, "%s %q is not a duration%s", what, n.Value, hint)
		return 0, false
	}
	return d, true
}

func (pp *profileParser) nonNegativeDuration(n *yaml.Node, what string) time.Duration {
	d, ok := pp.duration(n, what)
	if ok && d < 0 {
		pp.errorf(n, "%s is %s: cannot be negative", what, n.Value)
		return 0
	}
	return d
}
