package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/internal/errtype"
)

// Execution consumes RebalancePlanned, places the orders (sells, then
// buys), and publishes TradeExecuted together with the workflow's end:
// WorkflowCompleted when every order filled, WorkflowFailed otherwise.
// Before any broker call it ends the workflow completed, placing
// nothing, when the plan is stale (outcome events.OutcomeStaleSkipped,
// see StaleAfter) or trading is halted (outcome events.OutcomeHalted).
//
// A second delivery of the same event places no new order: client order
// ids are derived from the correlation id, plan id, symbol and side, and
// the broker returns the existing order for a known id.
type Execution struct {
	Deps
	Broker   broker.Broker
	Executor *execution.Executor
	// TradingEnabled is the kill switch, read before every plan (in AWS
	// the SSM parameter of template.yaml, read by TradingEnabledValue's
	// rule). "false" is the owner's decision: the plan is not executed
	// and the workflow completes with outcome "halted". A value that is
	// neither (a *KillSwitchValueError) also places nothing, but fails
	// the workflow at step "kill_switch": it is a misconfiguration
	// someone must fix, so it pages. Any other error is returned, so
	// Lambda retries rather than trade blind. Nil means trading is
	// enabled.
	TradingEnabled func(ctx context.Context) (bool, error)
}

// ErrTradingDisabled is the cause of a workflow stopped by an
// unrecognised kill switch value.
var ErrTradingDisabled = errors.New("trading is disabled by the kill switch")

// tradingState reads the kill switch: whether trading is halted, the
// cause when its value is unrecognised (halted too), or the error that
// kept it from being read.
func (h *Execution) tradingState(ctx context.Context) (halted bool, invalid, err error) {
	if h.TradingEnabled == nil {
		return false, nil, nil
	}
	on, err := h.TradingEnabled(ctx)
	var bad *KillSwitchValueError
	switch {
	case errors.As(err, &bad): // fails closed
		return true, fmt.Errorf("%w: %w", err, ErrTradingDisabled), nil
	case err != nil:
		return false, nil, err
	}
	return !on, nil, nil
}

// Handle implements Func.
func (h *Execution) Handle(ctx context.Context, raw json.RawMessage) error {
	_, ev, log, err := received(ctx, h.Deps, "execution", raw)
	if err != nil {
		return err
	}
	plan, ok := ev.(*events.RebalancePlanned)
	if !ok {
		return &UnexpectedTypeError{Handler: "execution", Got: ev.EventType()}
	}
	if !plan.DryRun { // a dry run places no order, whenever it comes
		if why := h.staleness(plan.Workflow, plan.OccurredAt); why != "" {
			return skipStale(ctx, h.Deps, log, &plan.Metadata, plan.Workflow, plan.PlanID, plan.Allocations, why)
		}
	}
	halted, invalid, err := h.tradingState(ctx)
	if err != nil { // cannot tell: retry rather than trade blind
		return fmt.Errorf("could not read the kill switch: %w", err)
	}
	switch {
	case plan.DryRun:
		return h.dryRun(ctx, plan, halted, log)
	case invalid != nil:
		log.ErrorContext(ctx, "kill switch value not recognised: plan not executed", "plan_id", plan.PlanID, "error", invalid.Error(),
			"error_type", errtype.Of(invalid))
		end := failed(h.Deps, &plan.Metadata, plan.Workflow, "kill_switch", invalid)
		if err := h.Publisher.Publish(ctx, end); err != nil {
			return fmt.Errorf("could not publish %s: %w", end.EventType(), err)
		}
		return nil
	case halted:
		return h.halt(ctx, plan, log)
	}
	ectx, cancel, err := h.sessionBound(ctx, plan, log)
	if err != nil {
		return err
	}
	defer cancel()
	if ectx == nil { // the session has closed: the workflow has ended
		return nil
	}
	ectx, span := stage(ectx, "execution execute")
	report, err := h.Executor.Execute(ectx, request(plan))
	err = endStage(span, err)
	if err != nil {
		// Execute fails as a whole only when it could not proceed (breaker
		// open, deadline, account unreadable): a retry of the invocation
		// resumes safely thanks to the client order ids.
		log.WarnContext(ctx, "execution interrupted", "plan_id", plan.PlanID, "error", err.Error(), "error_type", errtype.Of(err))
		return fmt.Errorf("could not execute plan %s: %w", plan.PlanID, err)
	}
	after, err := h.after(ctx)
	if err != nil {
		return fmt.Errorf("could not read the account after execution: %w", err)
	}
	for _, o := range report.Orders {
		args := []any{"plan_id", plan.PlanID, "symbol", o.Symbol, "side", string(o.Side), "qty", o.Qty.String(),
			"filled_qty", o.FilledQty.String(), "status", string(o.Status), "client_order_id", o.ClientOrderID, "attempts", o.Attempts}
		if o.Err != nil {
			log.WarnContext(ctx, "order failed", append(args, "error", o.Err.Error(), "error_type", errtype.Of(o.Err))...)
			continue
		}
		log.InfoContext(ctx, "order done", args...)
	}
	trade := h.traded(plan, report)
	end := h.end(plan, trade, after)
	if err := h.Publisher.Publish(ctx, trade, end); err != nil {
		return fmt.Errorf("could not publish %s: %w", trade.EventType(), err)
	}
	log.InfoContext(ctx, "trades executed", "plan_id", plan.PlanID, "orders_submitted", trade.Submitted,
		"orders_filled", trade.Filled, "failed_symbols", strings.Join(trade.FailedSymbols, ","), "outcome", end.EventType())
	return nil
}

// sessionBound is ctx bounded by the plan's session close (untilClose).
// After the close it places nothing: it fails the workflow at step
// execution and returns a nil context, or the error of that publish.
func (h *Execution) sessionBound(ctx context.Context, plan *events.RebalancePlanned, log *slog.Logger) (context.Context, context.CancelFunc, error) {
	bounded, cancel, left, err := untilClose(ctx, h.Deps, plan.Workflow)
	if err != nil {
		log.WarnContext(ctx, "session closed: plan not executed", "plan_id", plan.PlanID, "session_close",
			plan.SessionClose.UTC().Format(time.RFC3339), "error_type", "SessionClosed")
		end := failed(h.Deps, &plan.Metadata, plan.Workflow, "execution", err)
		end.ErrorType = "SessionClosed"
		if err := h.Publisher.Publish(ctx, end); err != nil {
			return nil, cancel, fmt.Errorf("could not publish %s: %w", end.EventType(), err)
		}
		return nil, cancel, nil
	}
	if binds(ctx, bounded) {
		log.InfoContext(ctx, "execution bounded by the session close", "plan_id", plan.PlanID,
			"session_close", plan.SessionClose.UTC().Format(time.RFC3339), "until_close_s", left.Seconds())
	}
	return bounded, cancel, nil
}

// binds reports whether bounded ends before ctx does.
func binds(ctx, bounded context.Context) bool {
	dl, ok := bounded.Deadline()
	orig, had := ctx.Deadline()
	return ok && (!had || dl.Before(orig))
}

func request(plan *events.RebalancePlanned) execution.Request {
	req := execution.Request{CorrelationID: plan.CorrelationID, PlanID: plan.PlanID}
	for _, it := range plan.Items {
		var side broker.Side
		switch it.Action {
		case "BUY":
			side = broker.Buy
		case "SELL":
			side = broker.Sell
		default:
			continue
		}
		req.Items = append(req.Items, execution.Intent{
			Symbol: it.Symbol, Side: side, Qty: it.Qty, Fractionable: it.Fractionable, RefPrice: it.Price,
		})
	}
	return req
}

func (h *Execution) traded(plan *events.RebalancePlanned, r execution.Report) *events.TradeExecuted {
	t := &events.TradeExecuted{
		Metadata: plan.Child(h.ids().New(), h.now()), Workflow: plan.Workflow, PlanID: plan.PlanID,
		Orders: make([]events.OrderResult, 0, len(r.Orders)), FailedSymbols: append([]string{}, r.Failed...),
		Submitted: r.Submitted, Filled: r.Filled,
	}
	for _, o := range r.Orders {
		t.Orders = append(t.Orders, orderResult(o))
	}
	return t
}

func orderResult(o execution.Outcome) events.OrderResult {
	res := events.OrderResult{
		Symbol: o.Symbol, Side: string(o.Side), ClientOrderID: o.ClientOrderID, OrderID: o.OrderID,
		Status: string(o.Status), Qty: o.Qty, FilledQty: o.FilledQty, FilledAvgPrice: o.FilledAvgPrice,
	}
	if o.Err != nil {
		res.Error = o.Err.Error()
	}
	return res
}

// end is caused by the TradeExecuted event, whose result it reports.
func (h *Execution) end(plan *events.RebalancePlanned, t *events.TradeExecuted, after events.Portfolio) events.Event {
	meta := t.Child(h.ids().New(), h.now())
	if len(t.FailedSymbols) > 0 {
		return &events.WorkflowFailed{
			Metadata: meta, Workflow: plan.Workflow, Step: "execution",
			Reason:    fmt.Sprintf("%d of %d orders did not fill: %s", len(t.FailedSymbols), len(t.Orders), strings.Join(t.FailedSymbols, ", ")),
			ErrorType: "OrdersNotFilled", PlanID: plan.PlanID, Orders: t.Orders, Submitted: t.Submitted, Filled: t.Filled,
		}
	}
	return &events.WorkflowCompleted{
		Metadata: meta, Workflow: plan.Workflow, Outcome: "rebalanced", PlanID: plan.PlanID,
		Allocations: plan.Allocations, Items: plan.Items, Orders: t.Orders,
		Submitted: t.Submitted, Filled: t.Filled, Before: plan.Before, After: after,
	}
}

func (h *Execution) after(ctx context.Context) (events.Portfolio, error) {
	acct, err := h.Broker.Account(ctx)
	if err != nil {
		return events.Portfolio{}, err
	}
	positions, err := h.Broker.Positions(ctx)
	if err != nil {
		return events.Portfolio{}, err
	}
	return portfolioOf(acct, positions), nil
}

// halt ends a workflow whose plan the kill switch kept from trading:
// completed with outcome events.OutcomeHalted, the plan in it for the
// summary, no order and no broker call.
func (h *Execution) halt(ctx context.Context, plan *events.RebalancePlanned, log *slog.Logger) error {
	log.InfoContext(ctx, "trading halted: plan not executed", "plan_id", plan.PlanID, "trades", len(request(plan).Items))
	end := &events.WorkflowCompleted{
		Metadata: plan.Child(h.ids().New(), h.now()), Workflow: plan.Workflow, Outcome: events.OutcomeHalted,
		PlanID: plan.PlanID, Allocations: plan.Allocations, Items: plan.Items, Orders: []events.OrderResult{},
		Before: plan.Before, After: plan.Before,
	}
	if err := h.Publisher.Publish(ctx, end); err != nil {
		return fmt.Errorf("could not publish %s: %w", end.EventType(), err)
	}
	return nil
}

// dryRun ends a dry-run workflow (trigger verify) without placing an
// order. It makes the calls execution makes before its first order, all
// of them reads: the account and positions, and the latest quote of each
// symbol the plan would trade (of its first allocation when it trades
// none). A dry run so proves the path up to the broker, credentials and
// market data included, and its BrokerLatency lines are what the
// dashboards chart. A broker that cannot be read fails the workflow at
// step execution, naming the call. The workflow completes with outcome
// events.OutcomeDryRun whether trading is halted or not.
func (h *Execution) dryRun(ctx context.Context, plan *events.RebalancePlanned, halted bool, log *slog.Logger) error {
	trades := request(plan).Items
	rctx, span := stage(ctx, "execution dry run")
	after, err := h.dryRunReads(rctx, plan, trades)
	err = endStage(span, err)
	var end events.Event
	if err != nil {
		log.WarnContext(ctx, "dry run: the broker could not be read", "plan_id", plan.PlanID, "error", err.Error(), "error_type", errtype.Of(err))
		end = failed(h.Deps, &plan.Metadata, plan.Workflow, "execution", err)
	} else {
		log.InfoContext(ctx, "dry run: plan not executed", "plan_id", plan.PlanID, "trading_enabled", !halted,
			"trades", len(trades))
		end = &events.WorkflowCompleted{
			Metadata: plan.Child(h.ids().New(), h.now()), Workflow: plan.Workflow, Outcome: events.OutcomeDryRun,
			PlanID: plan.PlanID, Allocations: plan.Allocations, Items: plan.Items, Orders: []events.OrderResult{},
			Before: plan.Before, After: after,
		}
	}
	if err := h.Publisher.Publish(ctx, end); err != nil {
		return fmt.Errorf("could not publish %s: %w", end.EventType(), err)
	}
	return nil
}

// dryRunReads makes execution's reads before its first order
// (execution.Executor.Check) and reads the portfolio as it stands.
func (h *Execution) dryRunReads(ctx context.Context, plan *events.RebalancePlanned, trades []execution.Intent) (events.Portfolio, error) {
	var symbols []string
	for _, it := range trades {
		symbols = append(symbols, it.Symbol)
	}
	if len(symbols) == 0 && len(plan.Allocations) > 0 {
		symbols = []string{plan.Allocations[0].Symbol}
	}
	if err := h.Executor.Check(ctx, symbols); err != nil {
		return events.Portfolio{}, err
	}
	after, err := h.after(ctx)
	if err != nil {
		return events.Portfolio{}, fmt.Errorf("could not read the account: %w", err)
	}
	return after, nil
}
