package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Carrier keys in an event's detail.metadata.trace.
const (
	keyTraceParent = "traceparent"
	keyReplay      = "x-alchemiser-replay" // set by the wrapper, never published
)

// xrayContextKey is where aws-lambda-go puts the invocation's X-Ray header
// (the _X_AMZN_TRACE_ID variable is unset under multi-concurrency).
const xrayContextKey = "x-amzn-trace-id"

// EventPropagator extracts the producer's context from an event's
// detail.metadata.trace (W3C traceparent, tracestate, baggage) and, when
// the event carries none, from the X-Ray header of the invocation context.
// It injects W3C trace context and baggage.
type EventPropagator struct{ w3c propagation.TextMapPropagator }

var _ propagation.TextMapPropagator = EventPropagator{}

// NewEventPropagator returns the propagator.
func NewEventPropagator() EventPropagator {
	return EventPropagator{w3c: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})}
}

// Inject implements propagation.TextMapPropagator.
func (p EventPropagator) Inject(ctx context.Context, c propagation.TextMapCarrier) {
	p.w3c.Inject(ctx, c)
}

// Extract implements propagation.TextMapPropagator.
func (p EventPropagator) Extract(ctx context.Context, c propagation.TextMapCarrier) context.Context {
	if c.Get(keyTraceParent) != "" {
		return p.w3c.Extract(ctx, c)
	}
	if c.Get(keyReplay) != "" {
		return ctx // a replay starts a new trace, linked to the original
	}
	if h, ok := ctx.Value(xrayContextKey).(string); ok {
		if sc, ok := ParseXRayHeader(h); ok {
			return trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	return ctx
}

// Fields implements propagation.TextMapPropagator.
func (p EventPropagator) Fields() []string { return p.w3c.Fields() }
