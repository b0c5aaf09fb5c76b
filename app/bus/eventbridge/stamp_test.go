package eventbridge

import (
	"context"
	"encoding/json"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestPublishStampsTraceContextAndXRayHeader(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	ctx, parent := tp.Tracer("test").Start(context.Background(), "invocation")
	fake := &fakeEventBridge{}
	p := New(newClient(t, fake), "b", "alchemiser.strategy")
	if err := p.Publish(ctx, started(1, "manual")...); err != nil {
		t.Fatal(err)
	}
	parent.End()
	entry := fake.calls[0][0]
	var detail struct {
		Metadata struct {
			Trace map[string]string `json:"trace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(entry["Detail"].(string)), &detail); err != nil {
		t.Fatal(err)
	}
	var producer tracetest.SpanStub
	for _, s := range spans.GetSpans() {
		if s.SpanKind == trace.SpanKindProducer {
			producer = s
		}
	}
	tid, sid := producer.SpanContext.TraceID().String(), producer.SpanContext.SpanID().String()
	if producer.Parent.SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("publish span is not a child of the invocation")
	}
	if tp := detail.Metadata.Trace["traceparent"]; tp != "00-"+tid+"-"+sid+"-01" {
		t.Errorf("traceparent %q, want the publish span %s/%s", tp, tid, sid)
	}
	if h, _ := entry["TraceHeader"].(string); h != "Root=1-"+tid[:8]+"-"+tid[8:]+";Parent="+sid+";Sampled=1" {
		t.Errorf("TraceHeader %q", h)
	}
	// The messaging conventions' send span: "send {bus}".
	if producer.Name != "send b" {
		t.Errorf("span %q", producer.Name)
	}
	got := map[string]string{}
	for _, a := range producer.Attributes {
		got[string(a.Key)] = a.Value.String()
	}
	for k, want := range map[string]string{"messaging.operation.name": "send", "messaging.operation.type": "send",
		"messaging.destination.name": "b", "messaging.system": "aws.eventbridge", "alchemiser.event_type": "WorkflowStarted"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}

func TestPublishCarriesTheEventsIDsAsBaggage(t *testing.T) {
	fake := &fakeEventBridge{}
	p := New(newClient(t, fake), "b", "alchemiser.strategy")
	ev := started(1, "manual")[0]
	if err := p.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	var detail struct {
		Metadata struct {
			Trace map[string]string `json:"trace"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal([]byte(fake.calls[0][0]["Detail"].(string)), &detail)
	want := "causation_id=" + ev.Meta().CausationID + ",correlation_id=" + ev.Meta().CorrelationID
	if got := detail.Metadata.Trace["baggage"]; got != want && got != "correlation_id="+ev.Meta().CorrelationID+",causation_id="+ev.Meta().CausationID {
		t.Errorf("baggage %q", got)
	}
}
