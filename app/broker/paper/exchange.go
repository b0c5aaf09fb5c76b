package paper

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// Config configures an Exchange.
type Config struct {
	Dataset   *marketdata.Dataset
	Day       time.Time        // the simulated session; the data set's last when zero
	Clock     func() time.Time // for FillDelay; time.Now when nil
	FillDelay time.Duration
	Seed      uint64 // for faults
}

// AccountConfig is a new account's starting state.
type AccountConfig struct {
	Cash      decimal.Decimal
	Positions map[string]decimal.Decimal // quantity by symbol, bought at the day's price
}

// Exchange is the paper exchange. It is an http.Handler; Start also serves
// it on 127.0.0.1, StartOn on a listener of the caller's.
type Exchange struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	day      time.Time
	market   time.Time           // the market clock (GET /v2/clock)
	accounts map[string]*account // by API key
	faults   Faults
	rng      *rand.Rand
	seq      int
	rejects  map[string]bool
	partial  map[string]decimal.Decimal
	resting  map[string]bool

	srv  *http.Server
	ln   net.Listener
	stop context.CancelFunc // ends the requests' contexts: held and delayed ones return
}

// New returns an exchange that is not yet listening.
func New(cfg Config) (*Exchange, error) {
	if cfg.Dataset == nil {
		return nil, errors.New("could not create paper exchange: no data set")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	day := cfg.Day
	if day.IsZero() {
		days := cfg.Dataset.TradingDays()
		day = days[len(days)-1]
	}
	x := &Exchange{
		cfg: cfg, day: day, accounts: map[string]*account{},
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed+1)),
		rejects: map[string]bool{}, partial: map[string]decimal.Decimal{}, resting: map[string]bool{},
	}
	x.market = startOf(day)
	x.routes()
	return x, nil
}

// Start listens on a free port of 127.0.0.1 and returns the base URL.
func (x *Exchange) Start() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("could not listen: %w", err)
	}
	return x.StartOn(ln), nil
}

// StartOn serves the exchange on ln and returns the base URL: an
// in-memory listener (internal/memnet) lets a testing/synctest bubble
// hold the exchange and its clients. Close closes ln.
func (x *Exchange) StartOn(ln net.Listener) string {
	x.ln = ln
	base, stop := context.WithCancel(context.Background())
	x.stop = stop
	x.srv = &http.Server{Handler: x, ReadHeaderTimeout: 5 * time.Second, BaseContext: func(net.Listener) context.Context { return base }}
	go func() { _ = x.srv.Serve(ln) }()
	return "http://" + ln.Addr().String()
}

// Close stops the server; requests held or delayed by faults are
// released. (Closing a connection alone does not end a request whose
// body the handler has not read: net/http notices the client has gone
// only while it reads.)
func (x *Exchange) Close() error {
	if x.srv == nil {
		return nil
	}
	x.stop()
	return x.srv.Close()
}

// ServeHTTP implements http.Handler.
func (x *Exchange) ServeHTTP(w http.ResponseWriter, r *http.Request) { x.mux.ServeHTTP(w, r) }

// AddAccount registers an account for the key and secret.
func (x *Exchange) AddAccount(key, secret string, cfg AccountConfig) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.accounts[key]; ok {
		return fmt.Errorf("could not add account: key %s exists", key)
	}
	a := newAccount(fmt.Sprintf("paper-%d", len(x.accounts)+1), secret, cfg.Cash)
	a.created = x.cfg.Clock().UTC()
	view := x.cfg.Dataset.At(x.day)
	for sym, qty := range cfg.Positions {
		px, err := x.mid(view, sym)
		if err != nil {
			return fmt.Errorf("could not add account: %w", err)
		}
		a.positions[sym] = &position{qty: qty, cost: qty.Mul(px)}
	}
	x.accounts[key] = a
	return nil
}

// SetDay moves the simulated market to session day, its market clock
// (GET /v2/clock) to 09:35 New York that day, the workflow's scheduled
// start. Resting and partially
// filled orders of the previous day expire.
func (x *Exchange) SetDay(day time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.day = day
	x.market = startOf(day)
	for _, a := range x.accounts {
		a.expireOpen(x.cfg.Clock())
	}
}

// SetTime sets the market clock (GET /v2/clock) to t. Prices stay those
// of the simulated session.
func (x *Exchange) SetTime(t time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.market = t
}

// Now is the market clock's time. It stands still between SetDay and
// SetTime, as the simulated session does: a long-lived local stack trades
// its session whatever the hour.
func (x *Exchange) Now() time.Time {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.market
}

// startOf is the workflow's scheduled start on day: 09:35 New York.
func startOf(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 9, 35, 0, 0, newYork)
}

// Day returns the simulated session.
func (x *Exchange) Day() time.Time {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.day
}

// RejectSymbols makes every new order for the given symbols rejected.
func (x *Exchange) RejectSymbols(symbols ...string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rejects = map[string]bool{}
	for _, s := range symbols {
		x.rejects[s] = true
	}
}

// RestOrders makes orders for symbols rest unfilled (status new, holding
// their cash or shares) until they are cancelled or the day ends, as a
// limit order no one trades against would.
func (x *Exchange) RestOrders(symbols ...string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range symbols {
		x.resting[s] = true
	}
}

// PartialFill makes orders for symbol fill only ratio (0 to 1) of their
// quantity and stay partially_filled until the day ends.
func (x *Exchange) PartialFill(symbol string, ratio decimal.Decimal) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.partial[symbol] = ratio
}

// Orders returns every order of the account with key, oldest first.
func (x *Exchange) Orders(key string) []Order {
	x.mu.Lock()
	defer x.mu.Unlock()
	a, ok := x.accounts[key]
	if !ok {
		return nil
	}
	out := make([]Order, len(a.orders))
	for i, o := range a.orders {
		out[i] = *o
	}
	return out
}

func (x *Exchange) mid(view marketdata.Source, sym string) (decimal.Decimal, error) {
	q, err := view.LatestQuote(context.Background(), sym)
	if err != nil {
		return decimal.Zero, err
	}
	return q.Mid(), nil
}
