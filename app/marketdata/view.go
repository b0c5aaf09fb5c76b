package marketdata

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// view is a Dataset seen at 09:35 New York on one day.
type view struct {
	d   *Dataset
	day time.Time
}

// halfSpreadBps is the synthetic quote's half spread.
const halfSpreadBps = 2

// DailyBars returns bars dated before the view's day and on or before end.
func (v view) DailyBars(ctx context.Context, symbol string, end time.Time, limit int) ([]Bar, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bars, ok := v.d.bars[symbol]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSymbol, symbol)
	}
	cut := v.day
	if e := end.AddDate(0, 0, 1); e.Before(cut) {
		cut = e
	}
	n := sort.Search(len(bars), func(i int) bool { return !bars[i].Time.Before(cut) })
	from := max(0, n-limit)
	return append([]Bar(nil), bars[from:n]...), nil
}

// LatestQuote quotes around the open of the view's day, or around the last
// close before it when the day is not a session of the data set.
func (v view) LatestQuote(ctx context.Context, symbol string) (Quote, error) {
	if err := ctx.Err(); err != nil {
		return Quote{}, err
	}
	bars, ok := v.d.bars[symbol]
	if !ok {
		return Quote{}, fmt.Errorf("%w: %s", ErrUnknownSymbol, symbol)
	}
	i := sort.Search(len(bars), func(i int) bool { return !bars[i].Time.Before(v.day) })
	var mid decimal.Decimal
	switch {
	case i < len(bars) && bars[i].Time.Equal(v.day):
		mid = bars[i].Open
	case i > 0:
		mid = bars[i-1].Close
	default:
		return Quote{}, fmt.Errorf("%w: %s has no price before %s", ErrUnknownSymbol, symbol, v.day.Format(time.DateOnly))
	}
	half := mid.Mul(decimal.NewFromInt(halfSpreadBps)).Div(decimal.NewFromInt(10000)).Round(2)
	if half.LessThan(decimal.New(1, -2)) {
		half = decimal.New(1, -2)
	}
	at := v.day.Add(14*time.Hour + 35*time.Minute) // 09:35 EST; DST is not modelled
	return Quote{Symbol: symbol, BidPrice: mid.Sub(half), AskPrice: mid.Add(half), Time: at}, nil
}
