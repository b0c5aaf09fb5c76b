package handlers

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/shopspring/decimal"
)

// buyPlan is a plan of sig's workflow buying 2 SPY, made at made.
func buyPlan(sig *events.SignalGenerated, made time.Time) *events.RebalancePlanned {
	return &events.RebalancePlanned{Metadata: sig.Child(events.DefaultIDs().New(), made), Workflow: sig.Workflow,
		PlanID: "p1", Allocations: sig.Allocations, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(2), Price: decimal.NewFromInt(500), Fractionable: true}}}
}

// A RebalancePlanned of another session (a redrive of yesterday's dead
// letter) or older than StaleAfter is refused before any broker call:
// the workflow completes with outcome stale_skipped and no order.
func TestAStalePlanIsRefusedBeforeAnyOrder(t *testing.T) {
	now := time.Now()
	nextDay := func() time.Time { return session().AddDate(0, 0, 1) }
	for name, tc := range map[string]struct {
		session func() time.Time
		made    time.Time
	}{
		"yesterday's plan": {nextDay, now},
		"an old plan":      {session, now.Add(-StaleAfter - time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			b := exchangeBroker(t, "10000", nil)
			exec, _ := execution.New(b, execution.Config{})
			rec := &bus.Recorder{}
			h := &Execution{Deps: Deps{Publisher: rec, Session: tc.session, Now: func() time.Time { return now }}, Broker: b, Executor: exec}
			if err := h.Handle(context.Background(), envelope(t, buyPlan(signal(map[string]string{"SPY": "1"}), tc.made))); err != nil {
				t.Fatal(err)
			}
			staleSkipped(t, rec)
			if pos, err := b.Positions(context.Background()); err != nil || len(pos) != 0 {
				t.Errorf("positions %v (%v): a stale plan traded", pos, err)
			}
		})
	}
	// The same plan, on its own session and fresh, trades.
	b := exchangeBroker(t, "10000", nil)
	exec, _ := execution.New(b, execution.Config{})
	rec := &bus.Recorder{}
	h := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec}
	if err := h.Handle(context.Background(), envelope(t, buyPlan(signal(map[string]string{"SPY": "1"}), now))); err != nil {
		t.Fatal(err)
	}
	if done := rec.OfType(events.TypeWorkflowCompleted); len(done) != 1 || done[0].(*events.WorkflowCompleted).Outcome != "rebalanced" {
		t.Errorf("published %v, want the fresh plan rebalanced", rec.Events())
	}
}

// A SignalGenerated of another session is refused at the portfolio step,
// before the account is even read.
func TestAStaleSignalIsNotPlanned(t *testing.T) {
	planner, _ := portfolio.New(portfolio.Config{})
	rec := &bus.Recorder{}
	h := &Portfolio{Deps: Deps{Publisher: rec, Session: func() time.Time { return session().AddDate(0, 0, 3) }},
		Broker: unreadable{}, Planner: planner}
	if err := h.Handle(context.Background(), envelope(t, signal(map[string]string{"SPY": "1"}))); err != nil {
		t.Fatal(err)
	}
	staleSkipped(t, rec)
}

// staleSkipped checks that rec holds one event, a WorkflowCompleted with
// outcome stale_skipped that decodes as the notifications function reads
// it.
func staleSkipped(t *testing.T, rec *bus.Recorder) {
	t.Helper()
	done := rec.OfType(events.TypeWorkflowCompleted)
	if len(rec.Events()) != 1 || len(done) != 1 || done[0].(*events.WorkflowCompleted).Outcome != events.OutcomeStaleSkipped {
		t.Fatalf("published %v, want one WorkflowCompleted, stale_skipped", rec.Events())
	}
	if _, _, err := events.Decode(envelope(t, done[0])); err != nil {
		t.Errorf("the workflow's end does not decode: %v", err)
	}
}

// An order still open at the execution deadline is cancelled on the
// paper exchange (DELETE /v2/orders/{id}) and reported canceled, in
// TradeExecuted and the workflow's end; a partial fill is kept. The
// deadline is the invocation's, on the bubble's clock.
func TestAnOrderOpenAtTheDeadlineIsCanceledAndReported(t *testing.T) {
	for _, partial := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			ds, _ := marketdata.Synthetic()
			x, _ := paper.New(paper.Config{Dataset: ds, Day: day})
			_ = x.AddAccount("K", "S", paper.AccountConfig{Cash: decimal.NewFromInt(10000)})
			if partial {
				x.PartialFill("SPY", decimal.RequireFromString("0.5"))
			} else {
				x.RestOrders("SPY")
			}
			ln := memnet.Listen()
			url := x.StartOn(ln)
			defer x.Close()
			b := alpaca.New(alpaca.Config{BaseURL: url, DataURL: url, KeyID: "K", Secret: "S",
				HTTPClient: &http.Client{Transport: ln.Transport()}})
			exec, _ := execution.New(b, execution.Config{})
			rec := &bus.Recorder{}
			h := &Execution{Deps: Deps{Publisher: rec, Session: session}, Broker: b, Executor: exec}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := h.Handle(ctx, envelope(t, buyPlan(signal(map[string]string{"SPY": "1"}), time.Now()))); err != nil {
				t.Fatal(err)
			}
			trade, fail := rec.OfType(events.TypeTradeExecuted), rec.OfType(events.TypeWorkflowFailed)
			if len(trade) != 1 || len(fail) != 1 {
				t.Fatalf("published %v, want TradeExecuted and WorkflowFailed", rec.Events())
			}
			want := "0"
			if partial {
				want = "1"
			}
			o := trade[0].(*events.TradeExecuted).Orders[0]
			if o.Status != string(broker.StatusCanceled) || !o.FilledQty.Equal(decimal.RequireFromString(want)) || o.Error == "" {
				t.Errorf("order %+v, want canceled with %s filled", o, want)
			}
			if f := fail[0].(*events.WorkflowFailed); len(f.Orders) != 1 || f.Orders[0].Status != "canceled" {
				t.Errorf("workflow end %+v, want the canceled order in it", f)
			}
			if got := x.Orders("K"); len(got) != 1 || got[0].Status != "canceled" {
				t.Errorf("exchange orders %+v, want one, canceled", got)
			}
			pos, err := b.Positions(context.Background())
			if partial && (err != nil || len(pos) != 1 || !pos[0].Qty.Equal(decimal.NewFromInt(1))) || !partial && len(pos) != 0 {
				t.Errorf("positions %+v (%v), want the partial fill kept and nothing else", pos, err)
			}
		})
	}
}
