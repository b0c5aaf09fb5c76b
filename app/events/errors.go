package events

import (
	"errors"
	"fmt"
)

// Sentinels for the kinds of decode failure; match them with errors.Is.
var (
	ErrMalformed         = errors.New("malformed JSON")
	ErrMissingField      = errors.New("missing required field")
	ErrWrongType         = errors.New("wrong type")
	ErrInvalidValue      = errors.New("invalid value")
	ErrUnsupportedSchema = errors.New("unsupported schema version")
	ErrUnknownEventType  = errors.New("unknown event type")
	ErrTooLarge          = errors.New("event too large")
)

// DecodeError is a permanent failure to decode an event. Field is the JSON
// path of the offending value, such as "detail.metadata.schema_version";
// it is empty when the whole input is at fault.
type DecodeError struct {
	Field  string
	Reason string
	Err    error // one of the sentinels above
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("could not decode event: %v: %s", e.Err, e.Reason)
	}
	return fmt.Sprintf("could not decode event: %s: %v: %s", e.Field, e.Err, e.Reason)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Retryable is always false: the same bytes will fail the same way.
func (e *DecodeError) Retryable() bool { return false }

// Permanent reports whether err says that retrying cannot help: some error
// in its chain has a Retryable method that returns false.
func Permanent(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && !r.Retryable()
}

func decodeErr(field string, sentinel error, format string, args ...any) *DecodeError {
	return &DecodeError{Field: field, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
