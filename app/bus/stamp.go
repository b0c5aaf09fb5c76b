package bus

import (
	"context"

	"github.com/alchemiser/alchemiser/app/events"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// w3c is the propagator every publisher injects with: W3C trace context
// and baggage (the event's workflow ids travel as baggage too, for
// consumers outside this code base).
var w3c = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// StartPublish starts the PRODUCER span of publishing ev to the event bus
// busName, with the tracer of the span already in ctx (no global
// provider), and stamps ev's metadata.trace with it, so the consumer's
// span becomes its child. The EventBridge TraceHeader alone would not do:
// it is not archived, replayed or redriven with the event.
//
// The span follows the messaging conventions' send span
// (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/):
// named "{messaging.operation.name} {messaging.destination.name}", "send
// alchemiser-bus", the destination being the bus (an EventBridge event is
// sent to a bus, and rules route it from there); the event's type is an
// attribute. messaging.system is "aws.eventbridge": the conventions list
// no value for EventBridge.
func StartPublish(ctx context.Context, busName string, ev events.Event) (context.Context, trace.Span) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/alchemiser/alchemiser/app/bus")
	attrs := []attribute.KeyValue{
		semconv.MessagingSystemKey.String("aws.eventbridge"),
		semconv.MessagingOperationName("send"),
		semconv.MessagingOperationTypeSend,
		attribute.String("alchemiser.event_type", ev.EventType()),
		attribute.String("alchemiser.event_id", ev.Meta().EventID),
		attribute.String("alchemiser.correlation_id", ev.Meta().CorrelationID),
	}
	name := "send"
	if busName != "" {
		name += " " + busName
		attrs = append(attrs, semconv.MessagingDestinationName(busName))
	}
	ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(attrs...))
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
