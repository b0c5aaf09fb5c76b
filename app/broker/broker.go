package broker

import (
	"context"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// Side of an order.
type Side string

const (
	Buy  Side = "buy"
	Sell Side = "sell"
)

// OrderType is market or limit.
type OrderType string

const (
	Market OrderType = "market"
	Limit  OrderType = "limit"
)

// OrderStatus uses Alpaca's order status vocabulary.
type OrderStatus string

const (
	StatusNew             OrderStatus = "new"
	StatusAccepted        OrderStatus = "accepted"
	StatusPendingNew      OrderStatus = "pending_new"
	StatusPartiallyFilled OrderStatus = "partially_filled"
	StatusFilled          OrderStatus = "filled"
	StatusCanceled        OrderStatus = "canceled"
	StatusExpired         OrderStatus = "expired"
	StatusRejected        OrderStatus = "rejected"
	StatusDoneForDay      OrderStatus = "done_for_day"
)

// Terminal reports whether no further fills can happen.
func (s OrderStatus) Terminal() bool {
	switch s {
	case StatusFilled, StatusCanceled, StatusExpired, StatusRejected, StatusDoneForDay:
		return true
	}
	return false
}

// Account is the trading account's money.
type Account struct {
	ID          string
	Status      string
	Cash        decimal.Decimal
	BuyingPower decimal.Decimal
	Equity      decimal.Decimal
}

// Position is a holding of one symbol.
type Position struct {
	Symbol        string
	Qty           decimal.Decimal
	AvgEntryPrice decimal.Decimal
	CurrentPrice  decimal.Decimal
	MarketValue   decimal.Decimal
}

// Asset is what the broker says about a symbol.
type Asset struct {
	Symbol       string
	Tradable     bool
	Fractionable bool
}

// OrderRequest is a new order. Exactly one of Qty and Notional is set.
type OrderRequest struct {
	ClientOrderID string
	Symbol        string
	Side          Side
	Type          OrderType
	TimeInForce   string // "day" when empty
	Qty           *decimal.Decimal
	Notional      *decimal.Decimal
	LimitPrice    *decimal.Decimal
}

// Order is the broker's view of an order.
type Order struct {
	ID             string
	ClientOrderID  string
	Symbol         string
	Side           Side
	Type           OrderType
	Qty            decimal.Decimal
	Notional       decimal.Decimal
	LimitPrice     decimal.Decimal
	FilledQty      decimal.Decimal
	FilledAvgPrice decimal.Decimal
	Status         OrderStatus
	SubmittedAt    time.Time
	FilledAt       time.Time
	// Existing is true when PlaceOrder found an order with the same
	// client order id and returned it instead of placing a new one.
	Existing bool
}

// Clock is the market clock.
type Clock struct {
	Timestamp time.Time
	IsOpen    bool
	NextOpen  time.Time
	NextClose time.Time
}

// Session is one trading session of the broker's market calendar.
type Session struct {
	Date        string // YYYY-MM-DD, New York
	Open, Close time.Time
}

// Broker is the trading port. Implementations are safe for concurrent use;
// every call honours ctx (deadline and cancellation). Errors are *Error
// where the broker answered, so callers can branch on Retryable.
type Broker interface {
	Account(ctx context.Context) (Account, error)
	Positions(ctx context.Context) ([]Position, error)
	Asset(ctx context.Context, symbol string) (Asset, error)
	LatestQuote(ctx context.Context, symbol string) (marketdata.Quote, error)
	// PlaceOrder submits req. When an order with req.ClientOrderID already
	// exists, it returns that order with Existing set and places nothing.
	PlaceOrder(ctx context.Context, req OrderRequest) (Order, error)
	OrderByClientOrderID(ctx context.Context, clientOrderID string) (Order, error)
	// WaitForTerminal polls the order until its status is terminal or ctx ends.
	WaitForTerminal(ctx context.Context, clientOrderID string) (Order, error)
	// CancelOrder asks the broker to cancel the open order with broker id
	// orderID. Acceptance is not the end of the order: it ends canceled,
	// keeping any partial fill, or filled if a fill came first, so read
	// it afterwards. An order that can no longer be cancelled (it ended)
	// is an *Error wrapping ErrRejected; an unknown one wraps ErrNotFound.
	CancelOrder(ctx context.Context, orderID string) error
	Clock(ctx context.Context) (Clock, error)
}
