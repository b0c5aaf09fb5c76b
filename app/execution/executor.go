package execution

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/internal/retry"
	"github.com/shopspring/decimal"
	"github.com/sony/gobreaker/v2"
)

// Sentinel errors.
var (
	ErrRetryable     = errors.New("execution could not proceed; retry the invocation")
	ErrBreakerOpen   = errors.New("broker circuit breaker is open")
	ErrDeadline      = errors.New("not enough time left before the invocation deadline")
	ErrNotFilled     = errors.New("order did not fill completely")
	ErrCanceled      = errors.New("order canceled at the execution deadline")
	ErrNoBuyingPower = errors.New("not enough buying power after the sells")
)

// Request is a plan to execute.
type Request struct {
	CorrelationID, PlanID string
	Items                 []Intent
}

// Intent is one order of a plan.
type Intent struct {
	Symbol       string
	Side         broker.Side
	Qty          decimal.Decimal
	Fractionable bool
	RefPrice     decimal.Decimal // the planner's price, for logs and scaling
}

// Outcome is what became of one intent. Err is nil when it filled completely.
type Outcome struct {
	Symbol, ClientOrderID, OrderID string
	Side                           broker.Side
	Qty, FilledQty, FilledAvgPrice decimal.Decimal
	Status                         broker.OrderStatus
	Existing                       bool
	// Canceled is true when the executor cancelled the order because it
	// was still open at the execution deadline; FilledQty keeps what
	// filled before.
	Canceled bool
	Attempts int
	Err      error
	expired  bool // the wait for it ended unfinished: later orders are not placed
}

// Report is the result of an execution.
type Report struct {
	Orders            []Outcome
	Failed            []string // symbols that did not fill completely
	Submitted, Filled int
}

// Succeeded reports whether every order filled.
func (r Report) Succeeded() bool { return len(r.Failed) == 0 }

func (r *Report) add(o Outcome) {
	r.Orders = append(r.Orders, o)
	if o.OrderID != "" {
		r.Submitted++
	}
	if o.Status == broker.StatusFilled {
		r.Filled++
	}
	if o.Err != nil {
		r.Failed = append(r.Failed, o.Symbol)
	}
}

// Executor executes plans. Safe for concurrent use; its breaker is shared
// by all executions, as it guards one broker.
type Executor struct {
	b       broker.Broker
	cfg     Config
	breaker *gobreaker.CircuitBreaker[any]
	retry   retry.Policy

	// changes are the breaker's transitions not yet reported: gobreaker
	// calls OnStateChange without a context, inside Execute, so the call
	// reports them with its own once Execute returns (stateChanges).
	changesMu sync.Mutex
	changes   [][2]string
}

// New returns an executor trading through b.
func New(b broker.Broker, cfg Config) (*Executor, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Executor{b: b, cfg: cfg, retry: retryPolicy(cfg)}
	e.breaker = gobreaker.NewCircuitBreaker[any](gobreaker.Settings{
		Name:        "broker",
		Timeout:     cfg.BreakerTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= cfg.BreakerTrips },
		// A rejection or a missing order is an answer, not an outage.
		IsSuccessful: func(err error) bool { return err == nil || !broker.IsRetryable(err) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			e.changesMu.Lock()
			e.changes = append(e.changes, [2]string{from.String(), to.String()})
			e.changesMu.Unlock()
		},
	})
	return e, nil
}

// stateChanges reports the breaker's transitions since the last report
// to OnBreakerStateChange with ctx. In Lambda an environment runs one
// invocation at a time, so ctx is the invocation whose call changed the
// state; under concurrent use it is that of a call that just used the
// breaker.
func (e *Executor) stateChanges(ctx context.Context) {
	e.changesMu.Lock()
	changes := e.changes
	e.changes = nil
	e.changesMu.Unlock()
	if e.cfg.OnBreakerStateChange == nil {
		return
	}
	for _, c := range changes {
		e.cfg.OnBreakerStateChange(ctx, c[0], c[1])
	}
}

// Execute sells, then buys. See the package documentation for which
// errors it returns and which it reports per order.
func (e *Executor) Execute(ctx context.Context, req Request) (Report, error) {
	var rep Report
	var sells, buys []Intent
	for _, it := range req.Items {
		if it.Side == broker.Sell {
			sells = append(sells, it)
		} else {
			buys = append(buys, it)
		}
	}
	for _, it := range sells {
		o := e.orderUnlessExpired(ctx, req, it, rep)
		if len(rep.Orders) == 0 && aborts(o) {
			return rep, fmt.Errorf("%w: %s %s: %w", ErrRetryable, it.Side, it.Symbol, o.Err)
		}
		rep.add(o)
	}
	if len(buys) == 0 {
		return rep, nil
	}
	buys, skipped, err := e.fitBuys(ctx, req, buys)
	if err != nil {
		if len(rep.Orders) == 0 {
			return rep, fmt.Errorf("%w: %w", ErrRetryable, err)
		}
		for _, it := range buys {
			rep.add(Outcome{Symbol: it.Symbol, Side: it.Side, Qty: it.Qty, Err: err,
				ClientOrderID: e.cfg.OrderID(req.CorrelationID, req.PlanID, it.Symbol, it.Side)})
		}
		return rep, nil
	}
	for _, o := range skipped {
		rep.add(o)
	}
	for _, it := range buys {
		o := e.orderUnlessExpired(ctx, req, it, rep)
		if len(rep.Orders) == 0 && aborts(o) {
			return rep, fmt.Errorf("%w: %s %s: %w", ErrRetryable, it.Side, it.Symbol, o.Err)
		}
		rep.add(o)
	}
	return rep, nil
}

// orderUnlessExpired places it, unless the wait for an earlier order of
// the plan ended unfinished (the deadline came): an order placed then
// could not be watched, and would only be cancelled.
func (e *Executor) orderUnlessExpired(ctx context.Context, req Request, it Intent, rep Report) Outcome {
	if slices.ContainsFunc(rep.Orders, func(o Outcome) bool { return o.expired }) {
		return Outcome{Symbol: it.Symbol, Side: it.Side, Qty: it.Qty, ClientOrderID: e.cfg.OrderID(req.CorrelationID, req.PlanID, it.Symbol, it.Side),
			Err: fmt.Errorf("%w: %s %s not placed: the wait for an earlier order ended unfinished", ErrDeadline, it.Side, it.Symbol)}
	}
	return e.order(ctx, req, it)
}

// aborts reports whether an outcome means the broker could not be used at
// all, rather than that this order failed.
func aborts(o Outcome) bool {
	return o.OrderID == "" && (errors.Is(o.Err, ErrBreakerOpen) || errors.Is(o.Err, ErrDeadline) || broker.IsRetryable(o.Err))
}

// Check makes the reads Execute makes before its first order, and
// nothing else: the account, then the latest quote of each symbol, each
// through the breaker, the retries and the observer as Execute makes them
// (a dry run proves the path to the broker with it). It returns the first
// read that failed, naming it.
func (e *Executor) Check(ctx context.Context, symbols []string) error {
	if _, err := e.call(ctx, EndpointAccount, func(ctx context.Context) error {
		_, err := e.b.Account(ctx)
		return err
	}); err != nil {
		return fmt.Errorf("could not read the account: %w", err)
	}
	for _, sym := range symbols {
		if _, err := e.call(ctx, EndpointLatestQuote, func(ctx context.Context) error {
			_, err := e.b.LatestQuote(ctx, sym)
			return err
		}); err != nil {
			return fmt.Errorf("could not quote %s: %w", sym, err)
		}
	}
	return nil
}
