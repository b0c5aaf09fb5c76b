package execution

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/internal/retry"
	"github.com/sony/gobreaker/v2"
)

// The broker endpoints the executor calls: the endpoint dimension of
// BrokerLatency and BrokerErrors, one line each on the dashboard.
const (
	EndpointAccount       = "GET /v2/account"
	EndpointLatestQuote   = "GET /v2/stocks/quotes/latest"
	EndpointPlaceOrder    = "POST /v2/orders"
	EndpointOrderByClient = "GET /v2/orders:by_client_order_id"
	EndpointCancelOrder   = "DELETE /v2/orders/{id}"
)

// Endpoints lists them.
var Endpoints = []string{EndpointAccount, EndpointLatestQuote, EndpointPlaceOrder, EndpointOrderByClient, EndpointCancelOrder}

// call runs f through the breaker, each attempt bounded by CallTimeout,
// retrying retryable failures with exponential backoff and full jitter,
// never sleeping past the deadline minus the margin. It returns the number
// of attempts made.
func (e *Executor) call(ctx context.Context, endpoint string, f func(context.Context) error) (int, error) {
	return e.callWithin(ctx, endpoint, e.cfg.CallTimeout, f)
}

// callWithin is call with each attempt bounded by timeout (none when
// negative): the wait for fills polls until the order ends, bounded by the
// deadline instead. An open breaker and a failure no retry can fix end the
// retries at once.
func (e *Executor) callWithin(ctx context.Context, endpoint string, timeout time.Duration, f func(context.Context) error) (int, error) {
	return retry.Do(ctx, e.retry, func(attempt int) error {
		start := e.cfg.Now()
		sctx, span := startCall(ctx, endpoint, attempt)
		actx, cancel := bound(sctx, timeout)
		_, err := e.breaker.Execute(func() (any, error) { return nil, f(actx) })
		cancel()
		e.stateChanges(sctx)
		err = endCall(span, err)
		e.cfg.Observer.BrokerCall(ctx, endpoint, e.cfg.Now().Sub(start), err)
		switch {
		case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
			return retry.Permanent(fmt.Errorf("%w: %s", ErrBreakerOpen, endpoint))
		case err != nil && !broker.IsRetryable(err):
			return retry.Permanent(err)
		}
		return err
	})
}

func bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout < 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, timeout)
}

// retryPolicy is MaxAttempts calls, with full-jitter waits in
// [0, min(MaxBackoff, BaseBackoff × 2^(attempt−1))], each refused with
// ErrDeadline when it would end past the deadline minus the margin.
func retryPolicy(cfg Config) retry.Policy {
	return retry.Policy{
		Attempts: cfg.MaxAttempts,
		Backoff:  retry.Backoff{Base: cfg.BaseBackoff, Max: cfg.MaxBackoff, Jitter: retry.FullJitter(cfg.Rand)},
		Sleep: func(ctx context.Context, d time.Duration) error {
			if dl, ok := ctx.Deadline(); ok && cfg.Now().Add(d).After(dl.Add(-cfg.DeadlineMargin)) {
				return fmt.Errorf("%w: backoff of %s", ErrDeadline, d.Round(time.Millisecond))
			}
			return cfg.Sleep(ctx, d)
		},
	}
}
