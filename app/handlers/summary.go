package handlers

import (
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/notify"
)

func completedSummary(e *events.WorkflowCompleted) notify.Summary {
	before, after := notifyPortfolio(e.Before), notifyPortfolio(e.After)
	s := notify.Summary{
		CorrelationID: e.CorrelationID, Status: "completed", Outcome: e.Outcome, Trading: completedTrading(e.Outcome),
		TradingDate: e.TradingDate, StartedAt: e.StartedAt, EndedAt: e.OccurredAt,
		Allocations: notifyAllocations(e.Allocations), Plan: notifyPlan(e.Items),
		Orders: notifyOrders(e.Orders), Before: &before, After: &after,
	}
	if e.Outcome == events.OutcomeMarketClosed { // the account was not read
		s.Before, s.After = nil, nil
	}
	return s
}

func failedSummary(e *events.WorkflowFailed) notify.Summary {
	return notify.Summary{
		CorrelationID: e.CorrelationID, Status: "failed", FailedStep: e.Step, Reason: e.Reason, Trading: failedTrading(e.Step),
		ErrorType: e.ErrorType, TradingDate: e.TradingDate, StartedAt: e.StartedAt, EndedAt: e.OccurredAt,
		Orders: notifyOrders(e.Orders),
	}
}

// completedTrading is what the kill switch said, by the outcome: a
// workflow that traded found trading enabled; no_trades, stale_skipped
// and dry runs say nothing of it.
func completedTrading(outcome string) string {
	switch outcome {
	case events.OutcomeHalted:
		return "halted"
	case "rebalanced":
		return "enabled"
	}
	return ""
}

// failedTrading: a failure at execution came past the kill switch; one
// at kill_switch is an unrecognised value, which halts.
func failedTrading(step string) string {
	switch step {
	case "kill_switch":
		return "halted"
	case "execution":
		return "enabled"
	}
	return ""
}

func notifyAllocations(in []events.Allocation) []notify.Allocation {
	out := make([]notify.Allocation, len(in))
	for i, a := range in {
		out[i] = notify.Allocation{Symbol: a.Symbol, Weight: a.Weight}
	}
	return out
}

func notifyPlan(in []events.PlanItem) []notify.PlanLine {
	out := make([]notify.PlanLine, len(in))
	for i, p := range in {
		out[i] = notify.PlanLine{Symbol: p.Symbol, Action: p.Action, Qty: p.Qty, Price: p.Price,
			TradeValue: p.TradeValue, CurrentValue: p.CurrentValue, TargetValue: p.TargetValue}
	}
	return out
}

func notifyOrders(in []events.OrderResult) []notify.OrderLine {
	out := make([]notify.OrderLine, len(in))
	for i, o := range in {
		out[i] = notify.OrderLine{Symbol: o.Symbol, Side: o.Side, ClientOrderID: o.ClientOrderID, Status: o.Status,
			Error: o.Error, Qty: o.Qty, FilledQty: o.FilledQty, FilledAvgPrice: o.FilledAvgPrice}
	}
	return out
}

func notifyPortfolio(p events.Portfolio) notify.Portfolio {
	out := notify.Portfolio{Equity: p.Equity, Cash: p.Cash}
	for _, h := range p.Positions {
		out.Positions = append(out.Positions, notify.Holding{Symbol: h.Symbol, Qty: h.Qty, Value: h.Value})
	}
	return out
}
