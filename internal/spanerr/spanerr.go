// Package spanerr records a failed operation on its span as the semantic
// conventions' "Recording errors" asks
// (https://opentelemetry.io/docs/specs/semconv/general/recording-errors/):
// status Error with the error's text, and error.type, errtype's name of
// the error, so that the span, the log line and the Errors metric name a
// failure alike ("KeyError", never "*fmt.wrapError", the type the SDK's
// RecordError would name).
//
// The exception event (exception.type, exception.message) is added once,
// on the innermost span the error fails, where it happened. Record
// returns the error marked as recorded; a caller returns that instead,
// and every span the error fails on its way up gets the status and
// error.type without a second exception event. The mark is transparent:
// its text is the error's, errors.Is and errors.As see through it, and
// errtype names the error it marks.
package spanerr

import (
	"errors"

	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/alchemiser/alchemiser/internal/errtype"
)

// Record marks span failed by err (see the package comment) and returns
// err marked as recorded; nil for nil, leaving span as it is.
func Record(span trace.Span, err error) error {
	if err == nil {
		return nil
	}
	typ := errtype.Of(err)
	span.SetStatus(codes.Error, err.Error())
	span.SetAttributes(semconv.ErrorTypeKey.String(typ))
	if Recorded(err) {
		return err
	}
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
		semconv.ExceptionType(typ), semconv.ExceptionMessage(err.Error())))
	return &recorded{err: err}
}

// Recorded reports whether a span below has recorded err's exception.
func Recorded(err error) bool {
	var r *recorded
	return errors.As(err, &r)
}

// recorded marks an error whose exception event a span holds.
type recorded struct{ err error }

func (r *recorded) Error() string { return r.err.Error() }
func (r *recorded) Unwrap() error { return r.err }

// ErrorType implements errtype.Named: the mark is named as the error.
func (r *recorded) ErrorType() string { return errtype.Of(r.err) }
