package alpaca

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/internal/ctxhttp"
	"github.com/alchemiser/alchemiser/app/internal/wait"
	"github.com/alchemiser/alchemiser/app/marketdata"
	alp "github.com/alpacahq/alpaca-trade-api-go/v3/alpaca"
	"github.com/shopspring/decimal"
)

// Config configures the adapter.
type Config struct {
	BaseURL      string
	DataURL      string
	KeyID        string
	Secret       string
	HTTPClient   *http.Client
	PollInterval time.Duration
	// Sleep waits d or until ctx ends; the default uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Adapter implements broker.Broker against Alpaca's API.
type Adapter struct {
	cfg  Config
	data *marketdata.AlpacaSource
}

var _ broker.Broker = (*Adapter)(nil)

// New fills cfg's defaults and returns the adapter.
func New(cfg Config) *Adapter {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://paper-api.alpaca.markets"
	}
	if cfg.DataURL == "" {
		cfg.DataURL = "https://data.alpaca.markets"
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 250 * time.Millisecond
	}
	if cfg.Sleep == nil {
		cfg.Sleep = wait.Sleep
	}
	return &Adapter{cfg: cfg, data: marketdata.NewAlpacaSource(marketdata.AlpacaConfig{
		BaseURL: cfg.DataURL, KeyID: cfg.KeyID, Secret: cfg.Secret, HTTPClient: traced(cfg.HTTPClient, ""),
	})}
}

// client is a client for one call to endpoint: its requests carry ctx
// (ctxhttp), and each is an HTTP CLIENT span named after endpoint
// (traced), a child of the span in ctx.
func (a *Adapter) client(ctx context.Context, endpoint string) *alp.Client {
	return alp.NewClient(alp.ClientOpts{
		APIKey: a.cfg.KeyID, APISecret: a.cfg.Secret, BaseURL: a.cfg.BaseURL,
		RetryLimit: -1, RetryDelay: time.Millisecond, // -1: the client's loop makes no retry
		HTTPClient: ctxhttp.Client(ctx, traced(a.cfg.HTTPClient, endpoint)),
	})
}

// Account implements broker.Broker.
func (a *Adapter) Account(ctx context.Context) (broker.Account, error) {
	acct, err := a.client(ctx, "GET /v2/account").GetAccount()
	if err != nil {
		return broker.Account{}, wrap("GET /v2/account", err)
	}
	return broker.Account{ID: acct.ID, Status: acct.Status, Cash: acct.Cash,
		BuyingPower: acct.BuyingPower, Equity: acct.Equity}, nil
}

// Positions implements broker.Broker.
func (a *Adapter) Positions(ctx context.Context) ([]broker.Position, error) {
	ps, err := a.client(ctx, "GET /v2/positions").GetPositions()
	if err != nil {
		return nil, wrap("GET /v2/positions", err)
	}
	out := make([]broker.Position, len(ps))
	for i, p := range ps {
		out[i] = broker.Position{Symbol: p.Symbol, Qty: p.Qty, AvgEntryPrice: p.AvgEntryPrice,
			CurrentPrice: deref(p.CurrentPrice), MarketValue: deref(p.MarketValue)}
	}
	return out, nil
}

// Asset implements broker.Broker.
func (a *Adapter) Asset(ctx context.Context, symbol string) (broker.Asset, error) {
	as, err := a.client(ctx, "GET /v2/assets/{symbol}").GetAsset(symbol)
	if err != nil {
		return broker.Asset{}, wrap("GET /v2/assets/{symbol}", err)
	}
	return broker.Asset{Symbol: as.Symbol, Tradable: as.Tradable, Fractionable: as.Fractionable}, nil
}

// LatestQuote implements broker.Broker through the market data API.
func (a *Adapter) LatestQuote(ctx context.Context, symbol string) (marketdata.Quote, error) {
	q, err := a.data.LatestQuote(ctx, symbol)
	if err != nil {
		if errors.Is(err, marketdata.ErrUnknownSymbol) {
			return q, &broker.Error{Endpoint: "GET /v2/stocks/quotes/latest", StatusCode: http.StatusNotFound,
				Message: err.Error(), Err: broker.ErrNotFound}
		}
		return q, wrap("GET /v2/stocks/quotes/latest", err)
	}
	return q, nil
}

// Clock implements broker.Broker.
func (a *Adapter) Clock(ctx context.Context) (broker.Clock, error) {
	c, err := a.client(ctx, "GET /v2/clock").GetClock()
	if err != nil {
		return broker.Clock{}, wrap("GET /v2/clock", err)
	}
	return broker.Clock{Timestamp: c.Timestamp, IsOpen: c.IsOpen, NextOpen: c.NextOpen, NextClose: c.NextClose}, nil
}

// Calendar returns the sessions from start to end, New York dates both
// included: Alpaca's GET /v2/calendar, whose open and close are New York
// wall times ("09:30", "13:00" on an early close), one entry per session
// and none for weekends and holidays
// (https://docs.alpaca.markets/reference/getcalendar-1).
func (a *Adapter) Calendar(ctx context.Context, start, end time.Time) ([]broker.Session, error) {
	days, err := a.client(ctx, "GET /v2/calendar").GetCalendar(alp.GetCalendarRequest{Start: start, End: end})
	if err != nil {
		return nil, wrap("GET /v2/calendar", err)
	}
	out := make([]broker.Session, 0, len(days))
	for _, d := range days {
		open, err1 := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Open, newYork)
		cl, err2 := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Close, newYork)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("GET /v2/calendar: session %q: %w", d.Date, err)
		}
		out = append(out, broker.Session{Date: d.Date, Open: open, Close: cl})
	}
	return out, nil
}

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err) // the functions embed time/tzdata
	}
	return loc
}()

func deref(d *decimal.Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Zero
	}
	return *d
}

// httpStatus matches the client's error for a non-JSON error body.
var httpStatus = regexp.MustCompile(`\(HTTP (\d{3})\)$`)

// wrap turns the client's errors into *broker.Error.
func wrap(endpoint string, err error) error {
	var api *alp.APIError
	if errors.As(err, &api) {
		return broker.NewHTTPError(endpoint, api.StatusCode, api.Code, api.Message)
	}
	if m := httpStatus.FindStringSubmatch(err.Error()); m != nil {
		status, _ := strconv.Atoi(m[1])
		return broker.NewHTTPError(endpoint, status, 0, strings.TrimSpace(httpStatus.ReplaceAllString(err.Error(), "")))
	}
	return broker.NewTransportError(endpoint, err)
}
