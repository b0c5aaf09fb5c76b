package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-lambda-go/otellambda"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// workload is the benchmark's handler body: one child span, five log
// lines and six metric points.
type workload struct {
	log     *slog.Logger
	counter metric.Int64Counter
	hist    metric.Float64Histogram
}

func newWorkload(log *slog.Logger, mp metric.MeterProvider) workload {
	m := mp.Meter("bench")
	c, _ := m.Int64Counter("OrdersSubmitted")
	h, _ := m.Float64Histogram("BrokerLatency", metric.WithUnit("ms"))
	return workload{log: log, counter: c, hist: h}
}

func (w workload) handle(ctx context.Context, _ json.RawMessage) error {
	_, span := trace.SpanFromContext(ctx).TracerProvider().Tracer("bench").Start(ctx, "child")
	for i := range 5 {
		w.log.InfoContext(ctx, "order placed", "symbol", "SPY", "n", i)
	}
	side := metric.WithAttributes(attribute.String("side", "buy"))
	for range 3 {
		w.counter.Add(ctx, 1, side)
		w.hist.Record(ctx, 12.5, metric.WithAttributes(attribute.String("endpoint", "POST /v2/orders")))
	}
	span.End()
	return nil
}

// benchEvents alternate so that every invocation parses its event, as in
// Lambda (the wrapper caches one parse per invocation, not across them).
var benchEvents = [2][]byte{benchEvent, bytes.Replace(benchEvent, []byte(`"E2"`), []byte(`"E3"`), 1)}

var benchEvent = []byte(`{"version":"0","id":"eb-1","detail-type":"RebalancePlanned","source":"alchemiser.portfolio",` +
	`"detail":{"metadata":{"event_id":"E2","correlation_id":"C1","causation_id":"E1","schema_version":"1.0",` +
	`"trace":{"traceparent":"00-6751c3a5010203040506070809101112-0102030405060708-01"}}}}`)

// BenchmarkInvocation measures one invocation: the bare handler (no-op
// telemetry), ours, and the baseline of plain otellambda + stdouttrace +
// slog.JSONHandler + a naive encoding/json EMF writer, each flushing
// traces and metrics every invocation. Ours encodes spans as OTLP
// protobuf (as deployed); telemetry_stdouttrace exports them as the
// baseline does, so that pair differs only in the layer.
func BenchmarkInvocation(b *testing.B) {
	ctx := lambdaCtx()
	b.Run("impl=bare", func(b *testing.B) {
		w := newWorkload(slog.New(slog.DiscardHandler), sdkmetric.NewMeterProvider())
		b.ReportAllocs()
		for b.Loop() {
			_ = w.handle(ctx, benchEvent)
		}
	})
	ours := func(b *testing.B, exp sdktrace.SpanExporter) {
		env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "bench"}
		tel, err := Init(context.Background(), nil, WithEnv(func(k string) string { return env[k] }), WithOutput(io.Discard), WithSpanExporter(exp))
		if err != nil {
			b.Fatal(err)
		}
		h := tel.Wrap(newWorkload(tel.Logger(), tel.MeterProvider()).handle)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := h.Invoke(ctx, benchEvents[i%2]); err != nil {
				b.Fatal(err)
			}
		}
	}
	// As deployed: spans leave as OTLP protobuf (encoded here, not sent).
	b.Run("impl=telemetry", func(b *testing.B) { ours(b, newOTLPExporter(otlpDiscard{})) })
	// The same with otlptrace's own exporter and its fresh-message transform.
	b.Run("impl=telemetry_upstreamotlp", func(b *testing.B) { ours(b, otlptrace.NewUnstarted(otlpDiscard{})) })
	b.Run("impl=telemetry_stdouttrace", func(b *testing.B) {
		exp, _ := stdouttrace.New(stdouttrace.WithWriter(io.Discard))
		ours(b, exp)
	})
	b.Run("impl=baseline", func(b *testing.B) {
		exp, _ := stdouttrace.New(stdouttrace.WithWriter(io.Discard))
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Hour)))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(naiveEMF{io.Discard}, sdkmetric.WithInterval(time.Hour))))
		w := newWorkload(slog.New(slog.NewJSONHandler(io.Discard, nil)), mp)
		h := otellambda.WrapHandler(lambda.NewHandler(w.handle), otellambda.WithTracerProvider(tp),
			otellambda.WithFlusher(flushBoth{tp, mp}))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := h.Invoke(ctx, benchEvents[i%2]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type flushBoth struct {
	tp *sdktrace.TracerProvider
	mp *sdkmetric.MeterProvider
}

func (f flushBoth) ForceFlush(ctx context.Context) error {
	_ = f.tp.ForceFlush(ctx)
	return f.mp.ForceFlush(ctx)
}

// naiveEMF is the baseline's EMF writer: one encoding/json document per
// data point.
type naiveEMF struct{ w io.Writer }

func (naiveEMF) Temporality(sdkmetric.InstrumentKind) metricdata.Temporality {
	return metricdata.DeltaTemporality
}
func (naiveEMF) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}
func (naiveEMF) ForceFlush(context.Context) error { return nil }
func (naiveEMF) Shutdown(context.Context) error   { return nil }
func (n naiveEMF) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	enc := json.NewEncoder(n.w)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			doc := map[string]any{"_aws": map[string]any{"Timestamp": time.Now().UnixMilli(), "CloudWatchMetrics": []any{
				map[string]any{"Namespace": "Bench", "Dimensions": [][]string{{}}, "Metrics": []any{map[string]string{"Name": m.Name}}}}}}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					doc[m.Name] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					doc[m.Name] = p.Sum
				}
			}
			if err := enc.Encode(doc); err != nil {
				return err
			}
		}
	}
	return nil
}

// otlpDiscard encodes spans as the OTLP/HTTP exporter does (protobuf) and
// drops them.
type otlpDiscard struct{}

func (otlpDiscard) Start(context.Context) error { return nil }
func (otlpDiscard) Stop(context.Context) error  { return nil }
func (otlpDiscard) UploadTraces(_ context.Context, spans []*tracepb.ResourceSpans) error {
	_, err := proto.Marshal(&tracepb.TracesData{ResourceSpans: spans})
	return err
}
