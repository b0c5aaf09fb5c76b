package telemetry

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", name, got)
	}
}

var at = time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)

func TestEMFGolden(t *testing.T) {
	var buf bytes.Buffer
	fn := attribute.String("function", "execution")
	rm := &metricdata.ResourceMetrics{Resource: resource.NewSchemaless(semconv.ServiceName("alchemiser")),
		ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
			{Name: "OrdersSubmitted", Unit: "{order}", Data: metricdata.Sum[int64]{DataPoints: []metricdata.DataPoint[int64]{
				{Time: at, Value: 3, Attributes: attribute.NewSet(fn, attribute.String("side", "buy"))},
				{Time: at, Value: 1, Attributes: attribute.NewSet(fn, attribute.String("side", "sell"))}}}},
			{Name: "BrokerLatency", Unit: "ms", Data: metricdata.Histogram[float64]{DataPoints: []metricdata.HistogramDataPoint[float64]{
				{Time: at, Attributes: attribute.NewSet(fn, attribute.String("endpoint", "POST /v2/orders")), Count: 4, Sum: 124,
					Bounds: []float64{10, 25, 50}, BucketCounts: []uint64{1, 2, 0, 1},
					Min: metricdata.NewExtrema(4.0), Max: metricdata.NewExtrema(80.0)}}}},
		}}}}
	if err := NewEMFExporter(&buf).Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	golden(t, "emf.golden", buf.Bytes())
}

func TestLogGolden(t *testing.T) {
	var buf bytes.Buffer
	h := NewLogHandler(&buf, WithIdentity("alchemiser", "execution", "$LATEST"))
	ctx, _ := invocationCtx()
	r := slog.NewRecord(at, slog.LevelWarn, "execution interrupted", 0)
	r.AddAttrs(slog.String("plan_id", "p1"), slog.Group("order", slog.String("symbol", "SPY"), slog.Float64("qty", 1.5)),
		slog.Any("error", os.ErrDeadlineExceeded))
	if err := h.WithAttrs([]slog.Attr{slog.String("component", "executor")}).Handle(ctx, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "log.golden", buf.Bytes())
}
