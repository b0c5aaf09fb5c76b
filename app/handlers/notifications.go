package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/notify"
)

// Notifications consumes WorkflowCompleted and WorkflowFailed and sends
// the owner a summary. LogLocation tells the reader where the workflow's
// logs are (a run directory locally, a Logs Insights link in AWS).
type Notifications struct {
	Deps
	Notifier    notify.Notifier
	LogLocation func(correlationID string) string
}

// Handle implements Func.
func (h *Notifications) Handle(ctx context.Context, raw json.RawMessage) error {
	_, ev, log, err := received(ctx, h.Deps, "notifications", raw)
	if err != nil {
		return err
	}
	var s notify.Summary
	switch e := ev.(type) {
	case *events.WorkflowCompleted:
		s = completedSummary(e)
		d := e.OccurredAt.Sub(e.StartedAt)
		h.Metrics.WorkflowEnded(ctx, true, e.Outcome, d)
		log.InfoContext(ctx, "workflow ended", "status", "completed", "outcome", e.Outcome, "trading_date", e.TradingDate,
			"duration_ms", float64(d.Microseconds())/1000, "orders_submitted", e.Submitted, "orders_filled", e.Filled)
	case *events.WorkflowFailed:
		s = failedSummary(e)
		d := e.OccurredAt.Sub(e.StartedAt)
		h.Metrics.WorkflowEnded(ctx, false, e.Step, d)
		log.InfoContext(ctx, "workflow ended", "status", "failed", "step", e.Step, "reason", e.Reason, "error_type", e.ErrorType,
			"trading_date", e.TradingDate, "duration_ms", float64(d.Microseconds())/1000)
	default:
		return &UnexpectedTypeError{Handler: "notifications", Got: ev.EventType()}
	}
	if h.LogLocation != nil {
		s.LogLocation = h.LogLocation(s.CorrelationID)
	}
	msg, err := notify.NewMessage(s)
	if err != nil {
		return fmt.Errorf("could not build the notification: %w", err)
	}
	switch err := h.Notifier.Notify(ctx, msg); {
	case errors.Is(err, notify.ErrDuplicate):
		log.InfoContext(ctx, "notification already sent", "status", s.Status)
		return nil
	case err != nil:
		return fmt.Errorf("could not send the notification: %w", err)
	}
	log.InfoContext(ctx, "notification sent", "status", s.Status, "subject", msg.Subject)
	return nil
}

// SummaryOf returns the notification summary of a terminal event.
func SummaryOf(ev events.Event) (notify.Summary, bool) {
	switch e := ev.(type) {
	case *events.WorkflowCompleted:
		return completedSummary(e), true
	case *events.WorkflowFailed:
		return failedSummary(e), true
	}
	return notify.Summary{}, false
}
