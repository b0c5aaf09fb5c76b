package telemetry

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// The OTLP transports OTEL_EXPORTER_OTLP_TRACES_PROTOCOL (else
// OTEL_EXPORTER_OTLP_PROTOCOL) may name. An SDK that serves one protocol
// only should serve http/protobuf, the default
// (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specify-protocol);
// we serve both HTTP encodings. grpc is not served: the functions do not
// link a gRPC exporter, so it is exported as http/protobuf, with a warning
// at start-up.
const (
	ProtocolHTTPProtobuf = "http/protobuf"
	ProtocolHTTPJSON     = "http/json"
)

// otlpProtocol is the protocol to export with, and a warning when the
// environment asks for one that is not served.
func otlpProtocol(getenv func(string) string) (protocol, warning string) {
	name, v := "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if v == "" {
		name, v = "OTEL_EXPORTER_OTLP_PROTOCOL", getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch strings.TrimSpace(v) {
	case "", ProtocolHTTPProtobuf:
		return ProtocolHTTPProtobuf, ""
	case ProtocolHTTPJSON:
		return ProtocolHTTPJSON, ""
	}
	return ProtocolHTTPProtobuf, fmt.Sprintf("%s=%q is not served (want %s or %s): traces are exported as %s",
		name, v, ProtocolHTTPProtobuf, ProtocolHTTPJSON, ProtocolHTTPProtobuf)
}

// otlpJSONClient is an otlptrace.Client for OTLP/HTTP with the JSON
// encoding (encodeOTLPJSON), which the maintained otlptracehttp client
// does not offer. It reads the same OTEL_EXPORTER_OTLP_* variables for
// the endpoint, headers, timeout and compression, and makes one attempt
// per export: the invocation's flush is bounded by its deadline anyway.
type otlpJSONClient struct {
	url     string
	headers map[string]string
	timeout time.Duration
	gzip    bool
	http    *http.Client
}

var _ otlptrace.Client = (*otlpJSONClient)(nil)

// newOTLPJSONClient reads the exporter's variables
// (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): a
// traces endpoint is used as it is, a base endpoint gets /v1/traces.
func newOTLPJSONClient(getenv func(string) string, hc *http.Client) (*otlpJSONClient, error) {
	c := &otlpJSONClient{url: "http://localhost:4318/v1/traces", timeout: 10 * time.Second, http: hc, headers: map[string]string{}}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if v := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); v != "" {
		c.url = v
	} else if v := getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); v != "" {
		c.url = strings.TrimSuffix(v, "/") + "/v1/traces"
	}
	if _, err := url.Parse(c.url); err != nil {
		return nil, fmt.Errorf("OTLP traces endpoint %q: %w", c.url, err)
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"} {
		pairs, err := parseKeyValues(name, getenv(name))
		if err != nil {
			return nil, err
		}
		for _, kv := range pairs {
			c.headers[kv[0]] = kv[1]
		}
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"} {
		if v := getenv(name); v != "" {
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				return nil, fmt.Errorf("%s=%q: want milliseconds", name, v)
			}
			c.timeout = time.Duration(ms) * time.Millisecond
			break
		}
	}
	c.gzip = firstOf(getenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"), getenv("OTEL_EXPORTER_OTLP_COMPRESSION")) == "gzip"
	return c, nil
}

// Start implements otlptrace.Client.
func (c *otlpJSONClient) Start(context.Context) error { return nil }

// Stop implements otlptrace.Client.
func (c *otlpJSONClient) Stop(context.Context) error { return nil }

// UploadTraces implements otlptrace.Client: it marshals before returning
// and keeps nothing.
func (c *otlpJSONClient) UploadTraces(ctx context.Context, spans []*tracepb.ResourceSpans) error {
	body, err := encodeOTLPJSON(&tracepb.TracesData{ResourceSpans: spans})
	if err != nil {
		return err
	}
	if c.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = b.Bytes()
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("could not build the OTLP request: %w", err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("could not send spans: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("OTLP endpoint answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
