package bus

import (
	"context"

	"github.com/alchemiser/alchemiser/app/events"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// w3c is the propagator every publisher injects with: W3C trace context
// and baggage (the event's workflow ids travel as baggage too, for
// consumers outside this code base).
var w3c = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// StartPublish starts the PRODUCER span of publishing ev, with the tracer
// of the span already in ctx (no global provider), and stamps ev's
// metadata.trace with it, so the consumer's span becomes its child. The
// EventBridge TraceHeader alone would not do: it is not archived, replayed
// or redriven with the event.
func StartPublish(ctx context.Context, source string, ev events.Event) (context.Context, trace.Span) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/alchemiser/alchemiser/app/bus")
	ctx, span := tracer.Start(ctx, "publish "+ev.EventType(), trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(
			attribute.String("messaging.system", "aws.eventbridge"),
			attribute.String("messaging.operation.type", "send"),
			attribute.String("messaging.destination.name", source),
			attribute.String("alchemiser.event_type", ev.EventType()),
			attribute.String("alchemiser.event_id", ev.Meta().EventID),
			attribute.String("alchemiser.correlation_id", ev.Meta().CorrelationID),
		))
	m := ev.Meta()
	carrier := propagation.MapCarrier{}
	w3c.Inject(withIDs(ctx, m), carrier)
	if len(carrier) > 0 {
		m.Trace = carrier
	}
	return ctx, span
}

// withIDs puts the published event's workflow ids in the baggage: its
// correlation id and its cause, exactly as its metadata says.
func withIDs(ctx context.Context, m *events.Metadata) context.Context {
	corr, err1 := baggage.NewMemberRaw("correlation_id", m.CorrelationID)
	cause, err2 := baggage.NewMemberRaw("causation_id", m.CausationID)
	if err1 != nil || err2 != nil {
		return ctx
	}
	b, err := baggage.FromContext(ctx).SetMember(corr)
	if err == nil {
		b, err = b.SetMember(cause)
	}
	if err != nil {
		return ctx
	}
	return baggage.ContextWithBaggage(ctx, b)
}
