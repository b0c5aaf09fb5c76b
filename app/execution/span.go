package execution

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// startCall starts a CLIENT span for one broker call attempt, with the
// tracer of the span in ctx: the package uses the OpenTelemetry API only,
// and no global provider.
func startCall(ctx context.Context, endpoint string, attempt int) (context.Context, trace.Span) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/alchemiser/alchemiser/app/execution")
	return tracer.Start(ctx, "broker "+endpoint, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("alchemiser.broker.endpoint", endpoint), attribute.Int("alchemiser.broker.attempt", attempt)))
}

func endCall(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
