package alpaca

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// traced returns base (http.DefaultClient when nil) with a transport that
// makes every request an HTTP CLIENT span, with the tracer of the span in
// the request's context (no global provider). otelhttp sets the HTTP
// client conventions' attributes (server.address, server.port, url.full,
// http.request.method, http.response.status_code, error.type)
// (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span).
// endpoint ("GET /v2/orders/{id}") is the span's name and url.template,
// "{method} {url.template}" as the conventions name a client span; ""
// names it after the method alone.
func traced(base *http.Client, endpoint string) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	opts := []otelhttp.Option{otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
		if endpoint != "" {
			return endpoint
		}
		return r.Method
	})}
	if _, path, ok := strings.Cut(endpoint, " "); ok {
		opts = append(opts, otelhttp.WithSpanOptions(trace.WithAttributes(semconv.URLTemplate(path))))
	}
	c.Transport = otelhttp.NewTransport(c.Transport, opts...)
	return c
}
