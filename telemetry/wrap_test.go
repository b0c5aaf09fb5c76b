package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/internal/spanerr"
	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

type fixture struct {
	tel   *Telemetry
	spans *tracetest.InMemoryExporter
	out   *bytes.Buffer
}

func setup(t *testing.T, env map[string]string) fixture {
	t.Helper()
	base := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution", "AWS_REGION": "us-east-1"}
	for k, v := range env {
		base[k] = v
	}
	f := fixture{spans: tracetest.NewInMemoryExporter(), out: &bytes.Buffer{}}
	tel, err := Init(context.Background(), nil, WithEnv(func(k string) string { return base[k] }),
		WithOutput(f.out), WithSpanExporter(f.spans), WithEventBus("alchemiser-bus"))
	if err != nil {
		t.Fatal(err)
	}
	f.tel = tel
	return f
}

// producer is a remote span whose context an event carries.
var producer = trace.NewSpanContext(trace.SpanContextConfig{
	TraceID: trace.TraceID{0x67, 0x51, 0xc3, 0xa5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
	SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled, Remote: true})

func event(t *testing.T, withTrace bool, extra map[string]any) []byte {
	meta := map[string]any{"event_id": "E2", "correlation_id": "C1", "causation_id": "E1", "schema_version": "1.0"}
	if withTrace {
		carrier := propagation.MapCarrier{}
		propagation.TraceContext{}.Inject(trace.ContextWithRemoteSpanContext(context.Background(), producer), carrier)
		meta["trace"] = map[string]string(carrier)
	}
	env := map[string]any{"version": "0", "id": "eb-1", "detail-type": "RebalancePlanned", "source": "alchemiser.portfolio",
		"detail": map[string]any{"metadata": meta}}
	for k, v := range extra {
		env[k] = v
	}
	raw, _ := json.Marshal(env)
	return raw
}

func lambdaCtx() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1",
		InvokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:execution:live"})
}

func (f fixture) invoke(t *testing.T, ctx context.Context, raw []byte, h HandlerFunc) error {
	t.Helper()
	return Invoke(ctx, f.tel.Wrap(h), raw)
}

func attr(s tracetest.SpanStub, key string) string {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

func TestInvocationSpanContinuesTheProducer(t *testing.T) {
	f := setup(t, nil)
	var inside trace.SpanContext
	err := f.invoke(t, lambdaCtx(), event(t, true, nil), func(ctx context.Context, _ json.RawMessage) error {
		inside = trace.SpanContextFromContext(ctx)
		f.tel.Logger().InfoContext(ctx, "working")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	spans := f.spans.GetSpans() // exported by the wrapper's flush, not by the test
	if len(spans) != 1 {
		t.Fatalf("%d spans exported at invocation end", len(spans))
	}
	s := spans[0]
	if s.SpanContext.TraceID() != producer.TraceID() || s.Parent.SpanID() != producer.SpanID() {
		t.Errorf("span %s parent %s, want child of %s", s.SpanContext.TraceID(), s.Parent.SpanID(), producer.SpanID())
	}
	if inside.SpanID() != s.SpanContext.SpanID() {
		t.Error("the handler's context does not carry the invocation span")
	}
	for key, want := range map[string]string{"faas.trigger": "pubsub", "faas.coldstart": "true", "messaging.system": "aws.eventbridge",
		"faas.invocation_id": "req-1", "alchemiser.correlation_id": "C1", "cloud.account.id": "123456789012",
		"messaging.message.id": "eb-1", "messaging.operation.name": "process", "messaging.operation.type": "process",
		"messaging.destination.name": "alchemiser-bus", "alchemiser.event_type": "RebalancePlanned",
		"cloud.resource_id": "arn:aws:lambda:us-east-1:123456789012:function:execution"} {
		if got := attr(s, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	// The AWS Lambda conventions: a SERVER span named after the function.
	if s.Name != "execution" || s.SpanKind != trace.SpanKindServer {
		t.Errorf("span %q kind %v", s.Name, s.SpanKind)
	}
	log := ""
	for _, l := range strings.Split(f.out.String(), "\n") {
		if strings.Contains(l, `"working"`) {
			log = l
		}
	}
	if !strings.Contains(log, `"trace_id":"`+producer.TraceID().String()) || !strings.Contains(log, `"correlation_id":"C1"`) ||
		!strings.Contains(log, `"requestId":"req-1"`) {
		t.Errorf("log line lacks ids: %s", log)
	}
}

func TestColdStartOnlyOnce(t *testing.T) {
	f := setup(t, nil)
	for range 2 {
		_ = f.invoke(t, lambdaCtx(), event(t, true, nil), func(context.Context, json.RawMessage) error { return nil })
	}
	spans := f.spans.GetSpans()
	if attr(spans[0], "faas.coldstart") != "true" || attr(spans[1], "faas.coldstart") != "false" {
		t.Errorf("coldstart %s then %s", attr(spans[0], "faas.coldstart"), attr(spans[1], "faas.coldstart"))
	}
	if n := strings.Count(f.out.String(), `"ColdStart":1`); n != 1 {
		t.Errorf("%d ColdStart metric lines", n)
	}
	g := setup(t, map[string]string{"AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency"})
	_ = g.invoke(t, lambdaCtx(), event(t, true, nil), func(context.Context, json.RawMessage) error { return nil })
	if attr(g.spans.GetSpans()[0], "faas.coldstart") != "false" {
		t.Error("provisioned concurrency counted as a cold start")
	}
}

func TestXRayHeaderIsTheFallback(t *testing.T) {
	f := setup(t, nil)
	//lint:ignore SA1029 aws-lambda-go stores the X-Ray header under this plain string key
	ctx := context.WithValue(lambdaCtx(), xrayContextKey, XRayHeader(producer))
	_ = f.invoke(t, ctx, event(t, false, nil), func(context.Context, json.RawMessage) error { return nil })
	s := f.spans.GetSpans()[0]
	if s.SpanContext.TraceID() != producer.TraceID() || s.Parent.SpanID() != producer.SpanID() {
		t.Errorf("X-Ray header not used: parent %s", s.Parent.SpanID())
	}
}

func TestReplayGetsALinkNotAParent(t *testing.T) {
	f := setup(t, nil)
	_ = f.invoke(t, lambdaCtx(), event(t, true, map[string]any{"replay-name": "replay-1"}),
		func(context.Context, json.RawMessage) error { return nil })
	s := f.spans.GetSpans()[0]
	if s.SpanContext.TraceID() == producer.TraceID() || s.Parent.IsValid() {
		t.Errorf("replay continued the original trace")
	}
	if len(s.Links) != 1 || s.Links[0].SpanContext.SpanID() != producer.SpanID() {
		t.Errorf("links %+v", s.Links)
	}
}

// A redriven event (metadata.redrive, set by the DLQ redrive) starts a new
// trace linked to the original producer, as a replay does.
func TestRedriveGetsALinkNotAParent(t *testing.T) {
	f := setup(t, nil)
	raw := event(t, true, nil)
	var env map[string]any
	_ = json.Unmarshal(raw, &env)
	env["detail"].(map[string]any)["metadata"].(map[string]any)["redrive"] = "dlq-message-1"
	raw, _ = json.Marshal(env)
	_ = f.invoke(t, lambdaCtx(), raw, func(context.Context, json.RawMessage) error { return nil })
	s := f.spans.GetSpans()[0]
	if s.SpanContext.TraceID() == producer.TraceID() || s.Parent.IsValid() {
		t.Errorf("the redrive continued the original trace")
	}
	if len(s.Links) != 1 || s.Links[0].SpanContext.SpanID() != producer.SpanID() {
		t.Fatalf("links %+v", s.Links)
	}
	if got := s.Links[0].Attributes; len(got) != 1 || got[0].Key != "alchemiser.redrive" || got[0].Value.AsString() != "dlq-message-1" {
		t.Errorf("link attributes %v", got)
	}
}

func TestErrorsAreRecordedLoggedAndCounted(t *testing.T) {
	f := setup(t, nil)
	err := f.invoke(t, lambdaCtx(), event(t, true, nil), func(context.Context, json.RawMessage) error {
		return errors.New("broker unavailable")
	})
	if err == nil {
		t.Fatal("error swallowed")
	}
	s := f.spans.GetSpans()[0]
	if s.Status.Code != codes.Error || len(s.Events) == 0 || s.Events[0].Name != "exception" {
		t.Errorf("status %v events %v", s.Status, s.Events)
	}
	out := f.out.String()
	if !strings.Contains(out, `"message":"invocation failed"`) || !strings.Contains(out, `"error":"broker unavailable"`) {
		t.Errorf("no error line: %s", out)
	}
	sawErrors := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if telemetrytest.IsEMF([]byte(line)) {
			m, err := telemetrytest.ValidateEMF([]byte(line))
			if err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			if _, ok := m[MetricErrors]; ok {
				sawErrors = true
			}
			continue
		}
		if _, err := telemetrytest.ValidateLog([]byte(line)); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
	}
	if !sawErrors {
		t.Errorf("no %s metric: %s", MetricErrors, out)
	}
}

func eventAttr(e sdktrace.Event, key string) string {
	for _, a := range e.Attributes {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

// An error a span inside the handler already recorded (spanerr) fails the
// invocation span with its error.type, without a second exception event.
func TestAnExceptionRecordedBelowIsNotRecordedAgain(t *testing.T) {
	f := setup(t, nil)
	_ = f.invoke(t, lambdaCtx(), event(t, true, nil), func(ctx context.Context, _ json.RawMessage) error {
		_, span := f.tel.TracerProvider().Tracer("test").Start(ctx, "broker call")
		err := spanerr.Record(span, &leaseError{key: "K"})
		span.End()
		return fmt.Errorf("could not execute: %w", err)
	})
	var inner, outer tracetest.SpanStub
	for _, s := range f.spans.GetSpans() {
		if s.Name == "broker call" {
			inner = s
		} else {
			outer = s
		}
	}
	if len(inner.Events) != 1 || len(outer.Events) != 0 {
		t.Errorf("exception events: %d on the call, %d on the invocation; want 1 and 0", len(inner.Events), len(outer.Events))
	}
	if outer.Status.Code != codes.Error || attr(outer, "error.type") != "leaseError" {
		t.Errorf("invocation span: status %v, error.type %q", outer.Status, attr(outer, "error.type"))
	}
}

func TestPanicIsLoggedOnceAndFlushed(t *testing.T) {
	f := setup(t, nil)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed: the runtime must still see it")
			}
		}()
		_ = f.invoke(t, lambdaCtx(), event(t, true, nil), func(context.Context, json.RawMessage) error { panic("boom") })
	}()
	if n := strings.Count(f.out.String(), `"message":"invocation panicked"`); n != 1 {
		t.Errorf("panic logged %d times", n)
	}
	if !strings.Contains(f.out.String(), `"stack":"goroutine`) {
		t.Error("no stack")
	}
	if len(f.spans.GetSpans()) != 1 || f.spans.GetSpans()[0].Status.Code != codes.Error {
		t.Error("span not flushed on panic")
	}
}

func TestFlushRespectsTheDeadline(t *testing.T) {
	f := setup(t, map[string]string{EnvFlushMargin: "1s"})
	ctx, cancel := context.WithDeadline(lambdaCtx(), time.Now().Add(500*time.Millisecond))
	defer cancel()
	// The margin is larger than the time left: the flush must give up at
	// once rather than run past the deadline.
	err := f.tel.ForceFlush(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("flush err = %v, want the deadline", err)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for env, want := range map[string]string{
		"OTEL_TRACES_EXPORTER":     "OTEL_TRACES_EXPORTER",
		"AWS_LAMBDA_LOG_LEVEL":     "unknown log level",
		EnvSampleRate:              EnvSampleRate,
		EnvFlushMargin:             EnvFlushMargin,
		"OTEL_RESOURCE_ATTRIBUTES": "OTEL_RESOURCE_ATTRIBUTES",
	} {
		vals := map[string]string{env: "bogus"}
		_, err := Init(context.Background(), nil, WithEnv(func(k string) string { return vals[k] }), WithOutput(&bytes.Buffer{}))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=bogus: err = %v", env, err)
		}
	}
}

func TestXRayFallbackCanBeTurnedOff(t *testing.T) {
	f := setup(t, map[string]string{"OTEL_PROPAGATORS": "tracecontext,baggage"})
	//lint:ignore SA1029 aws-lambda-go stores the X-Ray header under this plain string key
	ctx := context.WithValue(lambdaCtx(), xrayContextKey, XRayHeader(producer))
	_ = f.invoke(t, ctx, event(t, false, nil), func(context.Context, json.RawMessage) error { return nil })
	if s := f.spans.GetSpans()[0]; s.Parent.IsValid() {
		t.Error("X-Ray header used although OTEL_PROPAGATORS leaves xray out")
	}
}

func TestSigV4SignsForXRay(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	tr := &SigV4Transport{Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), Region: "eu-west-1",
		Service: "xray", Now: func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/traces", strings.NewReader("spans"))
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	auth := got.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/20261124/eu-west-1/xray/aws4_request") || string(body) != "spans" {
		t.Errorf("authorization %q body %q", auth, body)
	}
	if got.Header.Get("X-Amz-Date") != "20261124T000000Z" {
		t.Errorf("date %q", got.Header.Get("X-Amz-Date"))
	}
}

type leaseError struct{ key string }

func (e *leaseError) Error() string { return "lease lost on " + e.key }

// One name for a failure: the log line, the Errors metric's dimension and
// the errorType the Lambda runtime reports (aws-lambda-go would say
// "wrapError" of the handler's error itself).
func TestTheErrorTypeIsOneNameEverywhere(t *testing.T) {
	f := setup(t, nil)
	h := f.tel.Wrap(func(context.Context, json.RawMessage) error {
		return fmt.Errorf("could not execute: %w", &leaseError{key: "K"})
	})
	_, err := h.Invoke(lambdaCtx(), event(t, true, nil))
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) || ie.Type != "leaseError" || ie.Message != "could not execute: lease lost on K" {
		t.Fatalf("the runtime gets %#v", err)
	}
	out := f.out.String()
	if !strings.Contains(out, `"error_type":"leaseError"`) || strings.Count(out, `"error_type":"leaseError"`) != 2 {
		t.Errorf("want the log line and the EMF dimension to say leaseError:\n%s", out)
	}
	s := f.spans.GetSpans()[0]
	if attr(s, "error.type") != "leaseError" || len(s.Events) != 1 || eventAttr(s.Events[0], "exception.type") != "leaseError" {
		t.Errorf("the span says error.type %q, events %+v", attr(s, "error.type"), s.Events)
	}
	err = Invoke(lambdaCtx(), h, event(t, true, nil))
	if le := (*leaseError)(nil); !errors.As(err, &le) {
		t.Errorf("Invoke (the local stack's path) returns %#v, not the handler's error", err)
	}
}
