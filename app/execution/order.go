package execution

import (
	"context"
	"errors"
	"fmt"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// order places one order and waits for it to end.
func (e *Executor) order(ctx context.Context, req Request, it Intent) Outcome {
	out := Outcome{Symbol: it.Symbol, Side: it.Side, Qty: it.Qty,
		ClientOrderID: e.cfg.OrderID(req.CorrelationID, req.PlanID, it.Symbol, it.Side)}
	defer func() { e.cfg.Observer.OrderDone(ctx, out) }()
	var q marketdata.Quote
	n, err := e.call(ctx, EndpointLatestQuote, func(ctx context.Context) (err error) {
		q, err = e.b.LatestQuote(ctx, it.Symbol)
		return err
	})
	out.Attempts += n
	if err != nil {
		out.Err = fmt.Errorf("could not quote %s: %w", it.Symbol, err)
		return out
	}
	var o broker.Order
	n, err = e.call(ctx, EndpointPlaceOrder, func(ctx context.Context) (err error) {
		o, err = e.b.PlaceOrder(ctx, e.request(out.ClientOrderID, it, q))
		return err
	})
	out.Attempts += n
	if err != nil {
		out.Err = fmt.Errorf("could not place %s %s: %w", it.Side, it.Symbol, err)
		return out
	}
	out.OrderID, out.Existing = o.ID, o.Existing
	if o.Qty.IsPositive() {
		out.Qty = o.Qty
	}
	if !o.Status.Terminal() {
		seen, err := e.wait(ctx, out.ClientOrderID)
		if seen.ID != "" {
			o = seen
		}
		if err != nil {
			return e.cancel(ctx, out, o, err)
		}
	}
	out.Status, out.FilledQty, out.FilledAvgPrice = o.Status, o.FilledQty, o.FilledAvgPrice
	if o.Status != broker.StatusFilled {
		out.Err = fmt.Errorf("%w: %s %s ended %s with %s of %s", ErrNotFilled, it.Side, it.Symbol, o.Status, o.FilledQty, o.Qty)
	}
	return out
}

func (e *Executor) wait(ctx context.Context, id string) (broker.Order, error) {
	var o broker.Order
	_, err := e.callWithin(ctx, EndpointOrderByClient, -1, func(ctx context.Context) (err error) {
		wctx, cancel := e.bounded(ctx)
		defer cancel()
		o, err = e.b.WaitForTerminal(wctx, id)
		return err
	})
	return o, err
}

// cancel ends an order the executor stopped watching (waitErr: the
// execution deadline came, or the broker could not be read) so it cannot
// fill later, outside the plan: DELETE, then one short read of how it
// ended (within half the deadline margin, leaving the rest to report).
// A 422 means it ended by itself meanwhile; the read says how.
func (e *Executor) cancel(ctx context.Context, out Outcome, last broker.Order, waitErr error) Outcome {
	out.Status, out.FilledQty, out.FilledAvgPrice = last.Status, last.FilledQty, last.FilledAvgPrice
	out.Err = fmt.Errorf("could not see %s %s end: %w", out.Side, out.Symbol, waitErr)
	out.expired = true
	n, err := e.call(ctx, EndpointCancelOrder, func(ctx context.Context) error { return e.b.CancelOrder(ctx, out.OrderID) })
	out.Attempts += n
	if err != nil && !errors.Is(err, broker.ErrRejected) {
		out.Err = errors.Join(out.Err, fmt.Errorf("could not cancel %s %s: %w", out.Side, out.Symbol, err))
		return out
	}
	rctx, stop := context.WithTimeout(ctx, e.cfg.DeadlineMargin/2)
	defer stop()
	o, err := e.b.WaitForTerminal(rctx, out.ClientOrderID)
	if o.ID != "" {
		out.Status, out.FilledQty, out.FilledAvgPrice = o.Status, o.FilledQty, o.FilledAvgPrice
	}
	switch {
	case err != nil:
		out.Err = errors.Join(out.Err, fmt.Errorf("could not see %s %s end after the cancel: %w", out.Side, out.Symbol, err))
	case o.Status == broker.StatusFilled:
		out.Err = nil // the fill came before the cancel
	case o.Status == broker.StatusCanceled:
		out.Canceled, out.expired = true, true
		out.Err = fmt.Errorf("%w: %s %s with %s of %s filled", ErrCanceled, out.Side, out.Symbol, o.FilledQty, out.Qty)
	default:
		out.Err = fmt.Errorf("%w: %s %s ended %s with %s of %s", ErrNotFilled, out.Side, out.Symbol, o.Status, o.FilledQty, out.Qty)
	}
	return out
}

// bounded is ctx with its deadline moved earlier by the margin.
func (e *Executor) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok {
		return context.WithDeadline(ctx, dl.Add(-e.cfg.DeadlineMargin))
	}
	return context.WithCancel(ctx)
}

func (e *Executor) request(id string, it Intent, q marketdata.Quote) broker.OrderRequest {
	qty := it.Qty
	req := broker.OrderRequest{ClientOrderID: id, Symbol: it.Symbol, Side: it.Side, Type: e.cfg.OrderType,
		TimeInForce: "day", Qty: &qty}
	if e.cfg.OrderType == broker.Limit {
		p := LimitPrice(it.Side, q, e.cfg.SlippageBps)
		req.LimitPrice = &p
	}
	return req
}

// LimitPrice is a marketable limit price capped at bps beyond the quote:
// buys at ask × (1 + bps), rounded down to the tick; sells at
// bid × (1 − bps), rounded up. The tick is $0.01 at or above $1 and
// $0.0001 below, as for US equities (SEC Rule 612).
func LimitPrice(side broker.Side, q marketdata.Quote, bps int) decimal.Decimal {
	k := decimal.NewFromInt(int64(bps)).Div(decimal.NewFromInt(10000))
	if side == broker.Buy {
		p := q.AskPrice.Mul(decimal.NewFromInt(1).Add(k))
		return p.RoundDown(tickPlaces(p))
	}
	p := q.BidPrice.Mul(decimal.NewFromInt(1).Sub(k))
	return p.RoundUp(tickPlaces(p))
}

func tickPlaces(p decimal.Decimal) int32 {
	if p.LessThan(decimal.NewFromInt(1)) {
		return 4
	}
	return 2
}
