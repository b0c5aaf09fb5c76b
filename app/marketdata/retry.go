package marketdata

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"

	"github.com/alchemiser/alchemiser/app/internal/retry"
	alp "github.com/alpacahq/alpaca-trade-api-go/v3/alpaca"
)

// UnavailableError is a market data request that may succeed if tried
// again: HTTP 429 or 5xx, or a transport failure. Retryable reports true,
// so a handler returns it for Lambda to retry the invocation rather than
// failing the workflow.
type UnavailableError struct {
	Op     string // e.g. "bars of SPY"
	Status int    // 0 for a transport failure
	Err    error
}

func (e *UnavailableError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("market data unavailable (%s): %v", e.Op, e.Err)
	}
	return fmt.Sprintf("market data unavailable (%s): HTTP %d: %v", e.Op, e.Status, e.Err)
}
func (e *UnavailableError) Unwrap() error   { return e.Err }
func (e *UnavailableError) Retryable() bool { return true }

// plainHTTPStatus matches the client's error for a non-JSON error body.
var plainHTTPStatus = regexp.MustCompile(`\(HTTP (\d{3})\)$`)

// classify returns err as an *UnavailableError when it is transient.
func classify(op string, err error) error {
	status := 0
	var api *alp.APIError
	var ne net.Error
	switch {
	case errors.As(err, &api):
		status = api.StatusCode
	case plainHTTPStatus.MatchString(err.Error()):
		status, _ = strconv.Atoi(plainHTTPStatus.FindStringSubmatch(err.Error())[1])
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded):
		return &UnavailableError{Op: op, Err: err}
	default:
		return err
	}
	if status == 429 || status >= 500 {
		return &UnavailableError{Op: op, Status: status, Err: err}
	}
	return err
}

// Defaults of AlpacaSource's retries of transient failures.
const (
	DefaultRetries      = 3
	DefaultRetryBackoff = 100 * time.Millisecond
)

// retry runs call until it succeeds, fails for good, or the retries (with
// doubling backoff) or ctx run out. The official client's own retries are
// off (they sleep regardless of the context); these stop at its deadline.
func (s *AlpacaSource) retry(ctx context.Context, op string, call func() error) error {
	retries, backoff := s.cfg.Retries, s.cfg.RetryBackoff
	if retries == 0 {
		retries = DefaultRetries
	}
	if backoff == 0 {
		backoff = DefaultRetryBackoff
	}
	p := retry.Policy{Attempts: 1 + retries, Backoff: retry.Backoff{Base: backoff}}
	_, err := retry.Do(ctx, p, func(int) error {
		err := call()
		if err == nil {
			return nil
		}
		err = classify(op, err)
		var u *UnavailableError
		if !errors.As(err, &u) {
			return retry.Permanent(err)
		}
		return err
	})
	return err
}
