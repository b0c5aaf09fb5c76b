package alpaca

import (
	"context"
	"net/url"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// Each broker request is an HTTP CLIENT span, a child of the caller's span,
// with the HTTP client conventions' attributes and the endpoint as its
// name and url.template; a refused request fails its span with the
// status code as error.type.
func TestRequestsAreHTTPClientSpans(t *testing.T) {
	f := setup(t, 0)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	ctx, parent := tp.Tracer("test").Start(context.Background(), "broker call")
	if _, err := f.a.Account(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.LatestQuote(ctx, "SPY"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.OrderByClientOrderID(ctx, "no-such-order"); err == nil {
		t.Fatal("an unknown order was found")
	}
	parent.End()
	u, _ := url.Parse(f.a.cfg.BaseURL)
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans.GetSpans() {
		byName[s.Name] = s
	}
	for name, want := range map[string]map[string]string{
		"GET /v2/account": {"http.request.method": "GET", "url.template": "/v2/account", "http.response.status_code": "200",
			"server.address": u.Hostname(), "server.port": u.Port(), "url.full": f.a.cfg.BaseURL + "/v2/account"},
		"GET":                               {"http.request.method": "GET", "server.address": u.Hostname(), "http.response.status_code": "200"},
		"GET /v2/orders:by_client_order_id": {"http.response.status_code": "404", "error.type": "404"},
	} {
		s, ok := byName[name]
		if !ok {
			t.Errorf("no span %q among %v", name, keys(byName))
			continue
		}
		if s.SpanKind != trace.SpanKindClient || s.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("%s: kind %v, parent %v", name, s.SpanKind, s.Parent.SpanID())
		}
		got := map[string]string{}
		for _, a := range s.Attributes {
			got[string(a.Key)] = a.Value.String()
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", name, k, got[k], v)
			}
		}
		if (got["error.type"] != "") != (s.Status.Code == codes.Error) {
			t.Errorf("%s: status %v with error.type %q", name, s.Status, got["error.type"])
		}
	}
}

func keys(m map[string]tracetest.SpanStub) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
