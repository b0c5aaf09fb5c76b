package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
)

// StaleAfter is how old a SignalGenerated or RebalancePlanned may be
// (its occurred_at against the consumer's Now) and still be acted on.
// It is the template's MaximumEventAgeInSeconds (3600) for the rules'
// targets and the functions' asynchronous invocations: an event older
// than that did not come through EventBridge's or Lambda's own retries
// but from a dead-letter redrive or an archive replay, and was made from
// prices and positions the account may no longer have.
const StaleAfter = time.Hour

// staleness says why an event of workflow wf, which occurred at
// occurred, is too late to act on, or "" when it is not: its trading
// date is not the New York date of the session clock (Deps.Session), or
// it is older than StaleAfter by Deps.Now.
func (d Deps) staleness(wf events.Workflow, occurred time.Time) string {
	if d.AcceptStale {
		return ""
	}
	today := d.session().In(newYork).Format(time.DateOnly)
	if wf.TradingDate != today {
		return fmt.Sprintf("trading date %s is not today's session %s", wf.TradingDate, today)
	}
	if age := d.now().Sub(occurred); age > StaleAfter {
		return fmt.Sprintf("made %s ago, more than %s", age.Round(time.Second), StaleAfter)
	}
	return ""
}

// skipStale ends a workflow whose event is stale: WorkflowCompleted with
// outcome events.OutcomeStaleSkipped, no order placed, one log line. A
// stale event is the consequence of an incident already declared (the
// dead letter that was redriven, the replay an operator started), so it
// ends the workflow without a WorkflowFailed: a failure would page again
// for the same incident and spend the workflow-success budget on a
// workflow that, correctly, did nothing.
// none is a portfolio that was not read.
var none = events.Portfolio{Positions: []events.Holding{}}

func skipStale(ctx context.Context, d Deps, log *slog.Logger, parent *events.Metadata, wf events.Workflow,
	planID string, allocs []events.Allocation, reason string) error {
	log.WarnContext(ctx, "stale event skipped: nothing planned or traded", "reason", reason,
		"trading_date", wf.TradingDate, "plan_id", planID, "event_occurred_at", parent.OccurredAt)
	end := &events.WorkflowCompleted{
		Metadata: parent.Child(d.ids().New(), d.now()), Workflow: wf, Outcome: events.OutcomeStaleSkipped,
		PlanID: planID, Allocations: allocs, Items: []events.PlanItem{}, Orders: []events.OrderResult{},
		Before: none, After: none, // the account was not read
	}
	if err := d.Publisher.Publish(ctx, end); err != nil {
		return fmt.Errorf("could not publish %s: %w", end.EventType(), err)
	}
	return nil
}
