package telemetry

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
)

// checkEMF validates every line with the test kit.
func checkEMF(t testing.TB, out []byte) []map[string]any {
	t.Helper()
	var docs []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		m, err := telemetrytest.ValidateEMF(line)
		if err != nil {
			t.Fatalf("%v in %s", err, line)
		}
		docs = append(docs, m)
	}
	return docs
}

func provider(t testing.TB, e *EMFExporter) (*sdkmetric.MeterProvider, metric.Meter) {
	res := resource.NewSchemaless(semconv.ServiceName("alchemiser"))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(e, sdkmetric.WithInterval(time.Hour))))
	return mp, mp.Meter("test")
}

func TestEMFFromTheSDK(t *testing.T) {
	var buf bytes.Buffer
	var warnings bytes.Buffer
	e := NewEMFExporter(&buf, WithWarnLogger(slog.New(slog.NewTextHandler(&warnings, nil))))
	mp, m := provider(t, e)
	ctx := context.Background()
	orders, _ := m.Int64Counter("OrdersSubmitted", metric.WithUnit("{order}"))
	latency, _ := m.Float64Histogram("BrokerLatency", metric.WithUnit("ms"))
	fn := attribute.String("function", "execution")
	orders.Add(ctx, 2, metric.WithAttributes(fn, attribute.String("side", "buy")))
	orders.Add(ctx, 1, metric.WithAttributes(fn, attribute.String("side", "buy"), attribute.String("client_order_id", "alc-1")))
	for _, v := range []float64{3, 7, 7, 40, 900} {
		latency.Record(ctx, v, metric.WithAttributes(fn, attribute.String("endpoint", "POST /v2/orders")))
	}
	if err := mp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	docs := checkEMF(t, buf.Bytes())
	if len(docs) != 2 {
		t.Fatalf("%d lines:\n%s", len(docs), buf.String())
	}
	var sawOrders, sawLatency bool
	for _, d := range docs {
		if d["service"] != "alchemiser" || d["level"] != "INFO" {
			t.Errorf("line %v", d)
		}
		if _, ok := d["client_order_id"]; ok {
			t.Error("an id became a dimension")
		}
		if v, ok := d["OrdersSubmitted"]; ok {
			sawOrders = true
			sum := 0.0
			for _, x := range v.([]any) {
				sum += x.(float64)
			}
			if sum != 3 {
				t.Errorf("orders %v, want a sum of 3 (merged after dropping the id)", v)
			}
		}
		if v, ok := d["BrokerLatency"].(map[string]any); ok {
			sawLatency = true
			n := 0.0
			for _, c := range v["Counts"].([]any) {
				n += c.(float64)
			}
			if n != 5 {
				t.Errorf("latency counts %v", v)
			}
		}
	}
	if !sawOrders || !sawLatency {
		t.Errorf("missing metrics:\n%s", buf.String())
	}
	if strings.Count(warnings.String(), "client_order_id") != 1 {
		t.Errorf("want one warning for the id: %q", warnings.String())
	}
	// Delta temporality: a second flush with nothing new writes nothing new.
	buf.Reset()
	_ = mp.ForceFlush(ctx)
	if strings.Contains(buf.String(), "OrdersSubmitted\":[") {
		t.Errorf("counter repeated: %s", buf.String())
	}
}

func TestEMFSplitsAtLimits(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMFExporter(&buf)
	var ms []metricdata.Metrics
	for i := range 250 {
		ms = append(ms, metricdata.Metrics{Name: fmt.Sprintf("M%03d", i), Unit: "1", Data: metricdata.Gauge[int64]{
			DataPoints: []metricdata.DataPoint[int64]{{Time: time.Unix(1700000000, 0), Value: int64(i)}}}})
	}
	var many []metricdata.DataPoint[float64]
	for i := range 250 {
		many = append(many, metricdata.DataPoint[float64]{Time: time.Unix(1700000000, 0), Value: float64(i),
			Attributes: attribute.NewSet(attribute.String("event_id", fmt.Sprint(i)))})
	}
	ms = append(ms, metricdata.Metrics{Name: "Many", Unit: "ms", Data: metricdata.Gauge[float64]{DataPoints: many}})
	rm := &metricdata.ResourceMetrics{Resource: resource.NewSchemaless(semconv.ServiceName("s")),
		ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: ms}}}
	if err := e.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	docs := checkEMF(t, buf.Bytes())
	metrics, values := 0, 0
	for _, d := range docs {
		for k, v := range d {
			if strings.HasPrefix(k, "M") && k != "Many" {
				metrics++
			}
			if k == "Many" {
				if arr, ok := v.([]any); ok {
					values += len(arr)
				} else {
					values++
				}
			}
		}
	}
	if metrics != 250 || values != 250 {
		t.Errorf("%d metrics and %d values survived, want 250 and 250 (split, not dropped)", metrics, values)
	}
}

func TestEMFLevelFollowsLogLevel(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMFExporter(&buf, WithEMFLevel(slog.LevelError))
	rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "X", Data: metricdata.Gauge[int64]{DataPoints: []metricdata.DataPoint[int64]{{Value: 1, Time: time.Now()}}}}}}}}
	_ = e.Export(context.Background(), rm)
	if !strings.Contains(buf.String(), `"level":"ERROR"`) {
		t.Errorf("EMF at application level ERROR would be filtered: %s", buf.String())
	}
}

func TestEMFDropsMetricsItCannotName(t *testing.T) {
	var buf, warnings bytes.Buffer
	e := NewEMFExporter(&buf, WithWarnLogger(slog.New(slog.NewTextHandler(&warnings, nil))))
	point := metricdata.Gauge[int64]{DataPoints: []metricdata.DataPoint[int64]{{Value: 1, Time: time.Unix(1700000000, 0)}}}
	long := strings.Repeat("é", maxEMFNameLength+1)
	rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: long, Data: point}, {Name: "level", Data: point}, {Name: "function", Data: point},
		{Name: strings.Repeat("é", maxEMFNameLength), Data: point}}}}}
	for range 2 {
		if err := e.Export(context.Background(), rm); err != nil {
			t.Fatal(err)
		}
	}
	docs := checkEMF(t, buf.Bytes())
	if len(docs) != 2 {
		t.Fatalf("%d lines, want 2 (one per export): %s", len(docs), buf.String())
	}
	for _, d := range docs {
		defs := d["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)["Metrics"].([]any)
		if len(defs) != 1 {
			t.Errorf("%d metrics kept, want only the 255-character one", len(defs))
		}
	}
	if n := strings.Count(warnings.String(), "metric dropped"); n != 3 {
		t.Errorf("%d warnings, want one per dropped name across both exports:\n%s", n, warnings.String())
	}
}

// FuzzEMF drives the encoder with arbitrary names, dimension values and
// counts of metrics and values; every line must stay valid EMF.
func FuzzEMF(f *testing.F) {
	f.Add("Orders", "execution", uint8(3), uint16(5), 1.5)
	f.Add("", "", uint8(0), uint16(0), 0.0)
	f.Add("a\"b\\c\n", "\xff", uint8(200), uint16(900), -1e308)
	f.Fuzz(func(t *testing.T, name, dim string, metrics uint8, values uint16, v float64) {
		if name == "" {
			name = "M"
		}
		var ms []metricdata.Metrics
		for i := range int(metrics) + 1 {
			var pts []metricdata.DataPoint[float64]
			for j := range int(values)%400 + 1 {
				pts = append(pts, metricdata.DataPoint[float64]{Time: time.Unix(1700000000, 0), Value: v + float64(j),
					Attributes: attribute.NewSet(attribute.String("function", dim), attribute.Int("n", j))})
			}
			ms = append(ms, metricdata.Metrics{Name: fmt.Sprintf("%s%d", name, i), Unit: "ms", Data: metricdata.Gauge[float64]{DataPoints: pts}})
		}
		var buf bytes.Buffer
		rm := &metricdata.ResourceMetrics{Resource: resource.NewSchemaless(semconv.ServiceName("s")), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: ms}}}
		e := NewEMFExporter(&buf)
		if err := e.Export(context.Background(), rm); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, m := range ms {
			if !e.validName(m.Name) {
				continue
			}
			for _, p := range m.Data.(metricdata.Gauge[float64]).DataPoints {
				if !math.IsNaN(p.Value) && math.Abs(p.Value) <= maxCloudWatchValue {
					want++
				}
			}
		}
		if want == 0 {
			if buf.Len() != 0 {
				t.Fatalf("only invalid names or values, yet EMF was written: %.200s", buf.Bytes())
			}
			return
		}
		got := 0
		for _, doc := range checkEMF(t, buf.Bytes()) {
			for _, def := range doc["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)["Metrics"].([]any) {
				switch v := doc[def.(map[string]any)["Name"].(string)].(type) {
				case []any:
					got += len(v)
				default:
					got++
				}
			}
		}
		if got != want {
			t.Fatalf("%d values written, want %d (split, never dropped)", got, want)
		}
	})
}

func TestEMFDimensionValuesAreOnesCloudWatchAccepts(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMFExporter(&buf)
	at := time.Unix(1700000000, 0)
	var pts []metricdata.DataPoint[int64]
	for _, v := range []string{"", "  ", "a\x01b", "café", strings.Repeat("x", 2000)} {
		pts = append(pts, metricdata.DataPoint[int64]{Time: at, Value: 1, Attributes: attribute.NewSet(attribute.String("event_type", v))})
	}
	rm := &metricdata.ResourceMetrics{Resource: resource.NewSchemaless(semconv.ServiceName("s")), ScopeMetrics: []metricdata.ScopeMetrics{{
		Metrics: []metricdata.Metrics{{Name: "Invocations", Unit: "{invocation}", Data: metricdata.Sum[int64]{DataPoints: pts}}}}}}
	if err := e.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range checkEMF(t, buf.Bytes()) {
		got[d["event_type"].(string)] = true
	}
	for _, want := range []string{"none", "a_b", "caf_", strings.Repeat("x", 1024)} {
		if !got[want] {
			t.Errorf("no event_type %.40q among %d values", want, len(got))
		}
	}
}

func TestEMFUnitsMapToCloudWatchs(t *testing.T) {
	for _, c := range []struct {
		ucum, cw string
		scale    float64
	}{
		{"ms", "Milliseconds", 1}, {"s", "Seconds", 1}, {"us", "Microseconds", 1}, {"ns", "Microseconds", 1e-3},
		{"min", "Seconds", 60}, {"h", "Seconds", 3600}, {"d", "Seconds", 86400},
		{"By", "Bytes", 1}, {"kBy", "Kilobytes", 1}, {"MBy", "Megabytes", 1}, {"GBy", "Gigabytes", 1}, {"TBy", "Terabytes", 1},
		{"KiBy", "Kilobytes", 1.024}, {"MiBy", "Megabytes", 1.048576},
		{"bit", "Bits", 1}, {"kbit", "Kilobits", 1}, {"Gbit", "Gigabits", 1},
		{"By/s", "Bytes/Second", 1}, {"kBy/s", "Kilobytes/Second", 1}, {"bit/s", "Bits/Second", 1}, {"Mbit/s", "Megabits/Second", 1},
		{"%", "Percent", 1}, {"1", "Count", 1}, {"", "Count", 1}, {"{order}", "Count", 1},
		{"1/s", "Count/Second", 1}, {"{request}/s", "Count/Second", 1},
		{"m", "None", 1}, {"PBy", "None", 1}, {"{a}{b}", "None", 1},
	} {
		unit, scale := cloudWatchUnitScale(c.ucum)
		if unit != c.cw || scale != c.scale {
			t.Errorf("%q -> %s ×%v, want %s ×%v", c.ucum, unit, scale, c.cw, c.scale)
		}
	}
}

func TestEMFConvertsValuesOfUnitsCloudWatchLacks(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMFExporter(&buf)
	at := time.Unix(1700000000, 0)
	rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "Wait", Unit: "min", Data: metricdata.Gauge[float64]{DataPoints: []metricdata.DataPoint[float64]{{Time: at, Value: 2}}}},
		{Name: "Took", Unit: "ns", Data: metricdata.Histogram[float64]{DataPoints: []metricdata.HistogramDataPoint[float64]{{Time: at,
			Count: 2, Sum: 5000, Bounds: []float64{1000, 10000}, BucketCounts: []uint64{0, 2, 0},
			Min: metricdata.NewExtrema(2000.0), Max: metricdata.NewExtrema(3000.0)}}}},
	}}}}
	if err := e.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	d := checkEMF(t, buf.Bytes())[0]
	if d["Wait"] != 120.0 {
		t.Errorf("2 min written as %v, want 120 (Seconds)", d["Wait"])
	}
	took := d["Took"].(map[string]any)
	if took["Sum"] != 5.0 || took["Min"] != 2.0 || took["Max"] != 3.0 || took["Values"].([]any)[0] != 2.5 {
		t.Errorf("ns histogram written as %v, want microseconds", took)
	}
}

func TestEMFHistogramsInTheAWSExportersForm(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMFExporter(&buf)
	at := time.Unix(1700000000, 0)
	// 150 points whose attribute is dropped: merged into one metric of
	// 150 buckets, split over two lines.
	var pts []metricdata.HistogramDataPoint[float64]
	for i := range 150 {
		v := float64(i)
		pts = append(pts, metricdata.HistogramDataPoint[float64]{Time: at, Count: 2, Sum: 2*v + 1, Bounds: []float64{v + 0.5},
			BucketCounts: []uint64{1, 1}, Min: metricdata.NewExtrema(v), Max: metricdata.NewExtrema(v + 1),
			Attributes: attribute.NewSet(attribute.Int("n", i))})
	}
	rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "Latency", Unit: "ms", Data: metricdata.Histogram[float64]{DataPoints: pts}}}}}}
	if err := e.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	docs := checkEMF(t, buf.Bytes())
	if len(docs) != 3 {
		t.Fatalf("%d lines, want 3 (300 buckets, 100 a line)", len(docs))
	}
	count, sum, lo, hi := 0.0, 0.0, 1e9, -1e9
	for i, d := range docs {
		h := d["Latency"].(map[string]any)
		count += h["Count"].(float64)
		sum += h["Sum"].(float64)
		lo, hi = min(lo, h["Min"].(float64)), max(hi, h["Max"].(float64))
		if i > 0 && h["Sum"].(float64) != 0 {
			t.Errorf("line %d carries a Sum: only the first part does", i)
		}
	}
	if count != 300 || sum != 150*150 || lo != 0 || hi != 150 {
		t.Errorf("count %v sum %v min %v max %v, want 300, 22500, 0, 150", count, sum, lo, hi)
	}
}

func TestEMFDropsValuesCloudWatchRefuses(t *testing.T) {
	var buf, warnings bytes.Buffer
	e := NewEMFExporter(&buf, WithWarnLogger(slog.New(slog.NewTextHandler(&warnings, nil))))
	at := time.Unix(1700000000, 0)
	rm := &metricdata.ResourceMetrics{Resource: resource.Empty(), ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "X", Data: metricdata.Gauge[float64]{DataPoints: []metricdata.DataPoint[float64]{
			{Time: at, Value: math.NaN()}, {Time: at, Value: math.Inf(1)}, {Time: at, Value: 1e300}, {Time: at, Value: 7}}}}}}}}
	if err := e.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	if d := checkEMF(t, buf.Bytes()); len(d) != 1 || d[0]["X"] != 7.0 {
		t.Errorf("want only 7 written: %s", buf.String())
	}
	if n := strings.Count(warnings.String(), "metric value dropped"); n != 1 {
		t.Errorf("%d warnings, want one for the metric:\n%s", n, warnings.String())
	}
}
