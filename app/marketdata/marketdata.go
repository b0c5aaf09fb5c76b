package marketdata

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
)

// ErrUnknownSymbol is returned when a source has no data for a symbol.
var ErrUnknownSymbol = errors.New("unknown symbol")

// Bar is one daily OHLCV bar. Time is the session date at 00:00 UTC.
type Bar struct {
	Time   time.Time
	Open   decimal.Decimal
	High   decimal.Decimal
	Low    decimal.Decimal
	Close  decimal.Decimal
	Volume uint64
}

// Quote is the latest top-of-book quote for a symbol.
type Quote struct {
	Symbol   string
	BidPrice decimal.Decimal
	AskPrice decimal.Decimal
	Time     time.Time
}

// Mid is the midpoint of bid and ask.
func (q Quote) Mid() decimal.Decimal {
	return q.BidPrice.Add(q.AskPrice).Div(decimal.NewFromInt(2))
}

// Source is the market data port: daily bars and latest quotes.
// Implementations are safe for concurrent use and honour ctx cancellation.
type Source interface {
	// DailyBars returns at most limit bars of symbol whose session date is
	// on or before end, oldest first.
	DailyBars(ctx context.Context, symbol string, end time.Time, limit int) ([]Bar, error)
	// LatestQuote returns the most recent quote of symbol.
	LatestQuote(ctx context.Context, symbol string) (Quote, error)
}
