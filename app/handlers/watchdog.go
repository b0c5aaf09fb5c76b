package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/internal/errtype"
)

// Deadlines of the scheduled workflow (docs/INCIDENTS.md): it must have started
// by 09:45 New York time on a trading day, and have ended 15 minutes after
// its scheduled start.
const (
	StartDeadlineHour, StartDeadlineMinute = 9, 45
	StuckAfter                             = 15 * time.Minute
)

// Ledger records, per trading date, the scheduled workflow: when it was
// scheduled, its correlation id, and whether it ended. It lives in the
// idempotency table (key "workflow#DATE"), so the scheduler starts at most
// one scheduled workflow per trading date however often EventBridge
// Scheduler retries, and the watchdog can tell "not started" from "stuck"
// without CloudWatch metric math across periods.
type Ledger struct {
	Store idempotency.Store
}

// LedgerEntry is one trading date's record.
type LedgerEntry struct {
	TradingDate   string    `json:"trading_date"`
	CorrelationID string    `json:"correlation_id"`
	ScheduledTime time.Time `json:"scheduled_time"`
	Status        string    `json:"status"` // started, completed or failed
	EndedAt       time.Time `json:"ended_at,omitzero"`
}

// ledgerRetention keeps a date's record past any retry or watchdog check.
const ledgerRetention = 8 * 24 * time.Hour

func ledgerKey(date string) string { return "workflow#" + date }

// errAlreadyStarted is Start's answer when the date has a workflow.
var errAlreadyStarted = errors.New("a scheduled workflow already started for this trading date")

// Start claims date for the workflow correlationID; errAlreadyStarted (and
// the existing entry) when another invocation claimed it first.
func (l *Ledger) Start(ctx context.Context, e LedgerEntry, now time.Time) (*LedgerEntry, error) {
	e.Status = "started"
	data, _ := json.Marshal(e)
	existing, err := l.Store.Acquire(ctx, idempotency.Record{Key: ledgerKey(e.TradingDate), Status: idempotency.InProgress,
		Expiry: now.Add(ledgerRetention), Response: data}, now)
	if errors.Is(err, idempotency.ErrExists) {
		prev, _ := entryOf(existing)
		return prev, errAlreadyStarted
	}
	return nil, err
}

// Release forgets date's claim, so a retry of a start that could not
// publish WorkflowStarted runs again.
func (l *Ledger) Release(ctx context.Context, date string) error {
	return l.Store.Delete(ctx, ledgerKey(date))
}

// End records that the workflow correlationID of date ended. A terminal
// event of a workflow the ledger did not start (manual, load test, an
// earlier attempt) changes nothing.
func (l *Ledger) End(ctx context.Context, date, correlationID, status string, at, now time.Time) error {
	e, err := l.Get(ctx, date)
	if err != nil || e == nil || e.CorrelationID != correlationID || e.Status != "started" {
		return err
	}
	e.Status, e.EndedAt = status, at
	data, _ := json.Marshal(e)
	return l.Store.Complete(ctx, idempotency.Record{Key: ledgerKey(date), Status: idempotency.Complete,
		Expiry: now.Add(ledgerRetention), Response: data})
}

// Get returns date's entry, or nil when no scheduled workflow started.
func (l *Ledger) Get(ctx context.Context, date string) (*LedgerEntry, error) {
	r, err := l.Store.Get(ctx, ledgerKey(date))
	if err != nil || r == nil {
		return nil, err
	}
	return entryOf(r)
}

func (e *LedgerEntry) correlationID() string {
	if e == nil {
		return ""
	}
	return e.CorrelationID
}

func entryOf(r *idempotency.Record) (*LedgerEntry, error) {
	if r == nil {
		return nil, nil
	}
	var e LedgerEntry
	if err := json.Unmarshal(r.Response, &e); err != nil {
		return nil, fmt.Errorf("workflow ledger record %s: %w", r.Key, err)
	}
	return &e, nil
}

// sessionDay asks the scheduler's Market whether at's date is a trading
// session, so the watchdog expects a workflow on exactly the days the
// scheduler would trade: none on a weekend or an exchange holiday. It
// asks the calendar about the check's date, not the clock about now, as
// the check judges the moment it was meant for. A calendar it cannot
// read counts as a session: a spurious page beats a missed one.
func (h *Scheduler) sessionDay(ctx context.Context, at time.Time, log *slog.Logger) bool {
	if h.Market == nil {
		return true
	}
	_, ok, err := h.sessionOn(ctx, at)
	if err != nil {
		log.WarnContext(ctx, "watchdog: market calendar unreadable; checking as on a session day", "error", err.Error(), "error_type", errtype.Of(err))
		return true
	}
	return ok
}

// watch is the watchdog: EventBridge Scheduler invokes the scheduler
// function every five minutes of the trading session with trigger
// "watchdog". From the start deadline on, on a session day of the
// broker's calendar (on other days it records zeros), each check records two gauges,
// WorkflowsNotStarted and WorkflowsStuck (0 or 1), so their alarms see a
// point at every check and go back to OK when the workflow recovers. The
// check's time is the schedule's scheduled time, so a late invocation
// judges the moment it was meant for, locally and in AWS alike.
func (h *Scheduler) watch(ctx context.Context, in ScheduleInput) error {
	at := in.ScheduledTime.In(newYork)
	date := at.Format(time.DateOnly)
	deadline := time.Date(at.Year(), at.Month(), at.Day(), StartDeadlineHour, StartDeadlineMinute, 0, 0, newYork)
	log := h.log().With("operation", "watchdog", "trading_date", date, "check_time", in.ScheduledTime.UTC().Format(time.RFC3339))
	if at.Before(deadline) {
		log.DebugContext(ctx, "watchdog: before the start deadline")
		return nil
	}
	if !h.sessionDay(ctx, at, log) {
		h.Metrics.WatchdogChecked(ctx, false, false)
		log.DebugContext(ctx, "watchdog: no session today")
		return nil
	}
	e, err := h.Ledger.Get(ctx, date)
	if err != nil {
		return fmt.Errorf("watchdog could not read the workflow ledger: %w", err)
	}
	// The watched workflow's id is logged as workflow_correlation_id: this
	// invocation is not part of that workflow's trace, and every line
	// carrying a correlation_id belongs to its workflow's trace.
	notStarted, stuck := e == nil, e != nil && e.Status == "started" && at.Sub(e.ScheduledTime) >= StuckAfter
	h.Metrics.WatchdogChecked(ctx, notStarted, stuck)
	switch {
	case notStarted:
		log.ErrorContext(ctx, "workflow not started", "deadline", deadline.Format(time.RFC3339), "error_type", "not_started")
	case stuck:
		log.ErrorContext(ctx, "workflow stuck", "workflow_correlation_id", e.CorrelationID, "scheduled_time", e.ScheduledTime.Format(time.RFC3339),
			"minutes_since_start", int(at.Sub(e.ScheduledTime).Minutes()), "error_type", "stuck")
	default:
		log.InfoContext(ctx, "watchdog: workflow on time", "workflow_correlation_id", e.CorrelationID, "status", e.Status)
	}
	return nil
}
