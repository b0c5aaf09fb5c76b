package execution

import (
	"context"
	"fmt"
	"sync"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// fakeBroker is an in-memory broker that fills every order at once at the
// quote, honours client order ids like Alpaca, and fails calls on demand.
type fakeBroker struct {
	mu       sync.Mutex
	cash     decimal.Decimal
	prices   map[string]decimal.Decimal
	orders   map[string]broker.Order
	calls    []string                      // "place SYMBOL side", in order
	failNext map[string][]error            // by method name: errors to return first
	status   map[string]broker.OrderStatus // final status by symbol (default filled)
	hang     int                           // PlaceOrder calls to hold open until their context ends
	// onCancelFail changes the order whose cancel failed (by failNext):
	// what happened to it meanwhile.
	onCancelFail func(*broker.Order)
	seq          int
}

var _ broker.Broker = (*fakeBroker)(nil)

func newFake(cash string) *fakeBroker {
	return &fakeBroker{cash: decimal.RequireFromString(cash), orders: map[string]broker.Order{},
		failNext: map[string][]error{}, status: map[string]broker.OrderStatus{},
		prices: map[string]decimal.Decimal{"A": decimal.NewFromInt(10), "B": decimal.NewFromInt(20), "C": decimal.NewFromInt(50)}}
}

func (f *fakeBroker) fail(method string) error {
	if errs := f.failNext[method]; len(errs) > 0 {
		f.failNext[method] = errs[1:]
		return errs[0]
	}
	return nil
}

func (f *fakeBroker) Account(context.Context) (broker.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail("account"); err != nil {
		return broker.Account{}, err
	}
	return broker.Account{Cash: f.cash, BuyingPower: f.cash, Equity: f.cash}, nil
}

func (f *fakeBroker) Positions(context.Context) ([]broker.Position, error) { return nil, nil }

func (f *fakeBroker) Asset(_ context.Context, s string) (broker.Asset, error) {
	return broker.Asset{Symbol: s, Tradable: true, Fractionable: true}, nil
}

func (f *fakeBroker) LatestQuote(_ context.Context, s string) (marketdata.Quote, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail("quote"); err != nil {
		return marketdata.Quote{}, err
	}
	p := f.prices[s]
	return marketdata.Quote{Symbol: s, BidPrice: p, AskPrice: p}, nil
}

func (f *fakeBroker) PlaceOrder(ctx context.Context, req broker.OrderRequest) (broker.Order, error) {
	f.mu.Lock()
	if f.hang > 0 {
		f.hang--
		f.mu.Unlock()
		<-ctx.Done() // a broker that never answers: the caller's context ends the call
		return broker.Order{}, broker.NewTransportError("POST /v2/orders", ctx.Err())
	}
	defer f.mu.Unlock()
	if err := f.fail("place"); err != nil {
		return broker.Order{}, err
	}
	if o, ok := f.orders[req.ClientOrderID]; ok {
		o.Existing = true
		return o, nil
	}
	f.calls = append(f.calls, fmt.Sprintf("place %s %s", req.Symbol, req.Side))
	f.seq++
	status := broker.StatusFilled
	if s, ok := f.status[req.Symbol]; ok {
		status = s
	}
	o := broker.Order{ID: fmt.Sprint(f.seq), ClientOrderID: req.ClientOrderID, Symbol: req.Symbol, Side: req.Side,
		Qty: *req.Qty, Status: status, FilledAvgPrice: f.prices[req.Symbol]}
	if status == broker.StatusPartiallyFilled {
		o.FilledQty = req.Qty.Div(decimal.NewFromInt(2))
	}
	if status == broker.StatusFilled {
		o.FilledQty = *req.Qty
		value := req.Qty.Mul(f.prices[req.Symbol])
		if req.Side == broker.Buy {
			f.cash = f.cash.Sub(value)
		} else {
			f.cash = f.cash.Add(value)
		}
	}
	f.orders[req.ClientOrderID] = o
	return o, nil
}

func (f *fakeBroker) OrderByClientOrderID(_ context.Context, id string) (broker.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return o, &broker.Error{Endpoint: "GET", StatusCode: 404, Err: broker.ErrNotFound}
	}
	return o, nil
}

func (f *fakeBroker) WaitForTerminal(ctx context.Context, id string) (broker.Order, error) {
	o, err := f.OrderByClientOrderID(ctx, id)
	if err != nil || o.Status.Terminal() {
		return o, err
	}
	<-ctx.Done()
	return o, ctx.Err()
}

// CancelOrder cancels an open order as Alpaca does: 422 once it ended,
// 404 for an unknown id; the partial fill stays.
func (f *fakeBroker) CancelOrder(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, o := range f.orders {
		if o.ID != id {
			continue
		}
		if err := f.fail("cancel"); err != nil {
			if f.onCancelFail != nil {
				f.onCancelFail(&o)
				f.orders[k] = o
			}
			return err
		}
		if o.Status.Terminal() {
			return rejected()
		}
		o.Status = broker.StatusCanceled
		f.orders[k] = o
		f.calls = append(f.calls, "cancel "+o.Symbol)
		return nil
	}
	return &broker.Error{Endpoint: "DELETE", StatusCode: 404, Err: broker.ErrNotFound}
}

func (f *fakeBroker) Clock(context.Context) (broker.Clock, error) {
	return broker.Clock{IsOpen: true}, nil
}

func unavailable() error {
	return &broker.Error{Endpoint: "x", StatusCode: 503, Err: broker.ErrUnavailable}
}
func rateLimited() error {
	return &broker.Error{Endpoint: "x", StatusCode: 429, Err: broker.ErrRateLimited}
}
func rejected() error { return &broker.Error{Endpoint: "x", StatusCode: 422, Err: broker.ErrRejected} }
