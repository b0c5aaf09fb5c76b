package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// eventInfo is what the wrapper reads from an EventBridge event without
// decoding it strictly (the handler does that): ids for logs and spans, and
// the producer's trace context.
type eventInfo struct {
	ID         string `json:"id"`
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	ReplayName string `json:"replay-name"`
	Detail     struct {
		Metadata struct {
			EventID       string            `json:"event_id"`
			CorrelationID string            `json:"correlation_id"`
			CausationID   string            `json:"causation_id"`
			Trace         map[string]string `json:"trace"`
			Redrive       string            `json:"redrive"`
		} `json:"metadata"`
	} `json:"detail"`
}

// replayed reports whether the event is a replay or a DLQ redrive, whose
// span links to the original context instead of continuing it.
func (e eventInfo) replayed() bool {
	return e.ReplayName != "" || e.Detail.Metadata.Redrive != ""
}

// carrier is the event's trace carrier as the propagator should see it.
func (e eventInfo) carrier() propagation.TextMapCarrier {
	if e.replayed() {
		return propagation.MapCarrier{keyReplay: "1"}
	}
	return propagation.MapCarrier(e.Detail.Metadata.Trace)
}

// original is the producer's span context of a replayed event.
func (e eventInfo) original(p propagation.TextMapPropagator) trace.SpanContext {
	ctx := p.Extract(context.Background(), propagation.MapCarrier(e.Detail.Metadata.Trace))
	return trace.SpanContextFromContext(ctx)
}
