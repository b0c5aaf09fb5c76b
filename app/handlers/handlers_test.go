package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/alchemiser/alchemiser/app/strategy"
	"github.com/shopspring/decimal"
)

var day = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// session is the market's clock during day's workflow: 09:40 New York.
func session() time.Time { return day.Add(14*time.Hour + 40*time.Minute) }

func envelope(t *testing.T, ev events.Event) json.RawMessage {
	t.Helper()
	env, err := events.Wrap(ev, "alchemiser.test", "1", "r")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	return raw
}

func started() *events.WorkflowStarted {
	now := time.Now()
	return &events.WorkflowStarted{Metadata: events.Root(events.DefaultIDs().New(), now), Trigger: "manual",
		Workflow: events.Workflow{TradingDate: day.Format(time.DateOnly), StartedAt: now}}
}

func strategyHandler(t *testing.T, rec *bus.Recorder) *Strategy {
	cfg, err := strategy.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	e, _ := strategy.NewEngine(cfg)
	ds, _ := marketdata.Synthetic()
	return &Strategy{Deps: Deps{Publisher: rec}, Engine: e, Prices: ds.At(day)}
}

func TestStrategyPublishesSignalCausedByStart(t *testing.T) {
	rec := &bus.Recorder{}
	start := started()
	if err := strategyHandler(t, rec).Handle(context.Background(), envelope(t, start)); err != nil {
		t.Fatal(err)
	}
	got := rec.OfType(events.TypeSignalGenerated)
	if len(got) != 1 {
		t.Fatalf("published %v", rec.Events())
	}
	sig := got[0].(*events.SignalGenerated)
	if sig.CorrelationID != start.EventID || sig.CausationID != start.EventID || sig.AsOf != "2026-11-19" {
		t.Errorf("signal metadata %+v as of %s", sig.Metadata, sig.AsOf)
	}
	sum := decimal.Zero
	for _, a := range sig.Allocations {
		sum = sum.Add(a.Weight)
	}
	if !sum.Equal(decimal.NewFromInt(1)) || len(sig.Strategies) != 3 {
		t.Errorf("allocations sum %s, %d strategies", sum, len(sig.Strategies))
	}
}

func TestBadInputIsPermanent(t *testing.T) {
	rec := &bus.Recorder{}
	h := strategyHandler(t, rec)
	cases := map[string]json.RawMessage{
		"garbage":    json.RawMessage(`{"version":`),
		"wrong type": envelope(t, &events.WorkflowFailed{Metadata: started().Metadata, Workflow: started().Workflow, Step: "x", Reason: "y", ErrorType: "z"}),
	}
	for name, raw := range cases {
		err := h.Handle(context.Background(), raw)
		if err == nil || !events.Permanent(err) {
			t.Errorf("%s: err = %v, want a permanent error", name, err)
		}
	}
	if len(rec.Events()) != 0 {
		t.Errorf("published on bad input: %v", rec.Events())
	}
}

func TestStrategyFailureEndsTheWorkflow(t *testing.T) {
	rec := &bus.Recorder{}
	h := strategyHandler(t, rec)
	ds, _ := marketdata.Synthetic()
	h.Prices = ds.At(ds.TradingDays()[5]) // far too little history
	start := started()
	if err := h.Handle(context.Background(), envelope(t, start)); err != nil {
		t.Fatal(err)
	}
	f := rec.OfType(events.TypeWorkflowFailed)
	if len(f) != 1 || f[0].(*events.WorkflowFailed).Step != "strategy" || f[0].Meta().CausationID != start.EventID {
		t.Fatalf("published %v", rec.Events())
	}
	if et := f[0].(*events.WorkflowFailed).ErrorType; et == "" {
		t.Error("no error type")
	}
}

func TestPublishFailureIsReturnedForRetry(t *testing.T) {
	rec := &bus.Recorder{Err: errors.New("throttled")}
	err := strategyHandler(t, rec).Handle(context.Background(), envelope(t, started()))
	if err == nil || events.Permanent(err) {
		t.Errorf("err = %v, want a retryable error", err)
	}
}

func exchangeBroker(t *testing.T, cash string, positions map[string]string) *alpaca.Adapter {
	ds, _ := marketdata.Synthetic()
	x, _ := paper.New(paper.Config{Dataset: ds, Day: day})
	pos := map[string]decimal.Decimal{}
	for s, q := range positions {
		pos[s] = decimal.RequireFromString(q)
	}
	_ = x.AddAccount("K", "S", paper.AccountConfig{Cash: decimal.RequireFromString(cash), Positions: pos})
	srv := httptest.NewServer(x)
	t.Cleanup(srv.Close)
	return alpaca.New(alpaca.Config{BaseURL: srv.URL, DataURL: srv.URL, KeyID: "K", Secret: "S", PollInterval: time.Millisecond})
}

func signal(allocs map[string]string) *events.SignalGenerated {
	start := started()
	sig := &events.SignalGenerated{Metadata: start.Child(events.DefaultIDs().New(), time.Now()), Workflow: start.Workflow,
		AsOf: "2026-11-19", Strategies: []events.StrategySignal{}}
	for s, w := range allocs {
		sig.Allocations = append(sig.Allocations, events.Allocation{Symbol: s, Weight: decimal.RequireFromString(w)})
	}
	return sig
}

func TestPortfolioPlansOrCompletes(t *testing.T) {
	planner, _ := portfolio.New(portfolio.Config{})
	rec := &bus.Recorder{}
	h := &Portfolio{Deps: Deps{Publisher: rec, Session: session}, Broker: exchangeBroker(t, "10000", nil), Planner: planner}
	sig := signal(map[string]string{"SPY": "0.5", "BIL": "0.5"})
	if err := h.Handle(context.Background(), envelope(t, sig)); err != nil {
		t.Fatal(err)
	}
	p := rec.OfType(events.TypeRebalancePlanned)
	if len(p) != 1 || p[0].Meta().CausationID != sig.EventID || p[0].(*events.RebalancePlanned).Items[0].Action != "BUY" {
		t.Fatalf("published %v", rec.Events())
	}
	// An account already on target completes without execution.
	rec2 := &bus.Recorder{}
	h2 := &Portfolio{Deps: Deps{Publisher: rec2, Session: session}, Broker: exchangeBroker(t, "1", map[string]string{"SPY": "10"}), Planner: planner}
	if err := h2.Handle(context.Background(), envelope(t, signal(map[string]string{"SPY": "1"}))); err != nil {
		t.Fatal(err)
	}
	c := rec2.OfType(events.TypeWorkflowCompleted)
	if len(c) != 1 || c[0].(*events.WorkflowCompleted).Outcome != "no_trades" {
		t.Fatalf("published %v", rec2.Events())
	}
}

func TestExecutionReportsRejectedOrdersAsFailure(t *testing.T) {
	b := exchangeBroker(t, "10000", nil)
	exec, _ := execution.New(b, execution.Config{})
	rec := &bus.Recorder{}
	h := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec}
	sig := signal(map[string]string{"SPY": "1"})
	plan := &events.RebalancePlanned{Metadata: sig.Child(events.DefaultIDs().New(), time.Now()), Workflow: sig.Workflow,
		PlanID: "p1", Allocations: sig.Allocations, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{
			{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(2), Price: decimal.NewFromInt(500), Fractionable: true},
			{Symbol: "BIL", Action: "BUY", Qty: decimal.RequireFromString("0.5"), Price: decimal.NewFromInt(98)}, // not fractionable: rejected
		}}
	if err := h.Handle(context.Background(), envelope(t, plan)); err != nil {
		t.Fatal(err)
	}
	trade := rec.OfType(events.TypeTradeExecuted)
	fail := rec.OfType(events.TypeWorkflowFailed)
	if len(trade) != 1 || len(fail) != 1 {
		t.Fatalf("published %v", rec.Events())
	}
	te := trade[0].(*events.TradeExecuted)
	if te.Filled != 1 || len(te.FailedSymbols) != 1 || te.FailedSymbols[0] != "BIL" {
		t.Errorf("trade %+v", te)
	}
	if fail[0].Meta().CausationID != te.EventID || fail[0].(*events.WorkflowFailed).Step != "execution" {
		t.Errorf("failure not caused by the trade event: %+v", fail[0].Meta())
	}
}

func TestNotificationsSendOnce(t *testing.T) {
	out := &notify.Outbox{Dir: t.TempDir()}
	h := &Notifications{Deps: Deps{Publisher: &bus.Recorder{}}, Notifier: out, LogLocation: func(string) string { return "here" }}
	start := started()
	f := &events.WorkflowFailed{Metadata: start.Child(events.DefaultIDs().New(), time.Now()), Workflow: start.Workflow,
		Step: "portfolio", Reason: "no price", ErrorType: "X"}
	raw := envelope(t, f)
	for range 2 {
		if err := h.Handle(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	keys, _ := out.Keys()
	if len(keys) != 1 {
		t.Errorf("outbox keys %v", keys)
	}
}

func TestSchedulerStartsTheNewYorkTradingDate(t *testing.T) {
	rec := &bus.Recorder{}
	h := &Scheduler{Deps: Deps{Publisher: rec}}
	// 09:35 New York on 2026-03-09 (EDT) is 13:35 UTC; 23:30 New York on
	// 2026-11-24 is already the 25th in UTC.
	for in, want := range map[string]string{
		`{"trigger":"schedule","scheduled_time":"2026-03-09T13:35:00Z"}`: "2026-03-09",
		`{"trigger":"manual","scheduled_time":"2026-11-25T04:30:00Z"}`:   "2026-11-24",
	} {
		if err := h.Handle(context.Background(), json.RawMessage(in)); err != nil {
			t.Fatal(err)
		}
		evs := rec.OfType("WorkflowStarted")
		got := evs[len(evs)-1].(*events.WorkflowStarted)
		if got.TradingDate != want || got.CorrelationID != got.EventID || got.CausationID != got.EventID {
			t.Errorf("%s: trading date %s (want %s), ids %+v", in, got.TradingDate, want, got.Metadata)
		}
	}
}

func TestSchedulerRejectsWhatCannotStartAWorkflow(t *testing.T) {
	h := &Scheduler{Deps: Deps{Publisher: &bus.Recorder{}}}
	for in, want := range map[string]string{
		`{"trigger":"schedule"}`:                                               "scheduled_time is missing",
		`{"trigger":"cron","scheduled_time":"2026-03-09T13:35:00Z"}`:           `trigger "cron"`,
		`{"trigger":"schedule","scheduled_time":"2026-03-09T13:35:00Z","x":1}`: `unknown field "x"`,
	} {
		err := h.Handle(context.Background(), json.RawMessage(in))
		var se *ScheduleInputError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) || se.Retryable() {
			t.Errorf("%s: error %v, want a permanent one naming %q", in, err, want)
		}
	}
}

func TestKillSwitchStopsThePlanBeforeAnyOrder(t *testing.T) {
	b := exchangeBroker(t, "10000", nil)
	exec, _ := execution.New(b, execution.Config{})
	plan := buyPlan(signal(map[string]string{"SPY": "1"}), time.Now())

	// "false" is the owner's halt: the workflow completes, halted.
	rec := &bus.Recorder{}
	off := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec,
		TradingEnabled: func(context.Context) (bool, error) { return false, nil }}
	if err := off.Handle(context.Background(), envelope(t, plan)); err != nil {
		t.Fatal(err)
	}
	done := rec.OfType(events.TypeWorkflowCompleted)
	if len(rec.Events()) != 1 || len(done) != 1 || done[0].(*events.WorkflowCompleted).Outcome != events.OutcomeHalted {
		t.Fatalf("published %v, want one WorkflowCompleted, halted", rec.Events())
	}
	if c := done[0].(*events.WorkflowCompleted); len(c.Orders) != 0 || c.Submitted != 0 || len(c.Items) != 1 {
		t.Errorf("halted workflow %+v, want the plan and no order", c)
	}
	if pos, err := b.Positions(context.Background()); err != nil || len(pos) != 0 {
		t.Errorf("positions %v (%v): an order was placed with trading disabled", pos, err)
	}

	// A value that is neither true nor false halts too, but fails the
	// workflow: a misconfiguration someone must fix.
	rec = &bus.Recorder{}
	typo := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec,
		TradingEnabled: func(context.Context) (bool, error) { return TradingEnabledValue("off") }}
	if err := typo.Handle(context.Background(), envelope(t, plan)); err != nil {
		t.Fatal(err)
	}
	fail := rec.OfType(events.TypeWorkflowFailed)
	if len(rec.Events()) != 1 || len(fail) != 1 {
		t.Fatalf("published %v", rec.Events())
	}
	if f := fail[0].(*events.WorkflowFailed); f.Step != "kill_switch" || f.ErrorType != "KillSwitchValueError" || !strings.Contains(f.Reason, `"off"`) {
		t.Errorf("failure %+v, want step kill_switch naming the value", f)
	}
	if pos, err := b.Positions(context.Background()); err != nil || len(pos) != 0 {
		t.Errorf("positions %v (%v): an order was placed with an unrecognised kill switch value", pos, err)
	}

	unknown := &Execution{Deps: Deps{Publisher: &bus.Recorder{}, Session: session}, Broker: b, Executor: exec,
		TradingEnabled: func(context.Context) (bool, error) { return false, errors.New("ssm: throttled") }}
	if err := unknown.Handle(context.Background(), envelope(t, plan)); err == nil || events.Permanent(err) {
		t.Errorf("error %v, want a retryable one when the switch cannot be read", err)
	}
}

// A dry-run workflow (trigger verify) with trades in its plan places no
// order, whether trading is enabled or halted, and completes with the
// dry-run outcome.
func TestADryRunPlanPlacesNoOrder(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		b := exchangeBroker(t, "10000", nil)
		exec, _ := execution.New(b, execution.Config{})
		sig := signal(map[string]string{"SPY": "1"})
		wf := sig.Workflow
		wf.DryRun = true
		plan := &events.RebalancePlanned{Metadata: sig.Child(events.DefaultIDs().New(), time.Now()), Workflow: wf,
			PlanID: "p1", Allocations: sig.Allocations, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
			Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(2), Price: decimal.NewFromInt(500), Fractionable: true}}}
		rec := &bus.Recorder{}
		h := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec,
			TradingEnabled: func(context.Context) (bool, error) { return enabled, nil }}
		if err := h.Handle(context.Background(), envelope(t, plan)); err != nil {
			t.Fatal(err)
		}
		done := rec.OfType(events.TypeWorkflowCompleted)
		if len(rec.Events()) != 1 || len(done) != 1 || done[0].(*events.WorkflowCompleted).Outcome != events.OutcomeDryRun ||
			!done[0].(*events.WorkflowCompleted).Workflow.IsDryRun() {
			t.Errorf("trading enabled %v: published %v, want one WorkflowCompleted with outcome %q", enabled, rec.Events(), events.OutcomeDryRun)
		}
		if pos, err := b.Positions(context.Background()); err != nil || len(pos) != 0 {
			t.Errorf("trading enabled %v: positions %v (%v): a dry run placed an order", enabled, pos, err)
		}
		if len(done) == 1 && !done[0].(*events.WorkflowCompleted).After.Cash.Equal(decimal.NewFromInt(10000)) {
			t.Errorf("trading enabled %v: after %+v, want the account read from the broker", enabled, done[0].(*events.WorkflowCompleted).After)
		}
	}
}

// unreadable is a broker whose latest quotes cannot be read.
type unreadable struct{ broker.Broker }

func (unreadable) LatestQuote(context.Context, string) (marketdata.Quote, error) {
	return marketdata.Quote{}, errors.New("403 forbidden: subscription does not permit querying recent SIP data")
}

// A dry run reads what execution reads before its first order: when the
// broker's market data cannot be read, the dry run's workflow fails at
// step execution, naming the symbol and the broker's answer.
func TestADryRunFailsWhenTheBrokerCannotBeRead(t *testing.T) {
	b := exchangeBroker(t, "10000", nil)
	sig := signal(map[string]string{"SPY": "1"})
	wf := sig.Workflow
	wf.DryRun = true
	plan := &events.RebalancePlanned{Metadata: sig.Child(events.DefaultIDs().New(), time.Now()), Workflow: wf,
		PlanID: "p1", Allocations: sig.Allocations, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "HOLD"}}}
	rec := &bus.Recorder{}
	exec, _ := execution.New(unreadable{b}, execution.Config{MaxAttempts: 1})
	h := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec}
	if err := h.Handle(context.Background(), envelope(t, plan)); err != nil {
		t.Fatal(err)
	}
	fail := rec.OfType(events.TypeWorkflowFailed)
	if len(rec.Events()) != 1 || len(fail) != 1 {
		t.Fatalf("published %v, want one WorkflowFailed", rec.Events())
	}
	if f := fail[0].(*events.WorkflowFailed); f.Step != "execution" || !strings.Contains(f.Reason, "could not quote SPY") || !strings.Contains(f.Reason, "403") {
		t.Errorf("failure %+v, want step execution naming SPY and the broker's answer", f)
	}
}

func TestNotificationsTurnAlarmsIntoRunbookLinkedMessages(t *testing.T) {
	out := &notify.Outbox{Dir: t.TempDir()}
	h := &Notifications{Deps: Deps{Publisher: &bus.Recorder{}}, Notifier: out, Dashboard: "Alchemiser-prod"}
	alarm := `{"AlarmName":"prod-events-dlq-not-empty","AlarmDescription":"Incident event-dead-lettered: events in the DLQ. Runbook: https://x/runbooks/event-dead-lettered.md Query: event-dead-lettered",` +
		`"NewStateValue":"ALARM","OldStateValue":"OK","StateChangeTime":"2026-11-20T14:40:00.000+0000","AlarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:prod-events-dlq-not-empty"}`
	msg, _ := json.Marshal(alarm)
	event := json.RawMessage(`{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","Sns":{"Type":"Notification","MessageId":"m1",` +
		`"TopicArn":"arn:aws:sns:us-east-1:1:prod-alarms","Subject":"ALARM","Message":` + string(msg) + `}}]}`)
	for range 2 { // SNS delivers at least once
		if err := h.Handle(context.Background(), event); err != nil {
			t.Fatal(err)
		}
	}
	keys, _ := out.Keys()
	if len(keys) != 1 {
		t.Fatalf("%d notifications for one state change, want 1", len(keys))
	}
	texts, _ := filepath.Glob(filepath.Join(out.Dir, "*.txt"))
	b, _ := os.ReadFile(texts[0])
	for _, want := range []string{"Runbook: https://x/runbooks/event-dead-lettered.md", "#dashboards/dashboard/Alchemiser-prod?start=", "Saved query: event-dead-lettered"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %q:\n%s", want, b)
		}
	}
	bad := json.RawMessage(`{"Records":[{"EventSource":"aws:sns","Sns":{"Message":"not json"}}]}`)
	if err := h.Handle(context.Background(), bad); err == nil || !events.Permanent(err) {
		t.Errorf("a non-alarm SNS message: %v, want a permanent error", err)
	}
}

// A failed workflow's summary links the workflow-failed runbook and the
// dashboard from a quarter of an hour before it started to a quarter of
// an hour after it failed.
func TestFailedWorkflowSummaryLinksTheRunbookAndTheDashboard(t *testing.T) {
	out := &notify.Outbox{Dir: t.TempDir()}
	h := &Notifications{Deps: Deps{Publisher: &bus.Recorder{}}, Notifier: out, Dashboard: "Alchemiser-prod",
		RunbookBaseURL: "https://example.com/runbooks", Region: "eu-west-1"}
	start := started()
	f := &events.WorkflowFailed{Metadata: start.Child(events.DefaultIDs().New(), time.Now()), Workflow: start.Workflow,
		Step: "portfolio", Reason: "no price", ErrorType: "X"}
	if err := h.Handle(context.Background(), envelope(t, f)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(out.Dir, "*.txt"))
	if len(files) != 1 {
		t.Fatalf("outbox %v", files)
	}
	text, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	iso := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	for _, want := range []string{"runbook: https://example.com/runbooks/workflow-failed.md\n",
		"dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/Alchemiser-prod?start=" +
			iso(f.StartedAt.Add(-15*time.Minute)) + "&end=" + iso(f.OccurredAt.Add(15*time.Minute)) + "\n"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

// A workflow's summary carries the SLOs' budgets, read with the ending
// workflow given; a failed read still sends the summary, without them.
func TestNotificationsCarryTheBudgets(t *testing.T) {
	start := started()
	f := &events.WorkflowFailed{Metadata: start.Child(events.DefaultIDs().New(), time.Now()), Workflow: start.Workflow,
		Step: "portfolio", Reason: "no price", ErrorType: "X"}
	var got *WorkflowEnd
	read := func(_ context.Context, _ time.Time, end *WorkflowEnd) ([]notify.Budget, error) {
		got = end
		return []notify.Budget{{SLO: "workflow-success", Objective: 99, Period: 30 * 24 * time.Hour, Good: 20, Total: 21}}, nil
	}
	for name, budgets := range map[string]Budgets{"read": read, "failed read": func(context.Context, time.Time, *WorkflowEnd) ([]notify.Budget, error) {
		return nil, errors.New("throttled")
	}} {
		out := &notify.Outbox{Dir: t.TempDir()}
		h := &Notifications{Deps: Deps{Publisher: &bus.Recorder{}}, Notifier: out, Budgets: budgets}
		if err := h.Handle(context.Background(), envelope(t, f)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		texts, _ := filepath.Glob(filepath.Join(out.Dir, "*.txt"))
		if len(texts) != 1 {
			t.Fatalf("%s: %d notifications", name, len(texts))
		}
		b, _ := os.ReadFile(texts[0])
		has := strings.Contains(string(b), "workflow-success (99% over 30 days): -376.2% of the budget remaining, spent")
		if has != (name == "read") {
			t.Errorf("%s: budget shown %v:\n%s", name, has, b)
		}
	}
	if got == nil || got.Completed {
		t.Errorf("the ending workflow given as %+v, want a failed one", got)
	}
}
