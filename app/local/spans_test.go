package local

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"testing/synctest"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/alchemiser/alchemiser/topology"
)

// TestSpansFollowTheConventions reads a run's traces.jsonl with the
// OpenTelemetry Collector's own OTLP/JSON decoder and checks the spans
// against the semantic conventions the telemetry layer follows: each
// function its own service; invocation spans SERVER and named after the
// function; an EventBridge event's with the messaging attributes of
// processing it from the bus, a schedule's a timer with its cron; publish
// spans "send {bus}"; broker requests CLIENT spans with the HTTP client
// attributes; no attribute without a value.
func TestSpansFollowTheConventions(t *testing.T) {
	synctest.Test(t, testSpansFollowTheConventions)
}

func testSpansFollowTheConventions(t *testing.T) {
	top, traces := runOne(t, 5)
	bus := top.Functions[topology.LogicalID("scheduler")].Env["EVENT_BUS_NAME"]
	f, err := os.Open(traces)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	seen := map[string]int{}
	for sc.Scan() {
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(sc.Bytes())
		if err != nil {
			t.Fatalf("the collector refuses a line of traces.jsonl: %v", err)
		}
		for _, rs := range td.ResourceSpans().All() {
			res := rs.Resource().Attributes()
			fn := str(res, "faas.name")
			if str(res, "service.name") != fn {
				t.Errorf("%s: service.name %q", fn, str(res, "service.name"))
			}
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					checkSpan(t, fn, bus, s)
					seen[s.Kind().String()+" "+str(s.Attributes(), "faas.trigger")]++
				}
			}
		}
	}
	for _, want := range []string{"Server timer", "Server pubsub", "Producer ", "Client "} {
		if seen[want] == 0 {
			t.Errorf("no %q span in the run: %v", want, seen)
		}
	}
}

func checkSpan(t *testing.T, fn, bus string, s ptrace.Span) {
	t.Helper()
	attrs := s.Attributes()
	if s.Name() != strings.TrimSpace(s.Name()) || s.Name() == "" {
		t.Errorf("%s: span name %q", fn, s.Name())
	}
	for k, v := range attrs.All() {
		if v.Type() == pcommon.ValueTypeStr && v.Str() == "" {
			t.Errorf("%s: span %q has %s without a value", fn, s.Name(), k)
		}
	}
	switch s.Kind() {
	case ptrace.SpanKindServer:
		if s.Name() != fn {
			t.Errorf("%s: invocation span named %q, want the function's name", fn, s.Name())
		}
		switch str(attrs, "faas.trigger") {
		case "pubsub":
			if str(attrs, "messaging.destination.name") != bus || str(attrs, "messaging.operation.name") != "process" {
				t.Errorf("%s: destination %q, operation %q", fn, str(attrs, "messaging.destination.name"), str(attrs, "messaging.operation.name"))
			}
		case "timer":
			if fn != "scheduler" || !strings.HasPrefix(str(attrs, "faas.cron"), "cron(") || str(attrs, "faas.time") == "" {
				t.Errorf("%s: timer without its schedule: cron %q, time %q", fn, str(attrs, "faas.cron"), str(attrs, "faas.time"))
			}
		default:
			t.Errorf("%s: faas.trigger %q", fn, str(attrs, "faas.trigger"))
		}
	case ptrace.SpanKindClient: // a broker request
		if str(attrs, "server.address") == "" || str(attrs, "http.request.method") == "" || str(attrs, "http.response.status_code") == "" {
			t.Errorf("%s: client span %q without the HTTP client attributes: %v", fn, s.Name(), attrs.AsRaw())
		}
	case ptrace.SpanKindProducer:
		if s.Name() != "send "+bus || str(attrs, "messaging.operation.name") != "send" {
			t.Errorf("%s: publish span %q", fn, s.Name())
		}
	}
}

func str(m pcommon.Map, key string) string {
	v, ok := m.Get(key)
	if !ok {
		return ""
	}
	return v.AsString()
}
