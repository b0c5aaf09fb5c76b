package telemetry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The local stack's traces.jsonl is read by the OpenTelemetry Collector's
// own OTLP/JSON decoder, with every span's kind, status, ids, parent and
// links as they were recorded.
func TestOTLPFileDecodesWithTheCollector(t *testing.T) {
	var buf bytes.Buffer
	exp := NewOTLPFileExporter(&buf)
	if err := exp.ExportSpans(context.Background(), spanBatches()[0]); err != nil {
		t.Fatal(err)
	}
	// A real invocation too: the wrapper's span with an error.
	f := setup(t, nil)
	f.tel.tp.RegisterSpanProcessor(sdktrace.NewSimpleSpanProcessor(exp))
	_ = f.invoke(t, lambdaCtx(), event(t, true, nil), func(ctx context.Context, _ json.RawMessage) error {
		return errors.New("boom")
	})
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	var kinds []ptrace.SpanKind
	var statuses []ptrace.StatusCode
	lines := 0
	for sc.Scan() {
		lines++
		if bytes.Contains(sc.Bytes(), []byte(`"SPAN_KIND_`)) || bytes.Contains(sc.Bytes(), []byte(`"STATUS_CODE_`)) {
			t.Errorf("enum written as a name, not an integer: %s", sc.Bytes())
		}
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: the collector refuses it: %v\n%s", lines, err, sc.Bytes())
		}
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					kinds = append(kinds, s.Kind())
					statuses = append(statuses, s.Status().Code())
					if s.TraceID().IsEmpty() || s.SpanID().IsEmpty() {
						t.Errorf("span %q lost its ids", s.Name())
					}
				}
			}
		}
	}
	if lines < 2 {
		t.Fatalf("%d lines written", lines)
	}
	want := map[ptrace.SpanKind]bool{ptrace.SpanKindConsumer: false, ptrace.SpanKindServer: false}
	for _, k := range kinds {
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no span of kind %s decoded (kinds %v)", k, kinds)
		}
	}
	errs := 0
	for _, c := range statuses {
		if c == ptrace.StatusCodeError {
			errs++
		}
	}
	if errs < 2 {
		t.Errorf("statuses %v: want the stub's and the failed invocation's errors", statuses)
	}
}
