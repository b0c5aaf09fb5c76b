package eventbridge

import "go.opentelemetry.io/otel/trace"

// xrayHeader formats the span as an X-Ray trace header for PutEvents'
// TraceHeader, so X-Ray's service map links producer and consumer.
func xrayHeader(sc trace.SpanContext) string {
	if !sc.IsValid() {
		return ""
	}
	id := sc.TraceID().String()
	sampled := "0"
	if sc.IsSampled() {
		sampled = "1"
	}
	return "Root=1-" + id[:8] + "-" + id[8:] + ";Parent=" + sc.SpanID().String() + ";Sampled=" + sampled
}
