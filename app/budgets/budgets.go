// Package budgets turns the SLO spec (alarms/slos.yaml) into the
// notifications function's error budgets: each SLO's good and total
// events over its period, read from the metrics (GetMetricData in
// Lambda, the run's metrics on the local stack), plus the ending
// workflow's own. Apart from app/compose so the local stack, which takes
// it as an option, imports no ops tooling.
package budgets

import (
	"context"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/notify"
)

// Reader reads the error budget of each SLO of spec over its period
// through read (GetMetricData in Lambda, the run's metrics locally),
// adding the ending workflow's own events to the SLOs that count
// workflows (alarms.WorkflowEvents).
func Reader(spec *alarms.Spec, read cwalarm.QueryValues) handlers.Budgets {
	return func(ctx context.Context, at time.Time, end *handlers.WorkflowEnd) ([]notify.Budget, error) {
		out := make([]notify.Budget, 0, len(spec.SLOs))
		for i := range spec.SLOs {
			s := &spec.SLOs[i]
			period := s.PeriodDuration()
			good, total, err := spec.Events(ctx, s, at.Add(-period), at, read)
			if err != nil {
				return nil, fmt.Errorf("could not read the budget of SLO %s: %w", s.Name, err)
			}
			if end != nil {
				g, t := alarms.WorkflowEvents(s, end.Completed, end.Duration)
				good, total = good+g, total+t
			}
			out = append(out, notify.Budget{SLO: s.Name, Objective: s.Objective, Period: period, Good: good, Total: total})
		}
		return out, nil
	}
}

// For is the local stack's budgets (local.WithBudgets) for spec's SLOs.
func For(spec *alarms.Spec) func(read cwalarm.QueryValues) handlers.Budgets {
	return func(read cwalarm.QueryValues) handlers.Budgets { return Reader(spec, read) }
}

// Builtin is For the built-in SLO spec (alarms/slos.yaml), as deployed.
func Builtin() (func(read cwalarm.QueryValues) handlers.Budgets, error) {
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		return nil, fmt.Errorf("could not read the SLO spec: %w", err)
	}
	return For(spec), nil
}
