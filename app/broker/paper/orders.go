package paper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/shopspring/decimal"
)

// maxOrderBody bounds an order request; Alpaca's are a few hundred bytes.
const maxOrderBody = 64 << 10

// rejection is an order the exchange refuses, with Alpaca's status and code.
type rejection struct {
	status, code int
	msg          string
}

func reject(status, code int, format string, args ...any) *rejection {
	return &rejection{status, code, fmt.Sprintf(format, args...)}
}

func (x *Exchange) postOrder(w http.ResponseWriter, r *http.Request) {
	req, rej := decodeOrder(r.Body)
	if rej == nil {
		var o *Order
		if o, rej = x.place(accountOf(r), req); rej == nil {
			x.mu.Lock()
			j := x.orderJSON(o)
			x.mu.Unlock()
			writeJSON(w, http.StatusOK, j)
			return
		}
	}
	writeError(w, rej.status, rej.code, "%s", rej.msg)
}

// decodeOrder reads and checks the shape of an order request.
func decodeOrder(body io.Reader) (orderRequest, *rejection) {
	var req orderRequest
	raw, err := io.ReadAll(io.LimitReader(body, maxOrderBody+1))
	if err != nil || len(raw) > maxOrderBody {
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "request body too large or unreadable")
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "invalid order request: %v", err)
	}
	switch {
	case req.Symbol == "":
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "symbol is required")
	case req.Side != "buy" && req.Side != "sell":
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "invalid side %q", req.Side)
	case req.Type != "market" && req.Type != "limit":
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "invalid order type %q", req.Type)
	case (req.Qty == nil) == (req.Notional == nil):
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "qty or notional is required, not both")
	case req.Qty != nil && !req.Qty.IsPositive(), req.Notional != nil && !req.Notional.IsPositive():
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "qty and notional must be > 0")
	case req.Type == "limit" && (req.LimitPrice == nil || !req.LimitPrice.IsPositive()):
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "limit_price is required for limit orders")
	case len(req.ClientOrderID) > 128:
		return req, reject(http.StatusUnprocessableEntity, codeInvalid, "client_order_id must be at most 128 characters")
	}
	if req.TimeInForce == "" {
		req.TimeInForce = "day"
	}
	return req, nil
}

// place validates req against the account and the market, then books it.
func (x *Exchange) place(a *account, req orderRequest) (*Order, *rejection) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if req.ClientOrderID != "" {
		if _, dup := a.byClient[req.ClientOrderID]; dup {
			return nil, reject(http.StatusUnprocessableEntity, codeInvalid, "client_order_id must be unique")
		}
	}
	q, err := x.cfg.Dataset.At(x.day).LatestQuote(context.Background(), req.Symbol)
	if err != nil {
		return nil, reject(http.StatusUnprocessableEntity, codeInvalid, "asset %s not found", req.Symbol)
	}
	frac := x.cfg.Dataset.Fractionable(req.Symbol)
	if !frac && (req.Notional != nil || !req.Qty.Equal(req.Qty.Truncate(0))) {
		return nil, reject(http.StatusUnprocessableEntity, codeInvalid, "fractional orders are not supported for %s", req.Symbol)
	}
	price := q.AskPrice
	if req.Side == "sell" {
		price = q.BidPrice
	}
	var qty decimal.Decimal
	if req.Qty != nil {
		qty = *req.Qty
	} else {
		qty = req.Notional.Div(price).RoundDown(9)
	}
	if rej := x.affordable(a, req, qty, price); rej != nil {
		return nil, rej
	}
	o := x.book(a, req, qty, price)
	return o, nil
}

func (x *Exchange) affordable(a *account, req orderRequest, qty, price decimal.Decimal) *rejection {
	if req.Side == "buy" {
		cost := qty.Mul(price)
		if req.Type == "limit" {
			cost = qty.Mul(*req.LimitPrice)
		}
		if bp := a.cash.Sub(a.committed()); cost.GreaterThan(bp) {
			return reject(http.StatusForbidden, codeForbidden, "insufficient buying power (required: %s, available: %s)", cost.StringFixed(2), bp.StringFixed(2))
		}
		return nil
	}
	held := decimal.Zero
	if p := a.positions[req.Symbol]; p != nil {
		held = p.qty
	}
	if avail := held.Sub(a.heldForSale(req.Symbol)); qty.GreaterThan(avail) {
		return reject(http.StatusForbidden, codeForbidden, "insufficient qty available for order (requested: %s, available: %s)", qty, avail)
	}
	return nil
}

// book records the order and fills it when it is marketable.
func (x *Exchange) book(a *account, req orderRequest, qty, price decimal.Decimal) *Order {
	now := x.cfg.Clock().UTC()
	x.seq++
	o := &Order{
		ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", x.seq), ClientOrderID: req.ClientOrderID,
		Symbol: req.Symbol, Side: req.Side, Type: req.Type, TimeInForce: req.TimeInForce,
		Qty: req.Qty, Notional: req.Notional, LimitPrice: req.LimitPrice, Status: "new",
		SubmittedAt: now, visibleAt: now.Add(x.cfg.FillDelay),
	}
	if o.ClientOrderID == "" {
		o.ClientOrderID = o.ID
	}
	a.orders = append(a.orders, o)
	a.byClient[o.ClientOrderID], a.byID[o.ID] = o, o
	marketable := req.Type == "market" ||
		req.Side == "buy" && req.LimitPrice.GreaterThanOrEqual(price) ||
		req.Side == "sell" && req.LimitPrice.LessThanOrEqual(price)
	switch {
	case x.rejects[req.Symbol]:
		o.Status = "rejected"
	case x.resting[req.Symbol]:
	case marketable:
		x.fill(a, o, qty, price)
	}
	if o.Status == "new" || o.Status == "partially_filled" {
		a.open[o.ID] = o
	}
	return o
}

func (x *Exchange) fill(a *account, o *Order, qty, price decimal.Decimal) {
	o.Status = "filled"
	if ratio, ok := x.partial[o.Symbol]; ok {
		qty = qty.Mul(ratio).RoundDown(9)
		if !x.cfg.Dataset.Fractionable(o.Symbol) {
			qty = qty.Truncate(0)
		}
		o.Status = "partially_filled"
	}
	if qty.IsPositive() {
		a.settle(o.Side, o.Symbol, qty, price)
	}
	p := price
	at := o.visibleAt
	o.FilledQty, o.FilledAvgPrice, o.FilledAt = qty, &p, &at
}
