package telemetry

import (
	"context"
	"fmt"
	"math"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// OTLPExporter is a span exporter for any otlptrace.Client (the maintained
// otlptracehttp client in Lambda, OTLPFile locally). It replaces only
// otlptrace.Exporter's span transform, which builds fresh protobuf messages
// for every span, attribute and value of every export: about 80
// allocations for one invocation's two spans, half the per-invocation cost
// of the whole layer. Ours keeps the messages in an arena and reuses them
// across exports, which is safe because Client.UploadTraces marshals
// synchronously and keeps nothing (the otlptrace.Client contract: "the
// client must not retain the data after returning"). Resource and scope
// messages are built once and cached. The output is the same protobuf the
// upstream transform builds: TestOTLPExporterMatchesUpstream compares them
// message for message.
//
// Written by hand because no maintained exporter offers message reuse; the
// transport (retries, compression, OTEL_EXPORTER_OTLP_* handling) stays
// the library's.
type OTLPExporter struct {
	client otlptrace.Client
	arenas sync.Pool // *otlpArena; concurrent exports each take their own

	mu     sync.Mutex
	res    map[attribute.Distinct]*resourcepb.Resource
	scopes map[instrumentation.Scope]*commonpb.InstrumentationScope
}

var _ sdktrace.SpanExporter = (*OTLPExporter)(nil)

// NewOTLPExporter returns an exporter uploading through client, which it
// starts.
func NewOTLPExporter(ctx context.Context, client otlptrace.Client) (*OTLPExporter, error) {
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("could not start the OTLP client: %w", err)
	}
	return newOTLPExporter(client), nil
}

func newOTLPExporter(client otlptrace.Client) *OTLPExporter {
	e := &OTLPExporter{client: client,
		res:    map[attribute.Distinct]*resourcepb.Resource{},
		scopes: map[instrumentation.Scope]*commonpb.InstrumentationScope{}}
	e.arenas.New = func() any { return new(otlpArena) }
	return e
}

// ExportSpans implements sdktrace.SpanExporter.
func (e *OTLPExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	a := e.arenas.Get().(*otlpArena)
	defer e.arenas.Put(a)
	a.reset()
	out := e.transform(a, spans)
	if len(out) == 0 {
		return nil
	}
	if err := e.client.UploadTraces(ctx, out); err != nil {
		return fmt.Errorf("traces export: %w", err)
	}
	return nil
}

// Shutdown implements sdktrace.SpanExporter.
func (e *OTLPExporter) Shutdown(ctx context.Context) error { return e.client.Stop(ctx) }

// transform groups spans by resource, then by scope, in first-seen order.
// The groups are few (one resource, a handful of scopes), so they are
// found by a linear search rather than a map.
func (e *OTLPExporter) transform(a *otlpArena, spans []sdktrace.ReadOnlySpan) []*tracepb.ResourceSpans {
	for _, sd := range spans {
		if sd == nil {
			continue
		}
		res, scope := sd.Resource(), sd.InstrumentationScope()
		rkey := res.Equivalent()
		g := a.group(rkey, scope)
		if g == nil {
			rs := a.resourceSpans(rkey)
			if rs == nil {
				rs = a.rs.get()
				rs.Resource, rs.SchemaUrl = e.resource(rkey, res), res.SchemaURL()
				rs.ScopeSpans = rs.ScopeSpans[:0]
				a.out = append(a.out, rs)
				a.outKeys = append(a.outKeys, rkey)
			}
			ss := a.ss.get()
			ss.Scope, ss.SchemaUrl = e.scope(scope), scope.SchemaURL
			ss.Spans = ss.Spans[:0]
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
			a.groups = append(a.groups, otlpGroup{rkey, scope, ss})
			g = ss
		}
		g.Spans = append(g.Spans, a.span(sd))
	}
	return a.out
}

func (e *OTLPExporter) resource(k attribute.Distinct, r *resource.Resource) *resourcepb.Resource {
	if r == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	pb, ok := e.res[k]
	if !ok {
		pb = &resourcepb.Resource{Attributes: newKeyValues(r.Iter())}
		e.res[k] = pb
	}
	return pb
}

func (e *OTLPExporter) scope(s instrumentation.Scope) *commonpb.InstrumentationScope {
	if s == (instrumentation.Scope{}) {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	pb, ok := e.scopes[s]
	if !ok {
		pb = &commonpb.InstrumentationScope{Name: s.Name, Version: s.Version, Attributes: newKeyValues(s.Attributes.Iter())}
		e.scopes[s] = pb
	}
	return pb
}

// newKeyValues builds fresh (cached, never reused) attributes.
func newKeyValues(it attribute.Iterator) []*commonpb.KeyValue {
	if it.Len() == 0 {
		return nil
	}
	var a otlpArena
	out := make([]*commonpb.KeyValue, 0, it.Len())
	for it.Next() {
		out = append(out, a.keyValue(it.Attribute()))
	}
	return out
}

type otlpGroup struct {
	res   attribute.Distinct
	scope instrumentation.Scope
	ss    *tracepb.ScopeSpans
}

// otlpArena holds the messages of one export, kept for the next.
type otlpArena struct {
	out     []*tracepb.ResourceSpans
	outKeys []attribute.Distinct
	groups  []otlpGroup

	rs     arena[tracepb.ResourceSpans]
	ss     arena[tracepb.ScopeSpans]
	spans  arena[tracepb.Span]
	status arena[tracepb.Status]
	links  arena[tracepb.Span_Link]
	events arena[tracepb.Span_Event]
	kvs    arena[commonpb.KeyValue]
	values arena[commonpb.AnyValue]
	strs   arena[commonpb.AnyValue_StringValue]
	ints   arena[commonpb.AnyValue_IntValue]
	bools  arena[commonpb.AnyValue_BoolValue]
	floats arena[commonpb.AnyValue_DoubleValue]
}

func (a *otlpArena) reset() {
	a.out, a.outKeys, a.groups = a.out[:0], a.outKeys[:0], a.groups[:0]
	a.rs.reset()
	a.ss.reset()
	a.spans.reset()
	a.status.reset()
	a.links.reset()
	a.events.reset()
	a.kvs.reset()
	a.values.reset()
	a.strs.reset()
	a.ints.reset()
	a.bools.reset()
	a.floats.reset()
}

func (a *otlpArena) group(r attribute.Distinct, s instrumentation.Scope) *tracepb.ScopeSpans {
	for _, g := range a.groups {
		if g.res == r && g.scope == s {
			return g.ss
		}
	}
	return nil
}

func (a *otlpArena) resourceSpans(r attribute.Distinct) *tracepb.ResourceSpans {
	for i, k := range a.outKeys {
		if k == r {
			return a.out[i]
		}
	}
	return nil
}

func (a *otlpArena) span(sd sdktrace.ReadOnlySpan) *tracepb.Span {
	sc, parent := sd.SpanContext(), sd.Parent()
	tid, sid := sc.TraceID(), sc.SpanID()
	st := sd.Status()
	s := a.spans.get()
	s.TraceId = append(s.TraceId[:0], tid[:]...)
	s.SpanId = append(s.SpanId[:0], sid[:]...)
	s.ParentSpanId = s.ParentSpanId[:0]
	if psid := parent.SpanID(); psid.IsValid() {
		s.ParentSpanId = append(s.ParentSpanId, psid[:]...)
	}
	s.TraceState = sc.TraceState().String()
	s.Flags = otlpFlags(sc.TraceFlags(), parent)
	s.Name = sd.Name()
	s.Kind = otlpKind(sd.SpanKind())
	s.StartTimeUnixNano = uint64(max(0, sd.StartTime().UnixNano())) //nolint:gosec // clamped
	s.EndTimeUnixNano = uint64(max(0, sd.EndTime().UnixNano()))     //nolint:gosec // clamped
	s.Attributes = a.keyValues(s.Attributes[:0], sd.Attributes())
	s.DroppedAttributesCount = clampUint32(sd.DroppedAttributes())
	s.Events = s.Events[:0]
	for _, ev := range sd.Events() {
		pe := a.events.get()
		pe.Name = ev.Name
		pe.TimeUnixNano = uint64(max(0, ev.Time.UnixNano())) //nolint:gosec // clamped
		pe.Attributes = a.keyValues(pe.Attributes[:0], ev.Attributes)
		pe.DroppedAttributesCount = clampUint32(ev.DroppedAttributeCount)
		s.Events = append(s.Events, pe)
	}
	s.DroppedEventsCount = clampUint32(sd.DroppedEvents())
	s.Links = s.Links[:0]
	for _, l := range sd.Links() {
		pl := a.links.get()
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		pl.TraceId = append(pl.TraceId[:0], ltid[:]...)
		pl.SpanId = append(pl.SpanId[:0], lsid[:]...)
		pl.TraceState = ""
		pl.Attributes = a.keyValues(pl.Attributes[:0], l.Attributes)
		pl.DroppedAttributesCount = clampUint32(l.DroppedAttributeCount)
		pl.Flags = otlpFlags(l.SpanContext.TraceFlags(), l.SpanContext)
		s.Links = append(s.Links, pl)
	}
	s.DroppedLinksCount = clampUint32(sd.DroppedLinks())
	s.Status = a.status.get()
	s.Status.Code, s.Status.Message = otlpStatus(st.Code), st.Description
	return s
}

func (a *otlpArena) keyValues(dst []*commonpb.KeyValue, attrs []attribute.KeyValue) []*commonpb.KeyValue {
	for _, kv := range attrs {
		dst = append(dst, a.keyValue(kv))
	}
	return dst
}

func (a *otlpArena) keyValue(kv attribute.KeyValue) *commonpb.KeyValue {
	p := a.kvs.get()
	p.Key, p.Value = string(kv.Key), a.value(kv.Value)
	return p
}

// value converts v as the upstream transform does. Scalars come from the
// arena; slices and maps, which our instrumentation never records, are
// built fresh.
func (a *otlpArena) value(v attribute.Value) *commonpb.AnyValue {
	av := a.values.get()
	switch v.Type() {
	case attribute.STRING:
		w := a.strs.get()
		w.StringValue = v.AsString()
		av.Value = w
	case attribute.INT64:
		w := a.ints.get()
		w.IntValue = v.AsInt64()
		av.Value = w
	case attribute.BOOL:
		w := a.bools.get()
		w.BoolValue = v.AsBool()
		av.Value = w
	case attribute.FLOAT64:
		w := a.floats.get()
		w.DoubleValue = v.AsFloat64()
		av.Value = w
	case attribute.BYTESLICE:
		av.Value = &commonpb.AnyValue_BytesValue{BytesValue: v.AsByteSlice()}
	case attribute.BOOLSLICE:
		vs := v.AsBoolSlice()
		arr := make([]*commonpb.AnyValue, len(vs))
		for i, x := range vs {
			arr[i] = &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: x}}
		}
		av.Value = &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: arr}}
	case attribute.INT64SLICE:
		vs := v.AsInt64Slice()
		arr := make([]*commonpb.AnyValue, len(vs))
		for i, x := range vs {
			arr[i] = &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: x}}
		}
		av.Value = &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: arr}}
	case attribute.FLOAT64SLICE:
		vs := v.AsFloat64Slice()
		arr := make([]*commonpb.AnyValue, len(vs))
		for i, x := range vs {
			arr[i] = &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: x}}
		}
		av.Value = &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: arr}}
	case attribute.STRINGSLICE:
		vs := v.AsStringSlice()
		arr := make([]*commonpb.AnyValue, len(vs))
		for i, x := range vs {
			arr[i] = &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: x}}
		}
		av.Value = &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: arr}}
	case attribute.SLICE:
		vs := v.AsSlice()
		arr := make([]*commonpb.AnyValue, len(vs))
		for i, x := range vs {
			arr[i] = a.value(x)
		}
		av.Value = &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: arr}}
	case attribute.MAP:
		av.Value = &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: a.keyValues(nil, v.AsMap())}}
	case attribute.EMPTY:
		av.Value = nil
	default:
		w := a.strs.get()
		w.StringValue = "INVALID"
		av.Value = w
	}
	return av
}

// arena hands out *T kept from earlier exports; callers set every field.
type arena[T any] struct {
	items []*T
	n     int
}

func (p *arena[T]) get() *T {
	if p.n == len(p.items) {
		p.items = append(p.items, new(T))
	}
	x := p.items[p.n]
	p.n++
	return x
}

func (p *arena[T]) reset() { p.n = 0 }

func otlpFlags(tf trace.TraceFlags, parent trace.SpanContext) uint32 {
	f := uint32(tf) | uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK)
	if parent.IsRemote() {
		f |= uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
	}
	return f
}

func otlpStatus(c codes.Code) tracepb.Status_StatusCode {
	switch c {
	case codes.Ok:
		return tracepb.Status_STATUS_CODE_OK
	case codes.Error:
		return tracepb.Status_STATUS_CODE_ERROR
	}
	return tracepb.Status_STATUS_CODE_UNSET
}

func otlpKind(k trace.SpanKind) tracepb.Span_SpanKind {
	switch k {
	case trace.SpanKindInternal:
		return tracepb.Span_SPAN_KIND_INTERNAL
	case trace.SpanKindClient:
		return tracepb.Span_SPAN_KIND_CLIENT
	case trace.SpanKindServer:
		return tracepb.Span_SPAN_KIND_SERVER
	case trace.SpanKindProducer:
		return tracepb.Span_SPAN_KIND_PRODUCER
	case trace.SpanKindConsumer:
		return tracepb.Span_SPAN_KIND_CONSUMER
	}
	return tracepb.Span_SPAN_KIND_UNSPECIFIED
}

func clampUint32(v int) uint32 {
	if v < 0 {
		return 0
	}
	if int64(v) > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(v)
}
