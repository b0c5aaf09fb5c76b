package errtype_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/alchemiser/alchemiser/internal/errtype"
)

type keyError struct{ err error }

func (e *keyError) Error() string { return "key: " + e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

type valueError struct{}

func (valueError) Error() string { return "value" }

type exitError struct{}

func (*exitError) Error() string     { return "exited" }
func (*exitError) ErrorType() string { return "Runtime.ExitError" }

// Error is named like broker.Error: its package qualifies it.
type Error struct{ Err error }

func (e *Error) Error() string { return "broker: " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// shy names itself only sometimes: "" falls back to its type.
type shy struct{ name string }

func (s shy) Error() string     { return "shy" }
func (s shy) ErrorType() string { return s.name }

func TestOf(t *testing.T) {
	sentinel := errors.New("in progress")
	key := &keyError{err: sentinel}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"errors.New, as aws-lambda-go reports it", sentinel, "errorString"},
		{"a pointer type loses its star", key, "keyError"},
		{"a value type", valueError{}, "valueError"},
		{"fmt.Errorf %w is looked through", fmt.Errorf("could not plan: %w", key), "keyError"},
		{"down to the first meaningful type", fmt.Errorf("a: %w", fmt.Errorf("b: %w", key)), "keyError"},
		{"the outermost typed error, not the innermost", &Error{Err: key}, "errtype_test.Error"},
		{"a wrapped sentinel is its type", fmt.Errorf("could not: %w", sentinel), "errorString"},
		{"fmt.Errorf without %w", fmt.Errorf("plain %v", key), "errorString"},
		{"several %w: the first", fmt.Errorf("%w and %w", valueError{}, key), "valueError"},
		{"errors.Join: the first", errors.Join(nil, key, valueError{}), "keyError"},
		{"a joined wrapper", errors.Join(fmt.Errorf("x: %w", valueError{})), "valueError"},
		{"an error naming itself", fmt.Errorf("crash: %w", &exitError{}), "Runtime.ExitError"},
		{"a name given as empty falls back", shy{}, "shy"},
		{"a name given", shy{name: "Shy"}, "Shy"},
		{"context.Canceled", fmt.Errorf("could not: %w", context.Canceled), "context.Canceled"},
		{"context.DeadlineExceeded", context.DeadlineExceeded, "context.DeadlineExceeded"},
		{"a typed error holding a deadline", &Error{Err: context.DeadlineExceeded}, "errtype_test.Error"},
	} {
		if got := errtype.Of(tt.err); got != tt.want {
			t.Errorf("%s: Of(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
	}
}
