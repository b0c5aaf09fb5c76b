package execution

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/sony/gobreaker/v2"
)

// The broker endpoints the executor calls: the endpoint dimension of
// BrokerLatency and BrokerErrors, one line each on the dashboard.
const (
	EndpointAccount       = "GET /v2/account"
	EndpointLatestQuote   = "GET /v2/stocks/quotes/latest"
	EndpointPlaceOrder    = "POST /v2/orders"
	EndpointOrderByClient = "GET /v2/orders:by_client_order_id"
)

// Endpoints lists them.
var Endpoints = []string{EndpointAccount, EndpointLatestQuote, EndpointPlaceOrder, EndpointOrderByClient}

// call runs f through the breaker, each attempt bounded by CallTimeout,
// retrying retryable failures with exponential backoff and full jitter,
// never sleeping past the deadline minus the margin. It returns the number
// of attempts made.
func (e *Executor) call(ctx context.Context, endpoint string, f func(context.Context) error) (int, error) {
	return e.callWithin(ctx, endpoint, e.cfg.CallTimeout, f)
}

// callWithin is call with each attempt bounded by timeout (none when
// negative): the wait for fills polls until the order ends, bounded by the
// deadline instead.
func (e *Executor) callWithin(ctx context.Context, endpoint string, timeout time.Duration, f func(context.Context) error) (int, error) {
	var err error
	for attempt := 1; ; attempt++ {
		start := e.cfg.Now()
		sctx, span := startCall(ctx, endpoint, attempt)
		actx, cancel := bound(sctx, timeout)
		_, err = e.breaker.Execute(func() (any, error) { return nil, f(actx) })
		cancel()
		endCall(span, err)
		e.cfg.Observer.BrokerCall(ctx, endpoint, e.cfg.Now().Sub(start), err)
		switch {
		case err == nil:
			return attempt, nil
		case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
			return attempt, fmt.Errorf("%w: %s", ErrBreakerOpen, endpoint)
		case !broker.IsRetryable(err) || attempt >= e.cfg.MaxAttempts:
			return attempt, err
		}
		if serr := e.backoff(ctx, attempt); serr != nil {
			return attempt, fmt.Errorf("%w (after %w)", serr, err)
		}
	}
}

func bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout < 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, timeout)
}

// backoff sleeps before attempt+1: a random duration in
// [0, min(MaxBackoff, BaseBackoff × 2^(attempt−1))] ("full jitter").
func (e *Executor) backoff(ctx context.Context, attempt int) error {
	ceiling := e.cfg.BaseBackoff << (attempt - 1)
	if ceiling > e.cfg.MaxBackoff || ceiling <= 0 {
		ceiling = e.cfg.MaxBackoff
	}
	d := time.Duration(e.cfg.Rand.Int64N(int64(ceiling) + 1))
	if dl, ok := ctx.Deadline(); ok && e.cfg.Now().Add(d).After(dl.Add(-e.cfg.DeadlineMargin)) {
		return fmt.Errorf("%w: backoff of %s", ErrDeadline, d.Round(time.Millisecond))
	}
	return e.cfg.Sleep(ctx, d)
}
