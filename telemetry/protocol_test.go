package telemetry

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestOTLPProtocolFromTheEnvironment(t *testing.T) {
	for _, c := range []struct {
		env      map[string]string
		want     string
		warnings bool
	}{
		{nil, ProtocolHTTPProtobuf, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, ProtocolHTTPJSON, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, ProtocolHTTPProtobuf, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"}, ProtocolHTTPJSON, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, ProtocolHTTPProtobuf, true},
	} {
		got, warning := otlpProtocol(func(k string) string { return c.env[k] })
		if got != c.want || (warning != "") != c.warnings {
			t.Errorf("%v: %s, warning %q; want %s, warning %v", c.env, got, warning, c.want, c.warnings)
		}
	}
}

// A protocol we cannot serve is said at start-up, naming the variable.
func TestAnUnservedProtocolIsAStartupWarning(t *testing.T) {
	f := setup(t, map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"})
	out := f.out.String()
	if !strings.Contains(out, `"level":"WARN"`) || !strings.Contains(out, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=\"grpc\" is not served`) {
		t.Errorf("no start-up warning:\n%s", out)
	}
	quiet := setup(t, map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
	if quiet.out.Len() != 0 {
		t.Errorf("warned with no OTLP export:\n%s", quiet.out.String())
	}
}

// OTEL_EXPORTER_OTLP_PROTOCOL=http/json posts OTLP/JSON, with the
// configured headers, to the base endpoint's /v1/traces; the collector's
// decoder reads the body.
func TestHTTPJSONExportsOTLPJSON(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	var headers []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Error(err)
				return
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		mu.Lock()
		if r.URL.Path == "/v1/traces" {
			bodies, headers = append(bodies, b), append(headers, r.Header.Clone())
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution", "OTEL_TRACES_EXPORTER": "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL + "/",
		"OTEL_EXPORTER_OTLP_HEADERS": "x-team=trading%20desk", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip"}
	tel, err := Init(context.Background(), nil, WithEnv(func(k string) string { return env[k] }), WithOutput(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := Invoke(lambdaCtx(), tel.Wrap(func(context.Context, json.RawMessage) error { return nil }), event(t, true, nil)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("%d exports to /v1/traces", len(bodies))
	}
	if h := headers[0]; h.Get("Content-Type") != "application/json" || h.Get("X-Team") != "trading desk" {
		t.Errorf("headers %v", h)
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(bodies[0])
	if err != nil || td.SpanCount() != 1 {
		t.Fatalf("the collector reads %d spans: %v\n%s", td.SpanCount(), err, bodies[0])
	}
}

func TestHTTPJSONNamesABadVariable(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"OTEL_EXPORTER_OTLP_TIMEOUT": {"OTEL_EXPORTER_OTLP_TIMEOUT": "soon"},
		"OTEL_EXPORTER_OTLP_HEADERS": {"OTEL_EXPORTER_OTLP_HEADERS": "novalue"},
	} {
		_, err := newOTLPJSONClient(func(k string) string { return env[k] }, nil)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: %v", env, err)
		}
	}
}

// The resource says which SDK produced the telemetry.
func TestResourceNamesTheSDK(t *testing.T) {
	got := resourceAttrs(t, setup(t, nil))
	if got["telemetry.sdk.name"] != "opentelemetry" || got["telemetry.sdk.language"] != "go" || got["telemetry.sdk.version"] == "" {
		t.Errorf("resource %v", got)
	}
}

// Each function is its own service in a trace UI (service.name, which
// Jaeger and X-Ray group by), the system their namespace; the log lines'
// service key stays the system's, and OTEL_SERVICE_NAME still wins.
func TestServiceNameIsTheFunction(t *testing.T) {
	for _, c := range []struct {
		env                 map[string]string
		name, namespace, ln string
	}{
		{nil, "execution", "alchemiser", "alchemiser"},
		{map[string]string{"POWERTOOLS_SERVICE_NAME": "desk"}, "execution", "desk", "desk"},
		{map[string]string{"OTEL_SERVICE_NAME": "exec-svc"}, "exec-svc", "alchemiser", "alchemiser"},
	} {
		f := setup(t, c.env)
		got := resourceAttrs(t, f)
		if got["service.name"] != c.name || got["service.namespace"] != c.namespace {
			t.Errorf("%v: service.name %q, service.namespace %q; want %q, %q", c.env, got["service.name"], got["service.namespace"], c.name, c.namespace)
		}
		f.tel.Logger().Info("x")
		if !strings.Contains(f.out.String(), `"service":"`+c.ln+`"`) {
			t.Errorf("%v: log line %s", c.env, f.out.String())
		}
		// The metrics' service dimension is the system's, as the alarms expect.
		f.out.Reset()
		n, _ := f.tel.MeterProvider().Meter("test").Int64Counter("OrdersSubmitted")
		n.Add(context.Background(), 1)
		_ = f.tel.ForceFlush(context.Background())
		if !strings.Contains(f.out.String(), `"service":"`+c.namespace+`"`) {
			t.Errorf("%v: EMF %s", c.env, f.out.String())
		}
	}
}

func resourceAttrs(t *testing.T, f fixture) map[string]string {
	t.Helper()
	res, err := f.tel.resource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range res.Attributes() {
		got[string(kv.Key)] = kv.Value.String()
	}
	return got
}
