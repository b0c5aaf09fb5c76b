package execution

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/alchemiser/alchemiser/internal/spanerr"
)

// startCall starts the span of one broker call attempt (the breaker, the
// attempt's timeout), with the tracer of the span in ctx: the package
// uses the OpenTelemetry API only, and no global provider. It is INTERNAL:
// the broker adapter makes each HTTP request its CLIENT span, with the
// HTTP client attributes, as a child of this one; two CLIENT spans for
// one request would count it twice in a trace UI's client calls.
func startCall(ctx context.Context, endpoint string, attempt int) (context.Context, trace.Span) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/alchemiser/alchemiser/app/execution")
	return tracer.Start(ctx, "broker "+endpoint, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attribute.String("alchemiser.broker.endpoint", endpoint), attribute.Int("alchemiser.broker.attempt", attempt)))
}

// endCall ends span, failed by err (spanerr.Record: the exception is
// recorded here, where it happened), and returns err marked as recorded.
func endCall(span trace.Span, err error) error {
	err = spanerr.Record(span, err)
	span.End()
	return err
}
