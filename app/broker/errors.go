package broker

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrRateLimited = errors.New("rate limited")
	ErrUnavailable = errors.New("broker unavailable")
	ErrRejected    = errors.New("order rejected")
)

// Error is an error answered by the broker's API.
type Error struct {
	Endpoint   string // e.g. "POST /v2/orders"
	StatusCode int    // HTTP status; 0 for transport errors and timeouts
	Code       int    // broker error code when given
	Message    string
	Err        error // underlying error: a sentinel above or a transport error
}

func (e *Error) Error() string {
	if e.StatusCode == 0 {
		return fmt.Sprintf("broker %s: %v", e.Endpoint, e.Err)
	}
	return fmt.Sprintf("broker %s: status %d: %s", e.Endpoint, e.StatusCode, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether trying the same call again may succeed:
// rate limiting, server errors and transport failures (timeouts).
func (e *Error) Retryable() bool {
	return e.StatusCode == 0 || e.StatusCode == 429 || e.StatusCode >= 500
}

// IsRetryable reports whether err is a retryable broker error.
func IsRetryable(err error) bool {
	var be *Error
	return errors.As(err, &be) && be.Retryable()
}
