package alarms

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Events reads SLO s's good and total events over [from, to): its SLI's
// metric queries (the burn-rate alarms' own, one period spanning the
// range) through read, then its bad and total math. It is how the error
// budget of a period longer than any alarm can read is known.
func (spec *Spec) Events(ctx context.Context, s *SLO, from, to time.Time, read cwalarm.QueryValues) (good, total float64, err error) {
	period := int(to.Sub(from).Round(time.Minute) / time.Second)
	qs, bad, tot := spec.sliQueries(s, max(period, 60))
	vals, err := read(ctx, qs, from, to)
	if err != nil {
		return 0, 0, fmt.Errorf("could not read the events of SLO %s: %w", s.Name, err)
	}
	no := false
	compute := func(expr string) (float64, error) {
		a := cwalarm.MetricAlarm{AlarmName: s.Name, Metrics: append(slices.Clone(qs), cwalarm.MetricQuery{Id: "sli", Expression: expr})}
		for i := range len(qs) {
			a.Metrics[i].ReturnData = &no
		}
		p, err := a.Plan()
		if err != nil {
			return 0, err
		}
		v, _ := p.Value(vals) // every term is FILLed: no point is 0 events
		return v, nil
	}
	if total, err = compute(tot); err != nil {
		return 0, 0, err
	}
	b, err := compute(bad)
	return total - b, total, err
}

// WorkflowEvents are the good and total events one workflow's end adds to
// SLO s, for the SLOs whose SLI counts workflow ends (workflows completed
// and failed, or the completed workflows' duration): the notifications
// function counts its own workflow, whose metrics it has not flushed yet.
// Other SLOs get nothing.
func WorkflowEvents(s *SLO, completed bool, d time.Duration) (good, total float64) {
	switch {
	case s.Latency != nil && s.Latency.Metric == "WorkflowDuration":
		if !completed || s.Latency.Dimensions["status"] != "completed" {
			return 0, 0
		}
		if float64(d.Milliseconds()) <= s.Latency.ThresholdMs {
			return 1, 1
		}
		return 0, 1
	case slices.Contains(s.Total, "WorkflowsCompleted") && slices.Contains(s.Total, "WorkflowsFailed"):
		if completed == slices.Contains(s.Good, "WorkflowsCompleted") {
			return 1, 1
		}
		return 0, 1
	}
	return 0, 0
}
