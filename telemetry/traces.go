package telemetry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// spanExporter builds the exporter OTEL_TRACES_EXPORTER names.
func spanExporter(ctx context.Context, c config, creds aws.CredentialsProvider) (sdktrace.SpanExporter, error) {
	switch c.traces {
	case "console":
		return stdouttrace.New(stdouttrace.WithWriter(os.Stderr))
	case "otlp":
		var hc *http.Client
		if c.sigv4 {
			if creds == nil {
				return nil, fmt.Errorf("%s needs AWS credentials", EnvSigV4)
			}
			hc = &http.Client{Transport: &SigV4Transport{Credentials: creds, Region: c.region, Service: "xray"}}
		}
		if c.protocol == ProtocolHTTPJSON {
			client, err := newOTLPJSONClient(c.getenv, hc)
			if err != nil {
				return nil, err
			}
			return NewOTLPExporter(ctx, client)
		}
		var opts []otlptracehttp.Option
		if hc != nil {
			opts = append(opts, otlptracehttp.WithHTTPClient(hc))
		}
		return NewOTLPExporter(ctx, otlptracehttp.NewClient(opts...))
	}
	return nil, nil
}

// SigV4Transport signs requests with AWS Signature Version 4, so OTLP can
// go straight to X-Ray's OTLP endpoint (https://xray.REGION.amazonaws.com/v1/traces)
// without a collector layer.
type SigV4Transport struct {
	Credentials aws.CredentialsProvider
	Region      string
	Service     string
	Next        http.RoundTripper // http.DefaultTransport when nil
	Now         func() time.Time
}

// RoundTrip implements http.RoundTripper.
func (t *SigV4Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("could not read request body: %w", err)
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	creds, err := t.Credentials.Retrieve(r.Context())
	if err != nil {
		return nil, fmt.Errorf("could not get AWS credentials: %w", err)
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, r, hex.EncodeToString(sum[:]), t.Service, t.Region, now()); err != nil {
		return nil, fmt.Errorf("could not sign request: %w", err)
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// OTLPFile writes spans as OTLP/JSON (one TracesData object per line),
// the local stack's traces.jsonl. It is an otlptrace.Client:
// NewOTLPFileExporter wraps it. See encodeOTLPJSON for the encoding.
type OTLPFile struct {
	mu sync.Mutex
	w  io.Writer
}

var _ otlptrace.Client = (*OTLPFile)(nil)

// NewOTLPFileExporter returns a span exporter writing OTLP/JSON lines to w.
func NewOTLPFileExporter(w io.Writer) *OTLPExporter {
	return newOTLPExporter(&OTLPFile{w: w})
}

// Start implements otlptrace.Client.
func (f *OTLPFile) Start(context.Context) error { return nil }

// Stop implements otlptrace.Client.
func (f *OTLPFile) Stop(context.Context) error { return nil }

// UploadTraces implements otlptrace.Client.
func (f *OTLPFile) UploadTraces(_ context.Context, spans []*tracepb.ResourceSpans) error {
	line, err := encodeOTLPJSON(&tracepb.TracesData{ResourceSpans: spans})
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err = f.w.Write(append(line, '\n'))
	return err
}

// encodeOTLPJSON encodes td as the OTLP/JSON encoding specifies
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the
// protobuf JSON mapping with lowerCamelCase keys, except that trace and
// span ids are hex, not base64, and enum values (span kind, status code)
// are integers, not names ("Values of enum fields MUST be encoded as
// integer values"). The collector's own decoder (pdata's
// ptrace.JSONUnmarshaler) reads it: TestOTLPFileDecodesWithTheCollector.
func encodeOTLPJSON(td *tracepb.TracesData) ([]byte, error) {
	raw, err := protojson.MarshalOptions{UseEnumNumbers: true}.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("could not encode spans: %w", err)
	}
	return hexIDs(raw)
}

// hexIDs rewrites protojson's base64 ids as hex.
func hexIDs(raw []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	walkIDs(doc)
	return json.Marshal(doc)
}

func walkIDs(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (k == "traceId" || k == "spanId" || k == "parentSpanId") {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil {
					x[k] = hex.EncodeToString(b)
				}
				continue
			}
			walkIDs(e)
		}
	case []any:
		for _, e := range x {
			walkIDs(e)
		}
	}
}
