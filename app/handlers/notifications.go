package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/internal/console"
)

// Notifications consumes WorkflowCompleted and WorkflowFailed and sends
// the owner a summary. LogLocation tells the reader where the workflow's
// logs are (a run directory locally, a Logs Insights link in AWS).
type Notifications struct {
	Deps
	Notifier    notify.Notifier
	LogLocation func(correlationID string) string
	Dashboard   string // the CloudWatch dashboard alarm notifications link
	// Query resolves a saved query's text and log groups for the Logs
	// Insights link of alarm notifications (the notifications function resolves the saved queries).
	Query func(name string) (text string, groups []string, ok bool)
	// Describe gives an alarm's description by name, for an incident
	// alarm's triggering child (notify.AlarmLinks.Describe); nil enriches
	// from the alarm's own description only.
	Describe func(alarmName string) (string, bool)
	// RunbookBaseURL and Region link a failed workflow's summary to the
	// workflow-failed runbook and to the dashboard over its time range.
	RunbookBaseURL, Region string
	// Ledger, when set, is told the scheduled workflow ended, so the
	// watchdog does not report it stuck.
	Ledger *Ledger
	// Budgets, when set, reads the SLOs' error budgets over their period:
	// a workflow's summary and an SLO alarm's notification show them, and
	// each workflow's end records them (ErrorBudgetRemaining).
	Budgets Budgets
}

// Budgets reads every SLO's error budget over its period up to at. end
// is the workflow ending now, which the metrics read do not hold yet
// (its own are flushed when the invocation returns); nil for an alarm.
type Budgets func(ctx context.Context, at time.Time, end *WorkflowEnd) ([]notify.Budget, error)

// WorkflowEnd is how a workflow ended, for the SLOs that count workflows.
type WorkflowEnd struct {
	Completed bool
	Duration  time.Duration
}

// budgets reads the budgets; an error is logged, not returned: the
// notification goes out without them.
func (h *Notifications) budgets(ctx context.Context, at time.Time, end *WorkflowEnd) []notify.Budget {
	if h.Budgets == nil {
		return nil
	}
	bs, err := h.Budgets(ctx, at, end)
	if err != nil {
		h.log().WarnContext(ctx, "could not read the error budgets", "error", err.Error())
		return nil
	}
	return bs
}

// Handle implements Func.
func (h *Notifications) Handle(ctx context.Context, raw json.RawMessage) error {
	if records, ok := snsRecords(raw); ok { // an alarm from the alarm topic
		return h.alarms(ctx, records)
	}
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
	if h.Ledger != nil {
		m := ev.Meta()
		if err := h.Ledger.End(ctx, s.TradingDate, m.CorrelationID, s.Status, m.OccurredAt, h.now()); err != nil {
			return fmt.Errorf("could not record the workflow's end in the ledger: %w", err)
		}
	}
	if h.LogLocation != nil {
		s.LogLocation = h.LogLocation(s.CorrelationID)
	}
	if s.Status == "failed" {
		s.Runbook, s.Dashboard = h.failedLinks(s)
	}
	s.Budgets = h.budgets(ctx, h.now(), &WorkflowEnd{Completed: s.Status == "completed", Duration: s.Duration()})
	for _, b := range s.Budgets {
		h.Metrics.ErrorBudget(ctx, b.SLO, 100*b.Remaining())
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

// failedLinks are the runbook and dashboard links of a failed workflow's
// summary: the dashboard from a quarter of an hour before the workflow
// started to a quarter of an hour after it failed.
func (h *Notifications) failedLinks(s notify.Summary) (runbook, dashboard string) {
	if h.RunbookBaseURL != "" {
		runbook = h.RunbookBaseURL + "/workflow-failed.md"
	}
	if h.Dashboard != "" && h.Region != "" {
		dashboard = console.Dashboard(h.Region, h.Dashboard, s.StartedAt.Add(-15*time.Minute), s.EndedAt.Add(15*time.Minute))
	}
	return runbook, dashboard
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

// snsRecord is one record of an SNS event (aws-lambda-go's SNSEvent shape).
type snsRecord struct {
	EventSource string `json:"EventSource"`
	SNS         struct {
		MessageID string `json:"MessageId"`
		TopicArn  string `json:"TopicArn"`
		Message   string `json:"Message"`
	} `json:"Sns"`
}

func snsRecords(raw json.RawMessage) ([]snsRecord, bool) {
	if !bytes.Contains(raw, []byte(`"aws:sns"`)) {
		return nil, false
	}
	var ev struct {
		Records []snsRecord `json:"Records"`
	}
	if json.Unmarshal(raw, &ev) != nil || len(ev.Records) == 0 || ev.Records[0].EventSource != "aws:sns" {
		return nil, false
	}
	return ev.Records, true
}

// alarms turns CloudWatch alarm notifications into messages with the
// runbook and console links; repeats of one state change are collapsed by
// the message key (the outbox and the idempotent notifiers drop them).
func (h *Notifications) alarms(ctx context.Context, records []snsRecord) error {
	log := h.log()
	for _, r := range records {
		a, err := notify.ParseAlarm(r.SNS.Message)
		if err != nil {
			log.ErrorContext(ctx, "alarm message rejected", "error", err.Error(), "error_type", "permanent", "message_id", r.SNS.MessageID)
			return &AlarmMessageError{err}
		}
		links := notify.AlarmLinks{Dashboard: h.Dashboard, Query: h.Query, Describe: h.Describe}
		if _, _, ok := notify.AlarmSLO(a); ok {
			links.Budgets = h.budgets(ctx, h.now(), nil)
		}
		msg := notify.AlarmMessage(a, links)
		switch err := h.Notifier.Notify(ctx, msg); {
		case errors.Is(err, notify.ErrDuplicate):
			log.InfoContext(ctx, "alarm notification already sent", "alarm", a.AlarmName, "state", a.NewStateValue)
			continue
		case err != nil:
			return fmt.Errorf("could not send the alarm notification: %w", err)
		}
		log.InfoContext(ctx, "alarm notification sent", "alarm", a.AlarmName, "state", a.NewStateValue, "previous_state", a.OldStateValue)
	}
	return nil
}

// AlarmMessageError is an SNS message that is not a CloudWatch alarm.
type AlarmMessageError struct{ err error }

func (e *AlarmMessageError) Error() string   { return e.err.Error() }
func (e *AlarmMessageError) Unwrap() error   { return e.err }
func (e *AlarmMessageError) Retryable() bool { return false }
