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

// ErrUnauthorized means the broker refused the credentials.
var ErrUnauthorized = errors.New("unauthorized")

// sentinelFor maps an HTTP status of the broker's API to a sentinel.
func sentinelFor(status int) error {
	switch {
	case status == 401:
		return ErrUnauthorized
	case status == 404:
		return ErrNotFound
	case status == 429:
		return ErrRateLimited
	case status >= 500 || status == 0:
		return ErrUnavailable
	case status == 403 || status == 422:
		return ErrRejected
	}
	return errors.New("broker error")
}

// NewHTTPError builds an *Error for an HTTP answer of the broker's API.
func NewHTTPError(endpoint string, status, code int, message string) *Error {
	return &Error{Endpoint: endpoint, StatusCode: status, Code: code, Message: message, Err: sentinelFor(status)}
}

// NewTransportError builds an *Error for a call that got no answer
// (connection refused, timeout, cancelled context). errors.Is still finds
// cause, e.g. context.DeadlineExceeded.
func NewTransportError(endpoint string, cause error) *Error {
	return &Error{Endpoint: endpoint, Err: fmt.Errorf("%w: %w", ErrUnavailable, cause)}
}
