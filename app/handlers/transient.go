package handlers

import (
	"context"
	"errors"

	"github.com/alchemiser/alchemiser/app/broker"
)

// transient reports whether err may go away on a retry of the invocation:
// the invocation ran out of time, or the broker was unavailable.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	return broker.IsRetryable(err)
}
