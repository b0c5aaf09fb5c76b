package cloudwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/topology"
)

// MaxCatchUp bounds one evaluation's catch-up: when the clock moved
// further since the last evaluation, only the last MaxCatchUp of minutes
// are evaluated (the states carry over the gap). An alarm whose
// evaluation range held none of its points is not evaluated again until
// a point comes (its state is a fixed point), and once every alarm is so
// settled the rest of the catch-up is skipped whatever its length.
const MaxCatchUp = 14 * 24 * time.Hour

// Alarms evaluates the stack's generated alarms (package alarms: the
// symptom alarms, each SLO's burn-rate alarms and its page and ticket
// composites) as CloudWatch does (package cwalarm), once a minute of the
// clock, on the metrics the run has recorded so far. Each alarm starts
// in INSUFFICIENT_DATA when the Alarms are made, as CloudWatch starts a
// new alarm; Evaluate catches up minute by minute from the last
// evaluation to now, keeping each alarm's state, the time of its last
// change and its transitions. It is safe for concurrent use.
type Alarms struct {
	mu        sync.Mutex
	store     *metricStore
	metric    []*metricAlarm // by name
	composite []*compositeAlarm
	states    map[string]*alarmState // by deployed name
	arn       func(name string) string
	evaluated time.Time // the last minute evaluated
	stats     EvalStats
}

// EvalStats count the work the evaluations did.
type EvalStats struct {
	Minutes        int // minutes evaluated
	MinutesSkipped int // minutes skipped: every alarm settled, or beyond MaxCatchUp
	Evaluations    int // metric alarm evaluations
	Settled        int // metric alarm evaluations skipped: the alarm had settled
	Points         int // metric points read
}

type metricAlarm struct {
	name    string
	def     cwalarm.MetricAlarm
	eval    *cwalarm.Evaluator
	metrics map[string]cwalarm.Metric // by metric id (m1 for a single-metric alarm)
	series  cwalarm.Series            // sorted by time
	last    time.Time                 // the newest point's time
	// settled: evaluated at a minute whose range held none of its
	// points, and none came since: its state is a fixed point until a
	// point comes.
	settled bool
}

type compositeAlarm struct {
	name     string
	rule     *cwalarm.Rule
	children []string
}

// alarmState is an alarm's state and history.
type alarmState struct {
	composite bool
	now       stateValue
	updated   time.Time
	history   []Transition
}

type stateValue struct {
	Value      cwalarm.State
	Reason     string
	ReasonData string // JSON, "" when none
}

// Transition is a change of an alarm's state.
type Transition struct {
	At                           time.Time
	Old, New                     cwalarm.State
	OldReason, NewReason         string
	OldReasonData, NewReasonData string
}

// AlarmState is an alarm's state as DescribeAlarms reports it.
type AlarmState struct {
	Name       string
	Composite  bool
	Value      cwalarm.State
	Reason     string
	ReasonData string
	Updated    time.Time
	History    []Transition // oldest first
}

// newAlarms builds spec's alarms with the names stack gives them,
// dimensions resolved by top (as chaos.AlarmStates resolves them), each in
// INSUFFICIENT_DATA since created.
func newAlarms(spec *alarms.Spec, top *topology.Topology, store *metricStore, created time.Time) (*Alarms, error) {
	a := &Alarms{store: store, states: map[string]*alarmState{}, evaluated: created.Truncate(time.Minute),
		arn: func(name string) string {
			return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", top.Region, top.Account, name)
		}}
	prefix := top.StackName + "-"
	for _, s := range alarms.Symptoms(spec) {
		metrics, err := s.Metrics(top.Resolve)
		if err != nil {
			return nil, err
		}
		if err := a.addMetric(prefix+s.Name, s.Alarm(), metrics); err != nil {
			return nil, err
		}
	}
	for _, s := range alarms.SLOAlarms(spec) {
		metrics, err := queryMetrics(s.Alarm.Metrics, top)
		if err != nil {
			return nil, err
		}
		if err := a.addMetric(prefix+s.Name, s.Alarm, metrics); err != nil {
			return nil, err
		}
	}
	// The burn-rate alarms where the deployment has them: the template
	// deploys them under its BurnRateAlerts condition, so top, resolved
	// with the stack's parameters, holds them or not.
	for i := range spec.SLOs {
		if gens, _ := alarms.BurnAlarms(spec, &spec.SLOs[i]); len(gens) == 0 || !hasResource(top, gens[0].LogicalID) {
			continue
		}
		if err := a.addSLO(spec, &spec.SLOs[i], prefix, top); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(a.metric, func(x, y *metricAlarm) int { return strings.Compare(x.name, y.name) })
	for _, st := range a.states {
		st.now = stateValue{Value: cwalarm.InsufficientData, Reason: "Unchecked: Initial alarm creation"}
		st.updated = created
	}
	return a, nil
}

func (a *Alarms) addMetric(name string, def cwalarm.MetricAlarm, metrics map[string]cwalarm.Metric) error {
	def.AlarmName = name
	e, err := cwalarm.NewEvaluator(&def)
	if err != nil {
		return err
	}
	a.metric = append(a.metric, &metricAlarm{name: name, def: def, eval: e, metrics: metrics, series: cwalarm.Series{}})
	a.states[name] = &alarmState{}
	return nil
}

func hasResource(top *topology.Topology, logicalID string) bool {
	_, ok := top.Resources[logicalID]
	return ok
}

// queryMetrics are the metrics of an alarm's metric queries by id, their
// dimensions resolved by top.
func queryMetrics(qs []cwalarm.MetricQuery, top *topology.Topology) (map[string]cwalarm.Metric, error) {
	metrics := map[string]cwalarm.Metric{}
	for _, q := range qs {
		if q.MetricStat == nil {
			continue
		}
		m, err := alarms.QueryMetric(q, top.Resolve)
		if err != nil {
			return nil, err
		}
		metrics[q.Id] = m
	}
	return metrics, nil
}

// addSLO adds an SLO's burn-rate alarms, their metrics read with the
// generator's dimension sets resolved by top, and its composites,
// the page before the ticket that reads it.
func (a *Alarms) addSLO(spec *alarms.Spec, s *alarms.SLO, prefix string, top *topology.Topology) error {
	gens, comps := alarms.BurnAlarms(spec, s)
	names := map[string]string{}
	for _, g := range gens {
		metrics, err := queryMetrics(g.Alarm.Metrics, top)
		if err != nil {
			return err
		}
		if err := a.addMetric(prefix+g.Name, g.Alarm, metrics); err != nil {
			return err
		}
		names[g.LogicalID] = prefix + g.Name
	}
	for _, c := range comps {
		names[c.LogicalID] = prefix + c.Name
	}
	for _, c := range comps {
		src := c.Rule
		for id, name := range names {
			src = strings.ReplaceAll(src, "{{"+id+"}}", name)
		}
		rule, err := cwalarm.ParseRule(src)
		if err != nil {
			return fmt.Errorf("could not parse the rule of composite %s: %w", c.Name, err)
		}
		a.composite = append(a.composite, &compositeAlarm{name: prefix + c.Name, rule: rule, children: rule.Names()})
		a.states[prefix+c.Name] = &alarmState{composite: true}
	}
	return nil
}

// Run evaluates every interval of the ticker until ctx ends, with the
// time now gives.
func (a *Alarms) Run(ctx context.Context, every time.Duration, now func() time.Time) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := a.Evaluate(now()); err != nil {
				return err
			}
		}
	}
}

// Evaluate reads the metrics the run appended and evaluates every alarm
// at each minute since the last evaluation, up to now's minute.
func (a *Alarms) Evaluate(now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	added, err := a.store.refresh()
	if err != nil {
		return err
	}
	a.stats.Points += len(added)
	a.addPoints(added)
	target := now.Truncate(time.Minute)
	if gap := target.Sub(a.evaluated); gap > MaxCatchUp {
		a.stats.MinutesSkipped += int((gap - MaxCatchUp) / time.Minute)
		a.evaluated = target.Add(-MaxCatchUp)
	}
	for t := a.evaluated.Add(time.Minute); !t.After(target); t = t.Add(time.Minute) {
		settled := a.step(t)
		a.stats.Minutes++
		if settled && t.Before(target) {
			// Every alarm has settled: the states just reached hold
			// until a point comes.
			a.stats.MinutesSkipped += int(target.Sub(t) / time.Minute)
			break
		}
	}
	if target.After(a.evaluated) {
		a.evaluated = target
	}
	return nil
}

// addPoints appends each alarm's new points, keeping its series sorted.
func (a *Alarms) addPoints(added []cwalarm.EMFPoint) {
	if len(added) == 0 {
		return
	}
	for _, m := range a.metric {
		for id, met := range m.metrics {
			pts := cwalarm.Points(added, met)
			if len(pts) == 0 {
				continue
			}
			s := append(m.series[id], pts...)
			slices.SortStableFunc(s, func(x, y cwalarm.Point) int { return x.At.Compare(y.At) })
			m.series[id] = s
			m.last = maxTime(m.last, s[len(s)-1].At)
			m.settled = false
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// step evaluates every alarm at minute t: the metric alarms that have
// not settled, then the composites in order on their children's new
// states. It reports whether every metric alarm has settled.
func (a *Alarms) step(t time.Time) bool {
	all := true
	for _, m := range a.metric {
		if m.settled {
			a.stats.Settled++
			continue
		}
		a.stats.Evaluations++
		st := a.states[m.name]
		// A range that holds none of the alarm's points gives the same
		// decision at every later minute until a point comes.
		m.settled = t.Truncate(time.Minute).Add(-m.eval.Window()).After(m.last)
		all = all && m.settled
		ev := m.eval.At(m.window(t, m.eval.Window()), t, st.now.Value)
		if ev.State != st.now.Value {
			reason, data := metricReason(&m.def, ev, t)
			st.change(t, stateValue{Value: ev.State, Reason: reason, ReasonData: data})
		}
	}
	for _, c := range a.composite {
		children := map[string]cwalarm.State{}
		for _, n := range c.children {
			if s, ok := a.states[n]; ok {
				children[n] = s.now.Value
			}
		}
		st := a.states[c.name]
		if v := c.rule.State(children); v != st.now.Value {
			reason, data := a.compositeReason(c, v, t)
			st.change(t, stateValue{Value: v, Reason: reason, ReasonData: data})
		}
	}
	return all
}

// window is the alarm's series cut to the points an evaluation at t
// reads: [t's minute - window, t's minute).
func (m *metricAlarm) window(t time.Time, window time.Duration) cwalarm.Series {
	end := t.Truncate(time.Minute)
	out := make(cwalarm.Series, len(m.series))
	for id, pts := range m.series {
		lo, _ := slices.BinarySearchFunc(pts, end.Add(-window), func(p cwalarm.Point, t time.Time) int { return p.At.Compare(t) })
		hi, _ := slices.BinarySearchFunc(pts, end, func(p cwalarm.Point, t time.Time) int { return p.At.Compare(t) })
		out[id] = pts[lo:hi]
	}
	return out
}

func (s *alarmState) change(t time.Time, v stateValue) {
	s.history = append(s.history, Transition{At: t, Old: s.now.Value, New: v.Value, OldReason: s.now.Reason, NewReason: v.Reason,
		OldReasonData: s.now.ReasonData, NewReasonData: v.ReasonData})
	s.now, s.updated = v, t
}

// State is alarm name's state after the last evaluation; ok is false for
// an alarm the stack does not have.
func (a *Alarms) State(name string) (AlarmState, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state(name)
}

func (a *Alarms) state(name string) (AlarmState, bool) {
	st, ok := a.states[name]
	if !ok {
		return AlarmState{}, false
	}
	return AlarmState{Name: name, Composite: st.composite, Value: st.now.Value, Reason: st.now.Reason, ReasonData: st.now.ReasonData,
		Updated: st.updated, History: slices.Clone(st.history)}, true
}

// Names are the alarms' deployed names, sorted.
func (a *Alarms) Names() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.states))
	for n := range a.states {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Stats are the work the evaluations did so far.
func (a *Alarms) Stats() EvalStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// metrics calls f with the run's metrics, brought up to now with the
// alarms.
func (a *Alarms) metrics(now time.Time, f func(*metricStore)) error {
	if err := a.Evaluate(now); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	f(a.store)
	return nil
}
