package paper

import (
	"time"

	"github.com/shopspring/decimal"
)

// Order is an order as the exchange keeps it.
type Order struct {
	ID             string
	ClientOrderID  string
	Symbol         string
	Side           string
	Type           string
	TimeInForce    string
	Qty            *decimal.Decimal
	Notional       *decimal.Decimal
	LimitPrice     *decimal.Decimal
	FilledQty      decimal.Decimal
	FilledAvgPrice *decimal.Decimal
	Status         string
	SubmittedAt    time.Time
	FilledAt       *time.Time
	visibleAt      time.Time // a fill shows from here (FillDelay)
}

// statusAt is the status a client sees at now.
func (o *Order) statusAt(now time.Time) string {
	if (o.Status == "filled" || o.Status == "partially_filled") && now.Before(o.visibleAt) {
		return "accepted"
	}
	return o.Status
}

type position struct {
	qty  decimal.Decimal
	cost decimal.Decimal // total cost basis
}

type account struct {
	id        string
	secret    string
	cash      decimal.Decimal
	positions map[string]*position
	orders    []*Order
	open      map[string]*Order // resting orders by id: they hold cash or shares
	byClient  map[string]*Order
	byID      map[string]*Order
	created   time.Time
}

func newAccount(id, secret string, cash decimal.Decimal) *account {
	return &account{id: id, secret: secret, cash: cash, positions: map[string]*position{},
		byClient: map[string]*Order{}, byID: map[string]*Order{}, open: map[string]*Order{}}
}

// expireOpen ends the day for orders that can no longer fill.
func (a *account) expireOpen(now time.Time) {
	for id, o := range a.open {
		o.Status = "expired"
		delete(a.open, id)
	}
}

// settle books a fill of qty at price.
func (a *account) settle(side string, sym string, qty, price decimal.Decimal) {
	value := qty.Mul(price)
	p := a.positions[sym]
	if p == nil {
		p = &position{}
		a.positions[sym] = p
	}
	if side == "buy" {
		a.cash = a.cash.Sub(value)
		p.qty, p.cost = p.qty.Add(qty), p.cost.Add(value)
		return
	}
	a.cash = a.cash.Add(value)
	if p.qty.IsPositive() {
		p.cost = p.cost.Sub(p.cost.Mul(qty).Div(p.qty))
	}
	p.qty = p.qty.Sub(qty)
	if p.qty.IsZero() {
		delete(a.positions, sym)
	}
}

// committed is the cash held by resting buy orders.
func (a *account) committed() decimal.Decimal {
	sum := decimal.Zero
	for _, o := range a.open {
		if o.Side == "buy" && o.Status == "new" && o.LimitPrice != nil && o.Qty != nil {
			sum = sum.Add(o.Qty.Mul(*o.LimitPrice))
		}
	}
	return sum
}

// heldForSale is the quantity of sym in resting sell orders.
func (a *account) heldForSale(sym string) decimal.Decimal {
	sum := decimal.Zero
	for _, o := range a.open {
		if o.Side == "sell" && o.Symbol == sym && o.Status == "new" && o.Qty != nil {
			sum = sum.Add(*o.Qty)
		}
	}
	return sum
}
