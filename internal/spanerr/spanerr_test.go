package spanerr_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/alchemiser/alchemiser/internal/errtype"
	"github.com/alchemiser/alchemiser/internal/spanerr"
)

type keyError struct{ key string }

func (e *keyError) Error() string { return "bad key " + e.key }

func attr(s tracetest.SpanStub, key string) string {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

// An error failing three nested spans: every span is failed with the
// same error.type, and only the innermost holds the exception event.
func TestTheExceptionIsRecordedOnceWhereItHappened(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	tr := tp.Tracer("test")
	ctx, outer := tr.Start(context.Background(), "invocation")
	ctx, stage := tr.Start(ctx, "stage")
	_, call := tr.Start(ctx, "call")
	cause := &keyError{key: "K"}
	err := spanerr.Record(call, cause)
	call.End()
	err = spanerr.Record(stage, fmt.Errorf("could not plan: %w", err))
	stage.End()
	err = spanerr.Record(outer, err)
	outer.End()

	var ke *keyError
	if !errors.As(err, &ke) || err.Error() != "could not plan: bad key K" || errtype.Of(err) != "keyError" {
		t.Errorf("the mark is not transparent: %q, errtype %q", err, errtype.Of(err))
	}
	for _, s := range spans.GetSpans() {
		if s.Status.Code != codes.Error || attr(s, "error.type") != "keyError" {
			t.Errorf("%s: status %v, error.type %q", s.Name, s.Status, attr(s, "error.type"))
		}
		wantEvents := 0
		if s.Name == "call" {
			wantEvents = 1
		}
		if len(s.Events) != wantEvents {
			t.Errorf("%s: %d exception events, want %d", s.Name, len(s.Events), wantEvents)
		}
		for _, e := range s.Events {
			for _, a := range e.Attributes {
				if a.Key == "exception.type" && a.Value.AsString() != "keyError" {
					t.Errorf("exception.type %q", a.Value.AsString())
				}
			}
		}
	}
}

func TestNilLeavesTheSpan(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	_, s := tp.Tracer("test").Start(context.Background(), "ok")
	if spanerr.Record(s, nil) != nil {
		t.Error("nil became an error")
	}
	s.End()
	if got := spans.GetSpans()[0]; got.Status.Code != codes.Unset || len(got.Attributes) != 0 {
		t.Errorf("%+v", got)
	}
}
