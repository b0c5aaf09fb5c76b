package render

import (
	"fmt"
	"maps"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// run is what a local run recorded, read once for every widget.
type run struct {
	dir        string
	metrics    []cwalarm.EMFPoint          // alarms.RunMetrics
	events     []*insights.Event           // every log group's events
	start, end time.Time                   // first and last event or metric point
	states     map[string][]cwalarm.Sample // generated alarms by name; nil without a spec
	evalFrom   time.Time                   // first alarm evaluation
	evalTo     time.Time                   // last alarm evaluation
	stateErr   error                       // why alarms were not evaluated
}

// loadRun reads a run directory: its metrics, its log events, and, with
// a spec, the states of the alarms the template generates.
func loadRun(dir string, spec *alarms.Spec, resolve alarms.Resolver) (*run, error) {
	r := &run{dir: dir}
	var err error
	if r.metrics, err = alarms.RunMetrics(dir); err != nil {
		return nil, fmt.Errorf("could not read the run's metrics: %w", err)
	}
	err = insights.RunDirEvents(dir, nil, func(ev *insights.Event) bool {
		r.events = append(r.events, ev)
		r.extend(time.UnixMilli(ev.Timestamp))
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("could not read the run's log groups: %w", err)
	}
	for _, p := range r.metrics {
		r.extend(p.At)
	}
	if spec != nil && !r.start.IsZero() {
		r.evaluate(spec, resolve)
	}
	return r, nil
}

func (r *run) extend(t time.Time) {
	if r.start.IsZero() || t.Before(r.start) {
		r.start = t
	}
	if t.After(r.end) {
		r.end = t
	}
}

func (r *run) span() time.Duration { return r.end.Sub(r.start) }

// evaluate runs the generated alarms on the run's metrics once a minute,
// CloudWatch's cadence, from the first minute after the first point to
// the first minute after the last: every evaluation whose periods can
// hold the run's data, ending with the state the run left the alarms in.
func (r *run) evaluate(spec *alarms.Spec, resolve alarms.Resolver) {
	r.evalFrom = r.start.Truncate(time.Minute).Add(time.Minute)
	r.evalTo = r.end.Truncate(time.Minute).Add(time.Minute)
	r.states, r.stateErr = alarms.GeneratedStates(spec, r.metrics, resolve, r.evalFrom, r.evalTo, time.Minute)
	if r.stateErr == nil {
		// The incident alarms' states, from their children's.
		maps.Copy(r.states, alarms.IncidentStates(spec, r.states))
	}
}
