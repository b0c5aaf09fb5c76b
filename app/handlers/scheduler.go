package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
)

// ScheduleInput is the payload EventBridge Scheduler sends the scheduler
// function: template.yaml's WorkflowSchedule Input, with the schedule's
// own time filled in.
type ScheduleInput struct {
	Trigger       string    `json:"trigger"`
	ScheduledTime time.Time `json:"scheduled_time"`
	// RunID, optional, is the caller's name for the run: the "workflow
	// started" line carries it as run_id, so that a caller (alchemiser
	// verify) finds the workflow it started among others started at the
	// same time.
	RunID string `json:"run_id,omitempty"`
	// Cron, optional, is the schedule's expression (template.yaml repeats
	// it in each schedule's Input): the invocation span's faas.cron.
	Cron string `json:"cron,omitempty"`
}

// TriggerVerify starts a dry-run workflow (events.Workflow.DryRun): every
// step runs, the execution function plans but places no order, whatever
// the kill switch says, and the workflow completes with outcome
// events.OutcomeDryRun. alchemiser verify --trigger sends it.
const TriggerVerify = "verify"

// newYork is the exchange's time zone: a schedule firing at 09:35 New York
// trades that New York date, whatever the UTC date is.
var newYork = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v (import time/tzdata)", name, err))
	}
	return loc
}

// Scheduler starts a workflow: it turns the schedule's invocation into a
// WorkflowStarted, the root of the workflow's events and of its trace.
type Scheduler struct {
	Deps
	// Ledger, when set, makes the schedule start at most one workflow per
	// trading date and lets the watchdog check it (see watch).
	Ledger *Ledger
	// Market, when set, is asked before every workflow whether the
	// market is open and when its session closes, and by the watchdog
	// whether the day it checks is a session. When the market is closed
	// the workflow ends at once with outcome events.OutcomeMarketClosed.
	// Nil starts every workflow, with no session close.
	Market Market
}

// Handle implements Func.
func (h *Scheduler) Handle(ctx context.Context, raw json.RawMessage) error {
	in, err := decodeSchedule(raw)
	if err != nil {
		h.log().ErrorContext(ctx, "schedule input rejected", "error", err.Error(), "error_type", "permanent")
		return err
	}
	if in.Trigger == "watchdog" {
		if h.Ledger == nil {
			return &ScheduleInputError{Msg: "trigger watchdog needs the workflow ledger (IDEMPOTENCY_TABLE)"}
		}
		return h.watch(ctx, in)
	}
	id := h.ids().New()
	if h.Adopt != nil {
		h.Adopt(ctx, id)
	}
	now := h.now()
	start := &events.WorkflowStarted{Metadata: events.Root(id, now), Trigger: in.Trigger,
		Workflow: events.Workflow{TradingDate: in.ScheduledTime.In(newYork).Format(time.DateOnly), StartedAt: now,
			DryRun: in.Trigger == TriggerVerify}}
	market, err := h.market(ctx, start)
	switch {
	case err != nil && transient(ctx, err): // before the ledger's claim: a retry asks again
		return err
	case err != nil:
		return h.calendarFailed(ctx, start, err)
	}
	scheduled := in.Trigger == "schedule" && h.Ledger != nil
	if scheduled {
		prev, err := h.Ledger.Start(ctx, LedgerEntry{TradingDate: start.TradingDate, CorrelationID: id, ScheduledTime: in.ScheduledTime}, h.now())
		if errors.Is(err, errAlreadyStarted) {
			h.log().WarnContext(ctx, "workflow already started for this trading date; not starting another",
				"trading_date", start.TradingDate, "started_correlation_id", prev.correlationID())
			return nil
		}
		if err != nil {
			return fmt.Errorf("could not record the workflow in the ledger: %w", err)
		}
	}
	if err := h.begin(ctx, start, in, market); err != nil {
		if scheduled {
			err = errors.Join(err, h.Ledger.Release(ctx, start.TradingDate))
		}
		return err
	}
	return nil
}

// market asks the broker, when the scheduler has a Market, whether the
// market is open, and sets start's session close when it is. The
// scheduler asks because it is the one place every workflow passes
// before anything runs, and where the watchdog, which must share its
// calendar, lives: a closed day then starts no step at all, and the
// execution function is left with the close to bound its deadline by.
func (h *Scheduler) market(ctx context.Context, start *events.WorkflowStarted) (*marketSession, error) {
	if h.Market == nil {
		return nil, nil
	}
	s, err := h.session(ctx)
	if err != nil {
		return nil, err
	}
	if s.open {
		start.SessionClose = s.closeOnOurClock(start.StartedAt)
	}
	return &s, nil
}

// begin publishes WorkflowStarted, or ends a workflow the market is not
// open for. A dry run (trigger verify) places no order, so it runs when
// the market is closed too: alchemiser verify proves a stack on any day.
func (h *Scheduler) begin(ctx context.Context, start *events.WorkflowStarted, in ScheduleInput, market *marketSession) error {
	if market != nil && !market.open && !start.DryRun {
		return h.marketClosed(ctx, start, in, *market)
	}
	if err := h.Publisher.Publish(ctx, start); err != nil {
		return fmt.Errorf("could not publish WorkflowStarted: %w", err)
	}
	log := h.log()
	if start.DryRun {
		log = log.With("dry_run", true)
	}
	if in.RunID != "" {
		log = log.With("run_id", in.RunID)
	}
	args := []any{"correlation_id", start.CorrelationID, "trading_date", start.TradingDate, "trigger", in.Trigger}
	if market != nil {
		args = append(args, "market_open", market.open)
	}
	if !start.SessionClose.IsZero() {
		args = append(args, "session_close", start.SessionClose.Format(time.RFC3339), "early_close", market.hours.Close.In(newYork).Hour() < 16)
	}
	log.InfoContext(ctx, "workflow started", args...)
	return nil
}

// ScheduleInputError is a schedule payload that can never start a workflow.
type ScheduleInputError struct{ Msg string }

func (e *ScheduleInputError) Error() string   { return "schedule input: " + e.Msg }
func (e *ScheduleInputError) Retryable() bool { return false }

func decodeSchedule(raw json.RawMessage) (ScheduleInput, error) {
	var in ScheduleInput
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, &ScheduleInputError{Msg: err.Error()}
	}
	switch {
	case in.ScheduledTime.IsZero():
		return in, &ScheduleInputError{Msg: "scheduled_time is missing"}
	case in.Trigger != "schedule" && in.Trigger != "manual" && in.Trigger != "loadtest" && in.Trigger != "watchdog" && in.Trigger != TriggerVerify:
		return in, &ScheduleInputError{Msg: fmt.Sprintf("trigger %q is not schedule, manual, loadtest, watchdog or verify", in.Trigger)}
	}
	return in, nil
}
