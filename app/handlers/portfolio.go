package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/shopspring/decimal"
)

// Portfolio consumes SignalGenerated and publishes RebalancePlanned, or
// WorkflowCompleted when the plan holds everything.
type Portfolio struct {
	Deps
	Broker  broker.Broker
	Planner *portfolio.Planner
}

// Handle implements Func.
func (h *Portfolio) Handle(ctx context.Context, raw json.RawMessage) error {
	_, ev, log, err := received(ctx, h.Deps, "portfolio", raw)
	if err != nil {
		return err
	}
	sig, ok := ev.(*events.SignalGenerated)
	if !ok {
		return &UnexpectedTypeError{Handler: "portfolio", Got: ev.EventType()}
	}
	if !sig.DryRun {
		if why := h.staleness(sig.Workflow, sig.OccurredAt); why != "" {
			return skipStale(ctx, h.Deps, log, &sig.Metadata, sig.Workflow, "", sig.Allocations, why)
		}
	}
	sctx, span := stage(ctx, "portfolio snapshot")
	snap, before, err := snapshot(sctx, h.Broker, symbolsOf(sig.Allocations))
	err = endStage(span, err)
	if err != nil {
		if transient(ctx, err) {
			return fmt.Errorf("could not read the account: %w", err)
		}
		return h.fail(ctx, sig, fmt.Errorf("could not read the account: %w", err))
	}
	_, span = stage(ctx, "portfolio plan")
	plan, err := h.Planner.Plan(sig.CorrelationID, snap, targets(sig.Allocations))
	err = endStage(span, err)
	if err != nil {
		return h.fail(ctx, sig, fmt.Errorf("could not plan the rebalance: %w", err))
	}
	next := h.next(sig, plan, before)
	if err := h.Publisher.Publish(ctx, next); err != nil {
		return fmt.Errorf("could not publish %s: %w", next.EventType(), err)
	}
	log.InfoContext(ctx, "rebalance planned", "plan_id", plan.ID, "only_holds", plan.OnlyHolds(),
		"equity", plan.Equity.String(), "trades", countTrades(plan))
	return nil
}

func (h *Portfolio) next(sig *events.SignalGenerated, plan portfolio.Plan, before events.Portfolio) events.Event {
	meta := sig.Child(h.ids().New(), h.now())
	items := planItems(plan)
	if plan.OnlyHolds() {
		return &events.WorkflowCompleted{
			Metadata: meta, Workflow: sig.Workflow, Outcome: completedOutcome(sig.Workflow, "no_trades"), PlanID: plan.ID,
			Allocations: sig.Allocations, Items: items, Orders: []events.OrderResult{},
			Before: before, After: before,
		}
	}
	return &events.RebalancePlanned{
		Metadata: meta, Workflow: sig.Workflow, PlanID: plan.ID, Allocations: sig.Allocations,
		Before: before, CashReserve: plan.CashReserve, Items: items,
	}
}

func (h *Portfolio) fail(ctx context.Context, sig *events.SignalGenerated, cause error) error {
	f := failed(h.Deps, &sig.Metadata, sig.Workflow, "portfolio", cause)
	h.log().ErrorContext(ctx, "workflow failed", "correlation_id", sig.CorrelationID, "step", f.Step, "error", f.Reason, "error_type", f.ErrorType)
	if err := h.Publisher.Publish(ctx, f); err != nil {
		return fmt.Errorf("could not publish %s: %w", f.EventType(), err)
	}
	return nil
}

// snapshot reads the account, its positions, and a price and the
// fractionability of every held or targeted symbol.
func snapshot(ctx context.Context, b broker.Broker, targeted []string) (portfolio.Snapshot, events.Portfolio, error) {
	acct, err := b.Account(ctx)
	if err != nil {
		return portfolio.Snapshot{}, events.Portfolio{}, err
	}
	positions, err := b.Positions(ctx)
	if err != nil {
		return portfolio.Snapshot{}, events.Portfolio{}, err
	}
	snap := portfolio.Snapshot{
		Equity: acct.Equity, Cash: acct.Cash,
		Positions:    map[string]decimal.Decimal{},
		Prices:       map[string]decimal.Decimal{},
		Fractionable: map[string]bool{},
	}
	symbols := map[string]bool{}
	for _, s := range targeted {
		symbols[s] = true
	}
	for _, p := range positions {
		snap.Positions[p.Symbol] = p.Qty
		symbols[p.Symbol] = true
	}
	for s := range symbols {
		if err := price(ctx, b, s, &snap); err != nil {
			return portfolio.Snapshot{}, events.Portfolio{}, err
		}
	}
	return snap, portfolioOf(acct, positions), nil
}

func price(ctx context.Context, b broker.Broker, symbol string, snap *portfolio.Snapshot) error {
	q, err := b.LatestQuote(ctx, symbol)
	if err != nil {
		return fmt.Errorf("could not quote %s: %w", symbol, err)
	}
	a, err := b.Asset(ctx, symbol)
	if err != nil {
		return fmt.Errorf("could not read asset %s: %w", symbol, err)
	}
	snap.Prices[symbol] = q.Mid()
	snap.Fractionable[symbol] = a.Fractionable
	return nil
}

func portfolioOf(acct broker.Account, positions []broker.Position) events.Portfolio {
	out := events.Portfolio{Equity: acct.Equity, Cash: acct.Cash, Positions: []events.Holding{}}
	for _, p := range positions {
		out.Positions = append(out.Positions, events.Holding{Symbol: p.Symbol, Qty: p.Qty, Value: p.MarketValue})
	}
	sort.Slice(out.Positions, func(i, j int) bool { return out.Positions[i].Symbol < out.Positions[j].Symbol })
	return out
}

func symbolsOf(allocs []events.Allocation) []string {
	out := make([]string, len(allocs))
	for i, a := range allocs {
		out[i] = a.Symbol
	}
	return out
}

func targets(allocs []events.Allocation) []portfolio.Target {
	out := make([]portfolio.Target, len(allocs))
	for i, a := range allocs {
		out[i] = portfolio.Target{Symbol: a.Symbol, Weight: a.Weight}
	}
	return out
}

func planItems(plan portfolio.Plan) []events.PlanItem {
	out := make([]events.PlanItem, len(plan.Items))
	for i, it := range plan.Items {
		out[i] = events.PlanItem{
			Symbol: it.Symbol, Action: string(it.Action), Fractionable: it.Fractionable,
			Price: it.Price, CurrentQty: it.CurrentQty, CurrentValue: it.CurrentValue,
			TargetWeight: it.TargetWeight, TargetValue: it.TargetValue, TradeValue: it.TradeValue, Qty: it.Qty,
		}
	}
	return out
}

func countTrades(plan portfolio.Plan) int {
	n := 0
	for _, it := range plan.Items {
		if string(it.Action) != "HOLD" {
			n++
		}
	}
	return n
}

// completedOutcome is a completed workflow's outcome: events.OutcomeDryRun
// for a dry run, whatever it would have done, else outcome.
func completedOutcome(w events.Workflow, outcome string) string {
	if w.DryRun {
		return events.OutcomeDryRun
	}
	return outcome
}
