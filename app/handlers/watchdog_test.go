package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/notify"
)

// schedule is the Scheduler's input at hh:mm New York on 2026-11-20 (EST,
// UTC-5).
func schedule(trigger string, hh, mm int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"trigger":%q,"scheduled_time":%q}`, trigger, sessionTime(hh, mm).Format(time.RFC3339)))
}

func sessionTime(hh, mm int) time.Time { return time.Date(2026, 11, 20, hh+5, mm, 0, 0, time.UTC) }

// atSession runs f in a testing/synctest bubble whose clock is at hh:mm
// New York of schedule's session, so time.Now (the ledger's and the
// events' clock) agrees with the scheduled times, on any day the tests
// run. The bubble's clock starts at 2000-01-01; the sleep is virtual.
func atSession(t *testing.T, hh, mm int, f func(t *testing.T)) {
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(hh, mm)
		f(t)
	})
}

// sleepUntil moves the bubble's clock to hh:mm of the session, if later.
func sleepUntil(hh, mm int) { time.Sleep(time.Until(sessionTime(hh, mm))) }

// verdicts returns the messages the watchdog logged, one per check.
func verdicts(log *bytes.Buffer) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		var rec struct{ Msg string }
		if json.Unmarshal([]byte(line), &rec) == nil && (strings.HasPrefix(rec.Msg, "workflow not") ||
			strings.HasPrefix(rec.Msg, "workflow stuck") || strings.HasPrefix(rec.Msg, "watchdog:")) {
			out = append(out, rec.Msg)
		}
	}
	log.Reset()
	return out
}

func TestSchedulerStartsOneScheduledWorkflowPerTradingDate(t *testing.T) {
	atSession(t, 9, 35, testSchedulerStartsOneScheduledWorkflowPerTradingDate)
}

func testSchedulerStartsOneScheduledWorkflowPerTradingDate(t *testing.T) {
	rec := &bus.Recorder{}
	h := &Scheduler{Deps: Deps{Publisher: rec}, Ledger: &Ledger{Store: idempotency.NewMemoryStore()}}
	for range 3 { // EventBridge Scheduler delivers at least once
		if err := h.Handle(context.Background(), schedule("schedule", 9, 35)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.OfType("WorkflowStarted")); n != 1 {
		t.Errorf("%d workflows started for one trading date, want 1", n)
	}
	sleepUntil(9, 40)
	if err := h.Handle(context.Background(), schedule("manual", 9, 40)); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.OfType("WorkflowStarted")); n != 2 {
		t.Errorf("a manual start was refused: %d started", n)
	}
}

func TestSchedulerReleasesTheDateWhenItCannotPublish(t *testing.T) {
	atSession(t, 9, 35, testSchedulerReleasesTheDateWhenItCannotPublish)
}

func testSchedulerReleasesTheDateWhenItCannotPublish(t *testing.T) {
	rec := &bus.Recorder{Err: errors.New("throttled")}
	h := &Scheduler{Deps: Deps{Publisher: rec}, Ledger: &Ledger{Store: idempotency.NewMemoryStore()}}
	if err := h.Handle(context.Background(), schedule("schedule", 9, 35)); err == nil {
		t.Fatal("a failed publish was not returned for retry")
	}
	rec.Err = nil
	if err := h.Handle(context.Background(), schedule("schedule", 9, 35)); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.OfType("WorkflowStarted")); n != 1 {
		t.Errorf("the retry started %d workflows, want 1", n)
	}
}

// The watchdog's checks run at their scheduled times, as EventBridge
// Scheduler fires them; the late start runs at 09:45.
func TestWatchdogTellsNotStartedStuckAndOnTime(t *testing.T) {
	atSession(t, 9, 40, testWatchdogTellsNotStartedStuckAndOnTime)
}

func testWatchdogTellsNotStartedStuckAndOnTime(t *testing.T) {
	var log bytes.Buffer
	store := idempotency.NewMemoryStore()
	rec := &bus.Recorder{}
	deps := Deps{Publisher: rec, Log: slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	h := &Scheduler{Deps: deps, Ledger: &Ledger{Store: store}}
	check := func(hh, mm int) []string {
		t.Helper()
		sleepUntil(hh, mm)
		if err := h.Handle(context.Background(), schedule("watchdog", hh, mm)); err != nil {
			t.Fatal(err)
		}
		return verdicts(&log)
	}
	if got := check(9, 40); len(got) != 1 || got[0] != "watchdog: before the start deadline" {
		t.Errorf("09:40: %v", got)
	}
	if got := check(9, 45); len(got) != 1 || got[0] != "workflow not started" {
		t.Errorf("09:45 without a workflow: %v", got)
	}
	if err := h.Handle(context.Background(), schedule("schedule", 9, 35)); err != nil { // late, but it starts
		t.Fatal(err)
	}
	log.Reset()
	if got := check(9, 45); len(got) != 1 || got[0] != "watchdog: workflow on time" {
		t.Errorf("09:45, started: %v", got)
	}
	if got := check(9, 50); len(got) != 1 || got[0] != "workflow stuck" {
		t.Errorf("09:50, 15 minutes without an end: %v", got)
	}

	// The notifications function ends it.
	start := rec.OfType("WorkflowStarted")[0].(*events.WorkflowStarted)
	done := &events.WorkflowCompleted{Metadata: start.Child(events.DefaultIDs().New(), time.Now()), Workflow: start.Workflow, Outcome: "no_trades",
		Allocations: []events.Allocation{}, Items: []events.PlanItem{}, Orders: []events.OrderResult{},
		Before: events.Portfolio{Positions: []events.Holding{}}, After: events.Portfolio{Positions: []events.Holding{}}}
	n := &Notifications{Deps: deps, Notifier: &notify.Outbox{Dir: t.TempDir()}, Ledger: h.Ledger}
	if err := n.Handle(context.Background(), envelope(t, done)); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if got := check(9, 55); len(got) != 1 || got[0] != "watchdog: workflow on time" {
		t.Errorf("09:55, ended: %v", got)
	}
	if e, _ := h.Ledger.Get(context.Background(), "2026-11-20"); e == nil || e.Status != "completed" || e.CorrelationID != start.CorrelationID {
		t.Errorf("ledger entry %+v", e)
	}

	// Another workflow's end (a manual run) does not end the scheduled one.
	other := &events.WorkflowFailed{Metadata: events.Root("01OTHER", time.Now()), Workflow: start.Workflow, Step: "strategy"}
	if err := (&Ledger{Store: store}).End(context.Background(), "2026-11-20", other.CorrelationID, "failed", time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if e, _ := h.Ledger.Get(context.Background(), "2026-11-20"); e.Status != "completed" {
		t.Errorf("another workflow's end changed the entry: %+v", e)
	}
}

func TestWatchdogNeedsTheLedger(t *testing.T) { atSession(t, 9, 45, testWatchdogNeedsTheLedger) }

func testWatchdogNeedsTheLedger(t *testing.T) {
	err := (&Scheduler{Deps: Deps{Publisher: &bus.Recorder{}}}).Handle(context.Background(), schedule("watchdog", 9, 45))
	var se *ScheduleInputError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "IDEMPOTENCY_TABLE") {
		t.Errorf("err = %v, want a permanent error naming IDEMPOTENCY_TABLE", err)
	}
}
