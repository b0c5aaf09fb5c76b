package execution

import (
	"context"
	"errors"
	"fmt"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// fitBuys scales buys down to the buying power left after the sells.
// Buys the broker already has (a retried invocation) are kept as they are
// and do not count against the buying power, which already reflects them.
// Buys that scale to nothing are returned as failed outcomes.
func (e *Executor) fitBuys(ctx context.Context, req Request, buys []Intent) ([]Intent, []Outcome, error) {
	var acct broker.Account
	if _, err := e.call(ctx, EndpointAccount, func(ctx context.Context) (err error) {
		acct, err = e.b.Account(ctx)
		return err
	}); err != nil {
		return buys, nil, fmt.Errorf("could not read buying power: %w", err)
	}
	needed := decimal.Zero
	for _, it := range buys {
		needed = needed.Add(it.Qty.Mul(e.priceCap(it)))
	}
	if needed.LessThanOrEqual(acct.BuyingPower) {
		return buys, nil, nil
	}
	fresh, existing, err := e.splitExisting(ctx, req, buys)
	if err != nil {
		return buys, nil, err
	}
	if len(fresh) == 0 {
		return existing, nil, nil
	}
	needed = decimal.Zero
	for _, it := range fresh {
		needed = needed.Add(it.Qty.Mul(e.priceCap(it)))
	}
	kept, skipped := scale(req, fresh, needed, acct.BuyingPower)
	return append(existing, kept...), skipped, nil
}

// priceCap is the most a buy may cost per share: the planner's price with
// the slippage cap, which bounds the limit price.
func (e *Executor) priceCap(it Intent) decimal.Decimal {
	return LimitPrice(broker.Buy, marketdata.Quote{AskPrice: it.RefPrice}, e.cfg.SlippageBps)
}

func (e *Executor) splitExisting(ctx context.Context, req Request, buys []Intent) (fresh, existing []Intent, err error) {
	for _, it := range buys {
		id := e.cfg.OrderID(req.CorrelationID, req.PlanID, it.Symbol, it.Side)
		_, err := e.call(ctx, EndpointOrderByClient, func(ctx context.Context) error {
			_, err := e.b.OrderByClientOrderID(ctx, id)
			return err
		})
		switch {
		case err == nil:
			existing = append(existing, it)
		case errors.Is(err, broker.ErrNotFound):
			fresh = append(fresh, it)
		default:
			return nil, nil, fmt.Errorf("could not look up order %s: %w", id, err)
		}
	}
	return fresh, existing, nil
}

func scale(req Request, buys []Intent, needed, available decimal.Decimal) ([]Intent, []Outcome) {
	factor := decimal.Zero
	if available.IsPositive() && needed.IsPositive() {
		factor = available.DivRound(needed, 16)
	}
	var kept []Intent
	var skipped []Outcome
	for _, it := range buys {
		qty := it.Qty.Mul(factor).RoundDown(9)
		if !it.Fractionable {
			qty = qty.RoundDown(0)
		}
		if qty.IsPositive() {
			it.Qty = qty
			kept = append(kept, it)
			continue
		}
		skipped = append(skipped, Outcome{Symbol: it.Symbol, Side: it.Side, Qty: it.Qty,
			ClientOrderID: ClientOrderID(req.CorrelationID, req.PlanID, it.Symbol, it.Side),
			Err:           fmt.Errorf("%w: buy of %s %s scaled to nothing (buying power %s)", ErrNoBuyingPower, it.Qty, it.Symbol, available.StringFixed(2))})
	}
	return kept, skipped
}
