package telemetry

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// captureClient keeps a deep copy of every upload: the exporter under test
// reuses its messages after UploadTraces returns.
type captureClient struct {
	mu   sync.Mutex
	got  [][]*tracepb.ResourceSpans
	fail error
}

func (c *captureClient) Start(context.Context) error { return nil }
func (c *captureClient) Stop(context.Context) error  { return nil }
func (c *captureClient) UploadTraces(_ context.Context, rss []*tracepb.ResourceSpans) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var cp []*tracepb.ResourceSpans
	for _, rs := range rss {
		cp = append(cp, proto.Clone(rs).(*tracepb.ResourceSpans))
	}
	c.got = append(c.got, cp)
	return c.fail
}

// sorted orders resource groups by resource: upstream builds them from a
// map, so their order is random there.
func sorted(rss []*tracepb.ResourceSpans) *tracepb.TracesData {
	out := append([]*tracepb.ResourceSpans(nil), rss...)
	sort.Slice(out, func(i, j int) bool { return out[i].GetResource().String() < out[j].GetResource().String() })
	return &tracepb.TracesData{ResourceSpans: out}
}

// spanBatches are exports that exercise every field, and batches that
// follow fuller ones so that a field left over from reuse would show.
func spanBatches() [][]sdktrace.ReadOnlySpan {
	tid := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	ts, _ := trace.ParseTraceState("vendor=x,ot=y")
	sc := func(sid byte, remote bool) trace.SpanContext {
		return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{sid, 1}, TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: remote})
	}
	resA := resource.NewSchemaless(attribute.String("service.name", "a"), attribute.Int("n", 1))
	resB := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0", attribute.String("service.name", "b"))
	scope1 := instrumentation.Scope{Name: "one", Version: "1.0", SchemaURL: "s1", Attributes: attribute.NewSet(attribute.Bool("x", true))}
	scope2 := instrumentation.Scope{Name: "two"}
	t0 := time.Unix(1700000000, 123)
	every := []attribute.KeyValue{
		attribute.String("s", "v"), attribute.Int64("i", -7), attribute.Bool("b", true), attribute.Float64("f", 1.5),
		attribute.StringSlice("ss", []string{"a", "b"}), attribute.Int64Slice("is", []int64{1, 2}),
		attribute.BoolSlice("bs", []bool{true, false}), attribute.Float64Slice("fs", []float64{0.5}),
		{Key: "bytes", Value: attribute.ByteSliceValue([]byte{0, 1})},
		{Key: "slice", Value: attribute.SliceValue(attribute.StringValue("x"), attribute.IntValue(2))},
		{Key: "map", Value: attribute.MapValue(attribute.String("k", "v"))},
		{Key: "empty"},
	}
	full := tracetest.SpanStub{
		Name: "full", SpanContext: sc(1, false), Parent: sc(2, true), SpanKind: trace.SpanKindConsumer,
		StartTime: t0, EndTime: t0.Add(time.Second), Attributes: every, DroppedAttributes: 2,
		Events: []sdktrace.Event{{Name: "e", Time: t0, Attributes: every[:3], DroppedAttributeCount: 1}},
		Links:  []sdktrace.Link{{SpanContext: sc(3, true), Attributes: every[:2], DroppedAttributeCount: 4}},
		Status: sdktrace.Status{Code: codes.Error, Description: "boom"}, DroppedEvents: 3, DroppedLinks: 5,
		Resource: resA, InstrumentationScope: scope1,
	}
	bare := tracetest.SpanStub{Name: "bare", SpanContext: sc(4, false), StartTime: t0, EndTime: t0,
		Resource: resA, InstrumentationScope: scope1}
	other := tracetest.SpanStub{Name: "other", SpanContext: sc(5, false), SpanKind: trace.SpanKindProducer,
		Parent: sc(1, false), Status: sdktrace.Status{Code: codes.Ok},
		StartTime: t0.Add(-time.Hour), EndTime: t0, Resource: resB, InstrumentationScope: scope2}
	noScope := tracetest.SpanStub{Name: "noscope", SpanContext: sc(6, false), Resource: resA}
	return [][]sdktrace.ReadOnlySpan{
		tracetest.SpanStubs{full, bare, other, noScope, full}.Snapshots(),
		tracetest.SpanStubs{bare}.Snapshots(),
		tracetest.SpanStubs{other, bare, noScope}.Snapshots(),
		nil,
		tracetest.SpanStubs{full, full, full}.Snapshots(),
	}
}

func TestOTLPExporterMatchesUpstream(t *testing.T) {
	ctx := context.Background()
	ours, theirs := &captureClient{}, &captureClient{}
	e, up := newOTLPExporter(ours), otlptrace.NewUnstarted(theirs)
	for i, batch := range spanBatches() {
		if err := e.ExportSpans(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := up.ExportSpans(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if len(ours.got) != len(theirs.got) {
			t.Fatalf("batch %d: %d uploads, upstream %d", i, len(ours.got), len(theirs.got))
		}
	}
	if len(ours.got) != 4 {
		t.Fatalf("%d uploads, want 4 (an empty batch uploads nothing)", len(ours.got))
	}
	for i := range ours.got {
		got, want := sorted(ours.got[i]), sorted(theirs.got[i])
		if !proto.Equal(got, want) {
			t.Errorf("upload %d differs from otlptrace's transform:\n ours     %v\n upstream %v", i, got, want)
		}
	}
}

func TestOTLPExporterConcurrentExports(t *testing.T) {
	batches := spanBatches()
	ref := &captureClient{}
	for _, b := range batches {
		_ = otlptrace.NewUnstarted(ref).ExportSpans(context.Background(), b)
	}
	c := &captureClient{}
	e := newOTLPExporter(c)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 50 {
				if err := e.ExportSpans(context.Background(), batches[g%len(batches)]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if len(c.got) != 350 { // goroutine 3 exports the empty batch
		t.Fatalf("%d uploads, want 350", len(c.got))
	}
	for i, up := range c.got {
		ok := false
		for _, want := range ref.got {
			ok = ok || proto.Equal(sorted(up), sorted(want))
		}
		if !ok {
			t.Fatalf("upload %d matches none of the batches: messages were shared between exports:\n%v", i, sorted(up))
		}
	}
}

func TestOTLPExporterNamesAFailedUpload(t *testing.T) {
	e := newOTLPExporter(&captureClient{fail: fmt.Errorf("503 from collector")})
	err := e.ExportSpans(context.Background(), spanBatches()[1])
	if err == nil || err.Error() != "traces export: 503 from collector" {
		t.Fatalf("error %v, want the client's, prefixed", err)
	}
}
