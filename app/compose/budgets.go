package compose

import (
	"context"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/notify"
)

// SLOBudgets reads the error budget of each SLO of spec over its period
// through read (GetMetricData in Lambda, the run's metrics locally),
// adding the ending workflow's own events to the SLOs that count
// workflows (alarms.WorkflowEvents).
func SLOBudgets(spec *alarms.Spec, read alarms.QueryValues) handlers.Budgets {
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
