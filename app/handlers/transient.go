package handlers

import (
	"context"
	"errors"

	"github.com/alchemiser/alchemiser/app/broker"
)

// transient reports whether err may go away on a retry of the invocation:
// the invocation ran out of time, or the broker or the market data API
// was unavailable (an error in the chain says Retryable).
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var r interface{ Retryable() bool }
	return broker.IsRetryable(err) || errors.As(err, &r) && r.Retryable()
}
