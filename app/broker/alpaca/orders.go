package alpaca

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/alchemiser/alchemiser/app/broker"
	alp "github.com/alpacahq/alpaca-trade-api-go/v3/alpaca"
)

// PlaceOrder implements broker.Broker. A client order id Alpaca already
// knows returns the existing order with Existing set.
func (a *Adapter) PlaceOrder(ctx context.Context, req broker.OrderRequest) (broker.Order, error) {
	tif := alp.TimeInForce(req.TimeInForce)
	if tif == "" {
		tif = alp.Day
	}
	o, err := a.client(ctx, "POST /v2/orders").PlaceOrder(alp.PlaceOrderRequest{
		Symbol: req.Symbol, Qty: req.Qty, Notional: req.Notional, Side: alp.Side(req.Side),
		Type: alp.OrderType(req.Type), TimeInForce: tif, LimitPrice: req.LimitPrice,
		ClientOrderID: req.ClientOrderID,
	})
	if err == nil {
		return order(o), nil
	}
	if !isDuplicate(err) || req.ClientOrderID == "" {
		return broker.Order{}, wrap("POST /v2/orders", err)
	}
	existing, err := a.OrderByClientOrderID(ctx, req.ClientOrderID)
	if err != nil {
		return broker.Order{}, fmt.Errorf("could not fetch order %s after a duplicate submission: %w", req.ClientOrderID, err)
	}
	existing.Existing = true
	return existing, nil
}

// isDuplicate recognises Alpaca's answer to a reused client_order_id.
func isDuplicate(err error) bool {
	var api *alp.APIError
	return errors.As(err, &api) && api.StatusCode == 422 && strings.Contains(api.Message, "client_order_id must be unique")
}

// OrderByClientOrderID implements broker.Broker.
func (a *Adapter) OrderByClientOrderID(ctx context.Context, id string) (broker.Order, error) {
	o, err := a.client(ctx, "GET /v2/orders:by_client_order_id").GetOrderByClientOrderID(id)
	if err != nil {
		return broker.Order{}, wrap("GET /v2/orders:by_client_order_id", err)
	}
	return order(o), nil
}

// WaitForTerminal implements broker.Broker: it polls every PollInterval
// until the order is terminal or ctx ends, returning the last state seen.
func (a *Adapter) WaitForTerminal(ctx context.Context, id string) (broker.Order, error) {
	for {
		o, err := a.OrderByClientOrderID(ctx, id)
		if err != nil || o.Status.Terminal() {
			return o, err
		}
		if err := a.cfg.Sleep(ctx, a.cfg.PollInterval); err != nil {
			return o, fmt.Errorf("could not wait for order %s (last status %s): %w", id, o.Status, err)
		}
	}
}

// CancelOrder implements broker.Broker with DELETE /v2/orders/{id}:
// Alpaca answers 204 when it accepts the cancel request, 422 when the
// order is no longer cancelable (filled, say) and 404 for an unknown id;
// the order passes through pending_cancel to canceled
// (https://docs.alpaca.markets/reference/cancel-an-order-by-id).
func (a *Adapter) CancelOrder(ctx context.Context, id string) error {
	if err := a.client(ctx, "DELETE /v2/orders/{id}").CancelOrder(id); err != nil {
		return wrap("DELETE /v2/orders/{id}", err)
	}
	return nil
}

func order(o *alp.Order) broker.Order {
	out := broker.Order{
		ID: o.ID, ClientOrderID: o.ClientOrderID, Symbol: o.Symbol, Side: broker.Side(o.Side),
		Type: broker.OrderType(o.Type), Qty: deref(o.Qty), Notional: deref(o.Notional),
		LimitPrice: deref(o.LimitPrice), FilledQty: o.FilledQty, FilledAvgPrice: deref(o.FilledAvgPrice),
		Status: broker.OrderStatus(o.Status), SubmittedAt: o.SubmittedAt,
	}
	if o.FilledAt != nil {
		out.FilledAt = *o.FilledAt
	}
	return out
}
