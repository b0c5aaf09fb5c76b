package telemetry

import (
	"context"
	"fmt"
	"strings"

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
type EventPropagator struct {
	w3c  propagation.TextMapPropagator
	xray bool
}

var _ propagation.TextMapPropagator = EventPropagator{}

// ParsePropagators builds the propagator OTEL_PROPAGATORS names: a comma
// list of tracecontext, baggage, xray (the X-Ray header fallback), or none.
// Empty means "tracecontext,baggage,xray".
func ParsePropagators(list string) (EventPropagator, error) {
	if strings.TrimSpace(list) == "" {
		list = "tracecontext,baggage,xray"
	}
	var w3c []propagation.TextMapPropagator
	p := EventPropagator{}
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "tracecontext":
			w3c = append(w3c, propagation.TraceContext{})
		case "baggage":
			w3c = append(w3c, propagation.Baggage{})
		case "xray":
			p.xray = true
		case "none":
		default:
			return p, fmt.Errorf("OTEL_PROPAGATORS: unsupported propagator %q (want tracecontext, baggage, xray or none)", name)
		}
	}
	p.w3c = propagation.NewCompositeTextMapPropagator(w3c...)
	return p, nil
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
	if c.Get(keyReplay) != "" || !p.xray {
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
