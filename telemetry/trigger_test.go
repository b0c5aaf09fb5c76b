package telemetry

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func scheduleTrigger(raw []byte) Trigger {
	var in struct {
		Trigger string    `json:"trigger"`
		At      time.Time `json:"scheduled_time"`
		Cron    string    `json:"cron"`
	}
	_ = json.Unmarshal(raw, &in)
	return Trigger{Timer: in.Trigger != "verify", Cron: in.Cron, Time: in.At, Name: in.Trigger}
}

func invokeRaw(t *testing.T, f fixture, raw string, opts ...WrapOption) tracetest.SpanStub {
	t.Helper()
	if err := Invoke(lambdaCtx(), f.tel.Wrap(func(context.Context, json.RawMessage) error { return nil }, opts...), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	spans := f.spans.GetSpans()
	return spans[len(spans)-1]
}

// A schedule's invocation is a timer trigger with the schedule's
// attributes, no messaging attribute and no attribute without a value.
func TestScheduleInvocationIsATimer(t *testing.T) {
	f := setup(t, nil)
	s := invokeRaw(t, f, `{"trigger":"watchdog","scheduled_time":"2026-03-02T14:35:00Z","cron":"cron(0/5 9-15 ? * MON-FRI *)"}`,
		WithTrigger(scheduleTrigger))
	for key, want := range map[string]string{"faas.trigger": "timer", "faas.cron": "cron(0/5 9-15 ? * MON-FRI *)",
		"faas.time": "2026-03-02T14:35:00Z", "alchemiser.trigger": "watchdog"} {
		if got := attr(s, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if s.Name != "execution" {
		t.Errorf("span name %q", s.Name)
	}
	for _, a := range s.Attributes {
		if strings.HasPrefix(string(a.Key), "messaging.") || a.Value.String() == "" {
			t.Errorf("attribute %s=%q on a schedule's invocation", a.Key, a.Value.String())
		}
	}
	manual := invokeRaw(t, f, `{"trigger":"verify"}`, WithTrigger(scheduleTrigger))
	if attr(manual, "faas.trigger") != "other" || attr(manual, "faas.cron") != "" || attr(manual, "alchemiser.trigger") != "verify" {
		t.Errorf("a manual invoke: %v", manual.Attributes)
	}
	bare := invokeRaw(t, f, `{}`)
	if attr(bare, "faas.trigger") != "other" {
		t.Errorf("without WithTrigger: %v", bare.Attributes)
	}
}
