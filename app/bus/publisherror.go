package bus

import (
	"errors"
	"fmt"
	"strings"
)

// ErrPartialFailure means the bus did not accept some events.
var ErrPartialFailure = errors.New("some events were not accepted")

// PublishError lists the events the bus did not accept, after the
// publisher's own retries; the others were accepted.
type PublishError struct {
	Failed []FailedEvent
	Total  int
}

// FailedEvent is one event the bus did not accept: the bus's error code
// and message, and whether a later attempt may succeed.
type FailedEvent struct {
	EventID, EventType, Code, Message string
	Retryable                         bool
}

func (e *PublishError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, f := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s %s: %s: %s", f.EventType, f.EventID, f.Code, f.Message))
	}
	return fmt.Sprintf("%v: %d of %d: %s", ErrPartialFailure, len(e.Failed), e.Total, strings.Join(parts, "; "))
}

func (e *PublishError) Unwrap() error { return ErrPartialFailure }

// Retryable is false only when every failure is one no retry can fix.
func (e *PublishError) Retryable() bool {
	for _, f := range e.Failed {
		if f.Retryable {
			return true
		}
	}
	return false
}

// Has reports whether the event with id eventID was not accepted.
func (e *PublishError) Has(eventID string) bool {
	for _, f := range e.Failed {
		if f.EventID == eventID {
			return true
		}
	}
	return false
}
