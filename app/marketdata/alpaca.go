package marketdata

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
	_ "time/tzdata" // Lambda's provided.al2023 image need not carry zoneinfo

	"github.com/alchemiser/alchemiser/app/internal/ctxhttp"
	md "github.com/alpacahq/alpaca-trade-api-go/v3/marketdata"
	"github.com/shopspring/decimal"
)

// AlpacaConfig configures AlpacaSource.
type AlpacaConfig struct {
	BaseURL    string // https://data.alpaca.markets when empty
	KeyID      string
	Secret     string
	Feed       string // "iex" or "sip"; the account's default when empty
	HTTPClient *http.Client
	// Retries of a transient failure (429, 5xx, transport), with a backoff
	// doubling from RetryBackoff: DefaultRetries and DefaultRetryBackoff
	// when zero; negative Retries: none.
	Retries      int
	RetryBackoff time.Duration
}

// AlpacaSource is a Source over Alpaca's market data API, through the
// official client. Each call builds a client bound to the call's context
// (the official client takes none) with the client's own retries off:
// callers own retries, and the client's retry sleeps ignore deadlines.
type AlpacaSource struct{ cfg AlpacaConfig }

var _ Source = (*AlpacaSource)(nil)

// NewAlpacaSource returns a source using cfg.
func NewAlpacaSource(cfg AlpacaConfig) *AlpacaSource { return &AlpacaSource{cfg: cfg} }

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err) // time/tzdata is embedded: this cannot fail
	}
	return loc
}()

func (s *AlpacaSource) client(ctx context.Context) *md.Client {
	return md.NewClient(md.ClientOpts{
		APIKey: s.cfg.KeyID, APISecret: s.cfg.Secret, BaseURL: s.cfg.BaseURL, Feed: s.cfg.Feed,
		RetryLimit: -1, RetryDelay: time.Millisecond, // -1: the client's loop makes no retry
		HTTPClient: ctxhttp.Client(ctx, s.cfg.HTTPClient),
	})
}

// DailyBars asks for the last limit daily bars up to end (newest first,
// then reversed), dated by their New York session.
func (s *AlpacaSource) DailyBars(ctx context.Context, symbol string, end time.Time, limit int) ([]Bar, error) {
	endOfDay := time.Date(end.Year(), end.Month(), end.Day(), 23, 59, 59, 0, newYork)
	var bars []md.Bar
	err := s.retry(ctx, "bars of "+symbol, func() (err error) {
		bars, err = s.client(ctx).GetBars(symbol, md.GetBarsRequest{
			TimeFrame: md.OneDay, End: endOfDay, TotalLimit: limit, Sort: md.SortDesc,
			Start: endOfDay.AddDate(0, 0, -2*limit-10), // calendar days covering limit sessions
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("could not get bars of %s: %w", symbol, err)
	}
	out := make([]Bar, len(bars))
	for i, b := range bars {
		y, m, d := b.Timestamp.In(newYork).Date()
		out[i] = Bar{
			Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Volume: b.Volume,
			Open: decimal.NewFromFloat(b.Open), High: decimal.NewFromFloat(b.High),
			Low: decimal.NewFromFloat(b.Low), Close: decimal.NewFromFloat(b.Close),
		}
	}
	slices.Reverse(out)
	return out, nil
}

// LatestQuote returns the latest quote of symbol.
func (s *AlpacaSource) LatestQuote(ctx context.Context, symbol string) (Quote, error) {
	var q *md.Quote
	err := s.retry(ctx, "quote of "+symbol, func() (err error) {
		q, err = s.client(ctx).GetLatestQuote(symbol, md.GetLatestQuoteRequest{})
		return err
	})
	if err != nil {
		return Quote{}, fmt.Errorf("could not get quote of %s: %w", symbol, err)
	}
	if q == nil {
		return Quote{}, fmt.Errorf("%w: no quote for %s", ErrUnknownSymbol, symbol)
	}
	return Quote{Symbol: symbol, BidPrice: decimal.NewFromFloat(q.BidPrice),
		AskPrice: decimal.NewFromFloat(q.AskPrice), Time: q.Timestamp}, nil
}
