package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/shopspring/decimal"
)

// market is a paper exchange whose market clock reads at, and the
// Alpaca adapter talking to it.
func market(t *testing.T, at time.Time) (*paper.Exchange, *alpaca.Adapter) {
	t.Helper()
	ds, _ := marketdata.Synthetic()
	frozen := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	x, err := paper.New(paper.Config{Dataset: ds, Day: at, Clock: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	x.SetTime(at)
	if err := x.AddAccount("K", "S", paper.AccountConfig{Cash: decimal.NewFromInt(10000)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(x)
	t.Cleanup(srv.Close)
	return x, alpaca.New(alpaca.Config{BaseURL: srv.URL, DataURL: srv.URL, KeyID: "K", Secret: "S", PollInterval: time.Millisecond})
}

func nyTime(date string, hh, mm int) time.Time {
	d, _ := time.Parse(time.DateOnly, date)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, newYork)
}

func scheduleAt(trigger string, at time.Time) json.RawMessage {
	raw, _ := json.Marshal(ScheduleInput{Trigger: trigger, ScheduledTime: at.UTC()})
	return raw
}

// logLines returns the messages of buf's JSON log lines.
func logLines(buf *bytes.Buffer) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct{ Msg string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg != "" {
			out = append(out, rec.Msg)
		}
	}
	return out
}

// On an exchange holiday (Labor Day) the scheduled workflow ends before
// it starts: one WorkflowCompleted market_closed, no WorkflowStarted (so
// no step runs and no order is placed), one log line; the notification
// says so and the ledger records the end, so the watchdog sees no stuck
// workflow.
func TestAHolidayWorkflowEndsMarketClosed(t *testing.T) {
	at := nyTime("2026-09-07", 9, 35)
	x, m := market(t, at)
	rec, logs := &bus.Recorder{}, &bytes.Buffer{}
	ledger := &Ledger{Store: idempotency.NewMemoryStore()}
	now := func() time.Time { return at }
	h := &Scheduler{Deps: Deps{Publisher: rec, Now: now, Log: slog.New(slog.NewJSONHandler(logs, nil))}, Ledger: ledger, Market: m}
	if err := h.Handle(context.Background(), scheduleAt("schedule", at)); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.OfType(events.TypeWorkflowStarted)); n != 0 {
		t.Fatalf("%d WorkflowStarted on a holiday", n)
	}
	done := rec.OfType(events.TypeWorkflowCompleted)
	if len(done) != 1 {
		t.Fatalf("published %v", rec.Events())
	}
	c := done[0].(*events.WorkflowCompleted)
	if c.Outcome != events.OutcomeMarketClosed || c.Submitted != 0 || len(c.Orders) != 0 || c.TradingDate != "2026-09-07" ||
		c.CorrelationID != c.EventID || !c.SessionClose.IsZero() {
		t.Errorf("completed %+v", c)
	}
	if got := logLines(logs); len(got) != 1 || !strings.HasPrefix(got[0], "market closed") {
		t.Errorf("log lines %q, want one market closed line", got)
	}
	if n := len(x.Orders("K")); n != 0 {
		t.Errorf("%d orders at the exchange", n)
	}
	// The end reaches the owner and the ledger like any other.
	out := &notify.Outbox{Dir: t.TempDir()}
	n := &Notifications{Deps: Deps{Publisher: &bus.Recorder{}, Now: now}, Notifier: out, Ledger: ledger}
	if err := n.Handle(context.Background(), envelope(t, c)); err != nil {
		t.Fatal(err)
	}
	msg, err := notify.NewMessage(completedSummary(c))
	if err != nil || !strings.Contains(msg.Subject, "market closed") {
		t.Errorf("notification %q %v", msg.Subject, err)
	}
	if e, err := ledger.Get(context.Background(), "2026-09-07"); err != nil || e == nil || e.Status != "completed" {
		t.Errorf("ledger %+v %v", e, err)
	}
}

// A workflow started by hand on a weekend is judged by the broker's
// clock: the market is closed, nothing starts.
func TestAManualWeekendRunEndsMarketClosed(t *testing.T) {
	at := nyTime("2026-09-05", 11, 0) // a Saturday
	_, m := market(t, at)
	rec := &bus.Recorder{}
	h := &Scheduler{Deps: Deps{Publisher: rec, Now: func() time.Time { return at }}, Market: m}
	if err := h.Handle(context.Background(), scheduleAt("manual", at)); err != nil {
		t.Fatal(err)
	}
	done := rec.OfType(events.TypeWorkflowCompleted)
	if len(rec.OfType(events.TypeWorkflowStarted)) != 0 || len(done) != 1 || done[0].(*events.WorkflowCompleted).Outcome != events.OutcomeMarketClosed {
		t.Fatalf("published %v", rec.Events())
	}
	// A dry run (alchemiser verify) places no order, so it runs anyway.
	if err := h.Handle(context.Background(), scheduleAt(TriggerVerify, at)); err != nil {
		t.Fatal(err)
	}
	if st := rec.OfType(events.TypeWorkflowStarted); len(st) != 1 || !st[0].(*events.WorkflowStarted).DryRun {
		t.Errorf("dry run on a weekend: published %v", rec.Events())
	}
}

// The workflow carries its session's close on the scheduler's clock: a
// half day (13:00 close) leaves execution 3 h 25 min from the 09:35
// start, a full day 6 h 25 min.
func TestSessionCloseTravelsWithTheWorkflow(t *testing.T) {
	ours := time.Date(2031, 5, 6, 7, 0, 0, 0, time.UTC) // the scheduler's clock need not be the broker's
	for date, want := range map[string]time.Duration{
		"2025-11-28": 3*time.Hour + 25*time.Minute, // the day after Thanksgiving
		"2025-11-26": 6*time.Hour + 25*time.Minute,
	} {
		_, m := market(t, nyTime(date, 9, 35))
		rec := &bus.Recorder{}
		h := &Scheduler{Deps: Deps{Publisher: rec, Now: func() time.Time { return ours }}, Market: m}
		if err := h.Handle(context.Background(), scheduleAt("schedule", nyTime(date, 9, 35))); err != nil {
			t.Fatal(err)
		}
		st := rec.OfType(events.TypeWorkflowStarted)
		if len(st) != 1 {
			t.Fatalf("%s: published %v", date, rec.Events())
		}
		if got := st[0].(*events.WorkflowStarted).SessionClose.Sub(ours); got != want {
			t.Errorf("%s: session closes %s after the start, want %s", date, got, want)
		}
	}
}

// halfDayPlan is a plan of the half day 2025-11-28, whose session closes
// at 13:00 New York.
func halfDayPlan() *events.RebalancePlanned {
	start := started()
	// The half day's plan, made at 12:40 New York: fresh at 12:50 and
	// at 13:00, so only the close can refuse it.
	start.TradingDate, start.SessionClose = "2025-11-28", nyTime("2025-11-28", 13, 0)
	return &events.RebalancePlanned{Metadata: start.Child(events.DefaultIDs().New(), nyTime("2025-11-28", 12, 40)), Workflow: start.Workflow,
		PlanID: "p1", Allocations: []events.Allocation{}, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(1), Price: decimal.NewFromInt(500), Fractionable: true}}}
}

// On a half day the session's close bounds execution: ten minutes before
// it (on the handler's clock), execution's deadline is those ten minutes
// and the order is placed; after it, no order is placed and the workflow
// fails at step execution.
func TestAHalfDayCloseBoundsExecution(t *testing.T) {
	x, b := market(t, nyTime("2025-11-28", 12, 50))
	exec, _ := execution.New(b, execution.Config{})
	plan := halfDayPlan()
	for _, tc := range []struct {
		now    time.Time
		orders int
		end    string
	}{
		{nyTime("2025-11-28", 12, 50), 1, events.TypeWorkflowCompleted},
		{nyTime("2025-11-28", 13, 0), 1, events.TypeWorkflowFailed}, // the close: nothing more
	} {
		rec, logs := &bus.Recorder{}, &bytes.Buffer{}
		h := &Execution{Deps: Deps{Publisher: rec, Now: func() time.Time { return tc.now }, Log: slog.New(slog.NewJSONHandler(logs, nil))},
			Broker: b, Executor: exec}
		plan.PlanID = "p-" + tc.now.Format("1504")
		if err := h.Handle(context.Background(), envelope(t, plan)); err != nil {
			t.Fatal(err)
		}
		if n := len(x.Orders("K")); n != tc.orders {
			t.Errorf("%s: %d orders at the exchange, want %d", tc.now.Format(time.Kitchen), n, tc.orders)
		}
		ends := rec.OfType(tc.end)
		if len(ends) != 1 {
			t.Fatalf("%s: published %v", tc.now.Format(time.Kitchen), rec.Events())
		}
		if f, ok := ends[0].(*events.WorkflowFailed); ok && (f.Step != "execution" || f.ErrorType != "SessionClosed" || len(rec.OfType(events.TypeTradeExecuted)) != 0) {
			t.Errorf("after the close: %+v", f)
		}
		if tc.end == events.TypeWorkflowCompleted && untilCloseLogged(logs) != 600 {
			t.Errorf("execution bounded to %v s, want 600 (ten minutes to the 13:00 close)", untilCloseLogged(logs))
		}
	}
}

func untilCloseLogged(buf *bytes.Buffer) float64 {
	for _, line := range strings.Split(buf.String(), "\n") {
		var rec struct {
			Msg        string
			UntilClose float64 `json:"until_close_s"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "execution bounded by the session close" {
			return rec.UntilClose
		}
	}
	return -1
}

func TestUntilCloseIsTheTimeLeftOnTheHandlersClock(t *testing.T) {
	close := nyTime("2025-11-28", 13, 0)
	for _, tc := range []struct {
		now  time.Time
		left time.Duration
		err  error
	}{
		{nyTime("2025-11-28", 9, 35), 3*time.Hour + 25*time.Minute, nil},
		{nyTime("2025-11-28", 12, 59), time.Minute, nil},
		{nyTime("2025-11-28", 13, 0), 0, ErrSessionClosed},
		{nyTime("2025-11-28", 15, 0), -2 * time.Hour, ErrSessionClosed},
	} {
		ctx, cancel, left, err := untilClose(context.Background(), Deps{Now: func() time.Time { return tc.now }}, events.Workflow{SessionClose: close})
		cancel()
		if left != tc.left || !errors.Is(err, tc.err) {
			t.Errorf("at %s: left %s err %v, want %s %v", tc.now.Format(time.Kitchen), left, err, tc.left, tc.err)
		}
		if _, ok := ctx.Deadline(); ok != (tc.err == nil) {
			t.Errorf("at %s: deadline set %v", tc.now.Format(time.Kitchen), ok)
		}
	}
	// A workflow of schema 1.1 has no close: unbounded.
	ctx, cancel, left, err := untilClose(context.Background(), Deps{}, events.Workflow{})
	defer cancel()
	if _, ok := ctx.Deadline(); ok || left != 0 || err != nil {
		t.Errorf("no close: deadline %v, left %s, err %v", ok, left, err)
	}
}

// The watchdog reads the same calendar: on a holiday it expects no
// workflow and stays quiet; on the next session, a missing workflow is
// reported.
func TestTheWatchdogIsQuietOnAHoliday(t *testing.T) {
	_, m := market(t, nyTime("2026-09-07", 9, 50))
	logs := &bytes.Buffer{}
	h := &Scheduler{Deps: Deps{Publisher: &bus.Recorder{}, Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		Ledger: &Ledger{Store: idempotency.NewMemoryStore()}, Market: m}
	for _, date := range []string{"2026-09-07", "2026-09-05"} { // Labor Day, a Saturday
		for _, mm := range []int{45, 50, 55} {
			if err := h.Handle(context.Background(), scheduleAt("watchdog", nyTime(date, 9, mm))); err != nil {
				t.Fatal(err)
			}
		}
		if got := verdicts(logs); len(got) != 3 || got[0] != "watchdog: no session today" || got[2] != got[0] {
			t.Errorf("%s: verdicts %q", date, got)
		}
	}
	if err := h.Handle(context.Background(), scheduleAt("watchdog", nyTime("2026-09-08", 9, 50))); err != nil {
		t.Fatal(err)
	}
	if got := verdicts(logs); len(got) != 1 || got[0] != "workflow not started" {
		t.Errorf("the next session: verdicts %q", got)
	}
}

// A broker that refuses the clock for good (credentials refused) fails
// the workflow visibly before anything runs; a transient failure is
// returned, for Lambda to retry.
func TestAnUnreadableCalendarFailsOrRetries(t *testing.T) {
	at := nyTime("2026-09-08", 9, 35)
	x, m := market(t, at)
	rec := &bus.Recorder{}
	h := &Scheduler{Deps: Deps{Publisher: rec, Now: func() time.Time { return at }}, Market: m}
	x.SetFaults(paper.Faults{ErrorRates: map[int]float64{403: 1}, Paths: []string{"/v2/clock"}})
	if err := h.Handle(context.Background(), scheduleAt("manual", at)); err != nil {
		t.Fatal(err)
	}
	f := rec.OfType(events.TypeWorkflowFailed)
	if len(rec.OfType(events.TypeWorkflowStarted)) != 0 || len(f) != 1 || f[0].(*events.WorkflowFailed).Step != StepMarketCalendar {
		t.Fatalf("published %v", rec.Events())
	}
	x.SetFaults(paper.Faults{ErrorRates: map[int]float64{503: 1}, Paths: []string{"/v2/calendar"}})
	if err := h.Handle(context.Background(), scheduleAt("manual", at)); err == nil || len(rec.Events()) != 1 {
		t.Fatalf("a 503 from the calendar: err %v, published %v", err, rec.Events())
	}
}
