package telemetry

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// RedactSpans returns an exporter that replaces each secret value (as
// WithSecretValues: values under 4 bytes are ignored) with [REDACTED] in
// the span's name, status description, attribute values, and its events'
// and links' attribute values, then exports through e. A span's error
// (RecordError's exception.message, SetStatus's description) carries the
// handler's error text, which the log handler redacts but the span
// exporter would send as it is.
func RedactSpans(e sdktrace.SpanExporter, secrets ...string) sdktrace.SpanExporter {
	var keep []string
	for _, s := range secrets {
		if len(s) >= 4 {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return e
	}
	return &redactingExporter{next: e, secrets: keep}
}

type redactingExporter struct {
	next    sdktrace.SpanExporter
	secrets []string
}

var _ sdktrace.SpanExporter = (*redactingExporter)(nil)

// ExportSpans implements sdktrace.SpanExporter; it is as safe for
// concurrent use as the exporter it wraps.
func (r *redactingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = redactedSpan{ReadOnlySpan: s, r: r}
	}
	return r.next.ExportSpans(ctx, out)
}

// Shutdown implements sdktrace.SpanExporter.
func (r *redactingExporter) Shutdown(ctx context.Context) error { return r.next.Shutdown(ctx) }

func (r *redactingExporter) text(s string) string {
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

func (r *redactingExporter) attrs(kvs []attribute.KeyValue) []attribute.KeyValue {
	out := make([]attribute.KeyValue, len(kvs))
	for i, kv := range kvs {
		switch kv.Value.Type() {
		case attribute.STRING:
			kv.Value = attribute.StringValue(r.text(kv.Value.AsString()))
		case attribute.STRINGSLICE:
			ss := append([]string(nil), kv.Value.AsStringSlice()...)
			for j := range ss {
				ss[j] = r.text(ss[j])
			}
			kv.Value = attribute.StringSliceValue(ss)
		}
		out[i] = kv
	}
	return out
}

// redactedSpan is a span seen through the redaction; embedding the
// ReadOnlySpan keeps the SDK's unexported method.
type redactedSpan struct {
	sdktrace.ReadOnlySpan
	r *redactingExporter
}

func (s redactedSpan) Name() string { return s.r.text(s.ReadOnlySpan.Name()) }

func (s redactedSpan) Attributes() []attribute.KeyValue {
	return s.r.attrs(s.ReadOnlySpan.Attributes())
}

func (s redactedSpan) Status() sdktrace.Status {
	st := s.ReadOnlySpan.Status()
	st.Description = s.r.text(st.Description)
	return st
}

func (s redactedSpan) Events() []sdktrace.Event {
	evs := append([]sdktrace.Event(nil), s.ReadOnlySpan.Events()...)
	for i := range evs {
		evs[i].Name = s.r.text(evs[i].Name)
		evs[i].Attributes = s.r.attrs(evs[i].Attributes)
	}
	return evs
}

func (s redactedSpan) Links() []sdktrace.Link {
	ls := append([]sdktrace.Link(nil), s.ReadOnlySpan.Links()...)
	for i := range ls {
		ls[i].Attributes = s.r.attrs(ls[i].Attributes)
	}
	return ls
}
