package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/telemetry"
)

// The breaker's state-change line is written with the call's context, so
// it carries the invocation's trace and correlation ids like every other
// line of the invocation.
func TestBreakerStateChangeLineCarriesTheInvocationsIDs(t *testing.T) {
	var out bytes.Buffer
	env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution"}
	tel, err := telemetry.Init(context.Background(), nil, telemetry.WithEnv(func(k string) string { return env[k] }), telemetry.WithOutput(&out))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := metrics.New(tel.MeterProvider(), "execution")
	if err != nil {
		t.Fatal(err)
	}
	rec.Log = tel.Logger()
	ctx := telemetry.ContextWithInvocation(context.Background(), &telemetry.Invocation{Function: "execution", CorrelationID: "C1", RequestID: "req-1"})
	ctx, span := tel.TracerProvider().Tracer("test").Start(ctx, "broker call")
	rec.BreakerStateChange(ctx, "closed", "open")
	span.End()
	var line map[string]any
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, "circuit breaker state changed") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	if line == nil {
		t.Fatalf("no state-change line:\n%s", out.String())
	}
	if line["trace_id"] != span.SpanContext().TraceID().String() || line["correlation_id"] != "C1" || line["requestId"] != "req-1" {
		t.Errorf("the line lacks the invocation's ids: %v", line)
	}
}
