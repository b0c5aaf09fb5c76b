package telemetry

import (
	"encoding/hex"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// XRayTraceID formats a W3C trace id the way X-Ray shows it:
// 1-<first 8 hex digits>-<remaining 24>. X-Ray accepts W3C ids whose first
// 32 bits are the epoch seconds; others still display under this form.
// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-traceids
func XRayTraceID(id trace.TraceID) string {
	s := id.String()
	return "1-" + s[:8] + "-" + s[8:]
}

// XRayHeader formats sc as an X-Ray trace header, for PutEvents' TraceHeader.
func XRayHeader(sc trace.SpanContext) string {
	sampled := "0"
	if sc.IsSampled() {
		sampled = "1"
	}
	return "Root=" + XRayTraceID(sc.TraceID()) + ";Parent=" + sc.SpanID().String() + ";Sampled=" + sampled
}

// ParseXRayHeader reads "Root=1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy;Parent=zzzzzzzzzzzzzzzz;Sampled=1"
// into a remote span context; ok is false when it has no usable root and parent.
func ParseXRayHeader(h string) (trace.SpanContext, bool) {
	var cfg trace.SpanContextConfig
	for _, part := range strings.Split(h, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Root":
			parts := strings.Split(v, "-")
			if len(parts) != 3 || parts[0] != "1" || len(parts[1]) != 8 || len(parts[2]) != 24 {
				return trace.SpanContext{}, false
			}
			raw, err := hex.DecodeString(parts[1] + parts[2])
			if err != nil {
				return trace.SpanContext{}, false
			}
			copy(cfg.TraceID[:], raw)
		case "Parent":
			raw, err := hex.DecodeString(v)
			if err != nil || len(raw) != 8 {
				return trace.SpanContext{}, false
			}
			copy(cfg.SpanID[:], raw)
		case "Sampled":
			if v == "1" {
				cfg.TraceFlags = trace.FlagsSampled
			}
		}
	}
	cfg.Remote = true
	sc := trace.NewSpanContext(cfg)
	return sc, sc.IsValid()
}
