package telemetry

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Invocation is what the wrapper knows about the running invocation; the
// log handler writes it into every line logged with the invocation's context.
type Invocation struct {
	RequestID     string
	Function      string
	ColdStart     bool
	XRayTraceID   string
	CorrelationID string
	CausationID   string
	EventID       string
	EventType     string

	span trace.Span // the invocation span

	debug *debugBuffer
	dbuf  debugBuffer // storage for debug, allocated with the invocation

	// The formatted context keys of the last line, reused while the
	// handler and span stay the same: every line of an invocation repeats
	// them.
	mu        sync.Mutex
	cacheCore *logCore
	cacheSpan trace.SpanID
	cached    []byte
}

type invocationKey struct{}

// ContextWithInvocation returns ctx carrying inv.
func ContextWithInvocation(ctx context.Context, inv *Invocation) context.Context {
	return context.WithValue(ctx, invocationKey{}, inv)
}

// InvocationFrom returns the invocation in ctx, or nil.
func InvocationFrom(ctx context.Context) *Invocation {
	if ctx == nil {
		return nil
	}
	inv, _ := ctx.Value(invocationKey{}).(*Invocation)
	return inv
}

// AdoptCorrelation gives the running invocation the correlation id of a
// workflow it starts: an invocation triggered by a schedule has none in
// its event. The invocation span and every later log line carry it.
func AdoptCorrelation(ctx context.Context, correlationID string) {
	inv := InvocationFrom(ctx)
	if inv == nil {
		return
	}
	inv.mu.Lock()
	inv.CorrelationID, inv.cached = correlationID, nil
	span := inv.span
	inv.mu.Unlock()
	if span != nil {
		span.SetAttributes(attribute.String("alchemiser.correlation_id", correlationID))
	}
}

// debugBuffer holds an invocation's DEBUG lines until it logs an error
// (then they are written, in order, before the error) or ends (then they
// are dropped). Sampled invocations write DEBUG lines at once.
type debugBuffer struct {
	mu      sync.Mutex
	sampled bool
	lines   [][]byte
	flushed bool // an error happened: write DEBUG lines at once from now on
	dropped int
}

// maxBufferedLines bounds an invocation's buffered DEBUG lines.
const maxBufferedLines = 512
