package telemetry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
)

// EMF limits, from the specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
const (
	maxEMFMetrics    = 100  // metric definitions per directive
	maxEMFDimensions = 30   // keys per dimension set
	maxEMFValues     = 100  // values per metric array
	maxEMFNameLength = 1024 // characters of a metric name
)

// EMFExporter is an sdk/metric exporter writing CloudWatch Embedded Metric
// Format lines. It uses delta temporality, so each flush (the wrapper
// flushes at the end of every invocation) writes what that invocation
// recorded. Data points are grouped by their dimension set; only
// allow-listed attribute keys become dimensions (high-cardinality values
// such as ids must never be: every combination is a billed custom metric);
// other attributes are dropped with one warning per key, and the points
// they split are merged. Histograms become Values/Counts arrays, one value
// per non-empty bucket, so CloudWatch can compute percentiles. Lines over
// the EMF limits are split, never truncated. Every line carries a level
// key at which Lambda's log-level filter lets it through.
type EMFExporter struct {
	mu        sync.Mutex
	w         io.Writer
	namespace string
	allow     map[string]bool
	level     string
	warn      *slog.Logger
	warned    map[string]bool
	key       []byte // scratch for document keys; Export is not concurrent
	docs      map[string]*emfDoc
	keys      []string // sorted keys of docs
	buf       []byte   // scratch for the lines of one Export
	redactor  redactor // secret values redacted from dimension values
}

var _ sdkmetric.Exporter = (*EMFExporter)(nil)

// EMFOption configures NewEMFExporter.
type EMFOption func(*EMFExporter)

// WithNamespace sets the CloudWatch namespace (default "Alchemiser").
func WithNamespace(ns string) EMFOption { return func(e *EMFExporter) { e.namespace = ns } }

// WithDimensions sets the attribute keys allowed as dimensions, besides
// "service" (default: service, function, event_type, step, endpoint, status,
// side, reason, outcome, error_type, state, code).
func WithDimensions(keys ...string) EMFOption {
	return func(e *EMFExporter) {
		e.allow = map[string]bool{"service": true}
		for _, k := range keys {
			e.allow[k] = true
		}
	}
}

// WithEMFLevel sets the level key of EMF lines (default INFO): use the
// function's application log level, so Lambda never filters metrics out.
func WithEMFLevel(l slog.Level) EMFOption {
	return func(e *EMFExporter) {
		if l > slog.LevelInfo {
			e.level = LevelName(l)
		}
	}
}

// WithWarnLogger receives the one-time warnings about dropped dimensions.
func WithWarnLogger(l *slog.Logger) EMFOption { return func(e *EMFExporter) { e.warn = l } }

// WithEMFSecrets redacts these values from dimension values (an attribute
// that happened to carry a credential), as the log handler does.
func WithEMFSecrets(values ...string) EMFOption {
	return func(e *EMFExporter) { e.redactor = newRedactor(values) }
}

// DefaultDimensions are the attribute keys allowed as dimensions by default.
var DefaultDimensions = []string{"function", "event_type", "step", "endpoint", "status", "side", "reason", "outcome", "error_type", "state", "code", "slo"}

// NewEMFExporter returns an exporter writing to w (stdout in Lambda).
func NewEMFExporter(w io.Writer, opts ...EMFOption) *EMFExporter {
	e := &EMFExporter{w: w, namespace: "Alchemiser", level: "INFO", warned: map[string]bool{},
		warn: slog.New(slog.DiscardHandler)}
	WithDimensions(DefaultDimensions...)(e)
	for _, o := range opts {
		o(e)
	}
	return e
}

// Temporality is delta for every instrument: each flush writes new data.
func (e *EMFExporter) Temporality(sdkmetric.InstrumentKind) metricdata.Temporality {
	return metricdata.DeltaTemporality
}

// Aggregation is the SDK default.
func (e *EMFExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

// ForceFlush has nothing to flush: Export writes synchronously.
func (e *EMFExporter) ForceFlush(context.Context) error { return nil }

// Shutdown implements sdkmetric.Exporter.
func (e *EMFExporter) Shutdown(context.Context) error { return nil }

// emfService is the service dimension: the resource's service.namespace,
// the system the functions belong to (service.name is each function's
// own, for trace UIs; the function dimension names it), else its
// service.name.
func emfService(res *attribute.Set) string {
	if v, ok := res.Value(semconv.ServiceNamespaceKey); ok && v.AsString() != "" {
		return v.AsString()
	}
	v, _ := res.Value(semconv.ServiceNameKey)
	return v.AsString()
}

// Export writes rm as EMF lines.
func (e *EMFExporter) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	service := emfService(rm.Resource.Set())
	// Documents are kept across exports (their number is bounded by the
	// dimension allow-list) and reset, so a flush allocates little.
	if e.docs == nil {
		e.docs = map[string]*emfDoc{}
	}
	for _, d := range e.docs {
		d.reset()
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			e.collect(e.docs, service, m)
		}
	}
	if len(e.keys) != len(e.docs) {
		e.keys = e.keys[:0]
		for k := range e.docs {
			e.keys = append(e.keys, k)
		}
		sort.Strings(e.keys)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// One Write for the whole export: in Lambda each Write to stdout is a
	// system call.
	buf := e.buf[:0]
	for _, k := range e.keys {
		buf = e.docs[k].appendLines(buf, e.namespace, e.level)
	}
	e.buf = buf
	if len(buf) == 0 {
		return nil
	}
	if _, err := e.w.Write(buf); err != nil {
		return fmt.Errorf("could not write EMF: %w", err)
	}
	return nil
}

// emfDoc is the metrics of one dimension set.
type emfDoc struct {
	dims    [][2]string // sorted key, value
	ts      time.Time
	metrics []emfMetric
	scratch []emfChunk // reused by appendLines
}

// emfMetric is one metric's values; counts is set for distributions.
type emfMetric struct {
	name, unit     string
	values, counts []float64
}

func (e *EMFExporter) doc(docs map[string]*emfDoc, service string, attrs attribute.Set, ts time.Time) *emfDoc {
	key := e.key[:0]
	if service != "" {
		key = append(key, "service="+service+"\x00"...)
	}
	for it := attrs.Iter(); it.Next(); {
		kv := it.Attribute()
		if k := string(kv.Key); e.allow[k] && k != "service" {
			key = append(append(append(append(key, k...), '='), kv.Value.String()...), 0)
		} else {
			e.dropOnce(k)
		}
	}
	e.key = key
	if d, ok := docs[string(key)]; ok { // no allocation: the compiler keys the lookup by the bytes
		if d.ts.IsZero() || ts.After(d.ts) {
			d.ts = ts
		}
		return d
	}
	d := &emfDoc{dims: e.dimensions(service, attrs), ts: ts}
	docs[string(key)] = d
	return d
}

// dimensions lists the allowed dimensions of attrs (sorted by key, as an
// attribute.Set is), warning once per dropped key.
func (e *EMFExporter) dimensions(service string, attrs attribute.Set) [][2]string {
	dims := make([][2]string, 0, attrs.Len()+1)
	if service != "" {
		dims = append(dims, [2]string{"service", service})
	}
	for it := attrs.Iter(); it.Next(); {
		kv := it.Attribute()
		k := string(kv.Key)
		if !e.allow[k] || k == "service" || len(dims) == maxEMFDimensions {
			e.dropOnce(k)
			continue
		}
		dims = append(dims, [2]string{k, e.redactor.redact(kv.Value.String())})
	}
	sort.Slice(dims, func(i, j int) bool { return dims[i][0] < dims[j][0] })
	return dims
}

func (e *EMFExporter) dropOnce(key string) {
	e.warnOnce("attribute:"+key, "metric attribute dropped: not an allowed dimension", "attribute", key)
}

// warnOnce logs msg the first time key is seen.
func (e *EMFExporter) warnOnce(key, msg string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.warned[key] {
		return
	}
	e.warned[key] = true
	e.warn.Warn(msg, args...)
}

// truncateForLog keeps a warning about a huge name readable.
func truncateForLog(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "..."
}

// reset empties the document for the next export, keeping its storage.
func (d *emfDoc) reset() {
	for i := range d.metrics {
		d.metrics[i].values = d.metrics[i].values[:0]
		if d.metrics[i].counts != nil {
			d.metrics[i].counts = d.metrics[i].counts[:0]
		}
	}
	d.ts = time.Time{}
}

func (d *emfDoc) metric(name, unit string) *emfMetric {
	for i := range d.metrics {
		if d.metrics[i].name == name {
			return &d.metrics[i]
		}
	}
	d.metrics = append(d.metrics, emfMetric{name: name, unit: unit})
	return &d.metrics[len(d.metrics)-1]
}

func (d *emfDoc) add(name, unit string, vs ...float64) {
	m := d.metric(name, unit)
	m.values = append(m.values, vs...)
}

// validName reports whether name can be a metric of an EMF line: 1 to 1024
// characters (the specification's limit), and not a root member the line
// already uses for something else (our level key, the metadata, a
// dimension), where CloudWatch would read the wrong value.
func (e *EMFExporter) validName(name string) bool {
	switch {
	case name == "" || name == "_aws" || name == "level" || name == "service" || e.allow[name]:
		return false
	case len(name) <= maxEMFNameLength: // bytes >= characters
		return true
	}
	return utf8.RuneCountInString(name) <= maxEMFNameLength
}

func (e *EMFExporter) collect(docs map[string]*emfDoc, service string, m metricdata.Metrics) {
	if !e.validName(m.Name) {
		e.warnOnce("metric:"+m.Name, "metric dropped: its name is empty, over 1024 characters, or a reserved key",
			"metric", truncateForLog(m.Name))
		return
	}
	unit := cloudWatchUnit(m.Unit)
	switch data := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).add(m.Name, unit, float64(p.Value))
		}
	case metricdata.Sum[float64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).add(m.Name, unit, p.Value)
		}
	case metricdata.Gauge[int64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).add(m.Name, unit, float64(p.Value))
		}
	case metricdata.Gauge[float64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).add(m.Name, unit, p.Value)
		}
	case metricdata.Histogram[float64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).addHistogram(m.Name, unit, p)
		}
	case metricdata.Histogram[int64]:
		for _, p := range data.DataPoints {
			e.doc(docs, service, p.Attributes, p.Time).addHistogram(m.Name, unit, toFloat(p))
		}
	}
}

func (d *emfDoc) addHistogram(name, unit string, p metricdata.HistogramDataPoint[float64]) {
	if p.Count == 0 {
		return
	}
	m := d.metric(name, unit)
	m.values, m.counts = appendBuckets(m.values, m.counts, p)
}

// appendBuckets represents each non-empty bucket by the midpoint of its
// bounds, narrowed by the observed min and max; a single observation is
// exact (its sum).
func appendBuckets(values, counts []float64, p metricdata.HistogramDataPoint[float64]) ([]float64, []float64) {
	if counts == nil {
		counts = make([]float64, 0, 8)
	}
	if p.Count == 1 {
		return append(values, p.Sum), append(counts, 1)
	}
	lo, hi := p.Sum/float64(p.Count), p.Sum/float64(p.Count)
	if v, ok := p.Min.Value(); ok {
		lo = v
	}
	if v, ok := p.Max.Value(); ok {
		hi = v
	}
	for i, c := range p.BucketCounts {
		if c == 0 {
			continue
		}
		lower, upper := lo, hi
		if i > 0 && p.Bounds[i-1] > lower {
			lower = p.Bounds[i-1]
		}
		if i < len(p.Bounds) && p.Bounds[i] < upper {
			upper = p.Bounds[i]
		}
		values, counts = append(values, (lower+upper)/2), append(counts, float64(c))
	}
	return values, counts
}

func toFloat(p metricdata.HistogramDataPoint[int64]) metricdata.HistogramDataPoint[float64] {
	out := metricdata.HistogramDataPoint[float64]{Attributes: p.Attributes, Time: p.Time, Count: p.Count,
		Bounds: p.Bounds, BucketCounts: p.BucketCounts, Sum: float64(p.Sum)}
	if v, ok := p.Min.Value(); ok {
		out.Min = metricdata.NewExtrema(float64(v))
	}
	if v, ok := p.Max.Value(); ok {
		out.Max = metricdata.NewExtrema(float64(v))
	}
	return out
}

// appendLines renders the document into b, splitting at the EMF limits:
// round r carries every metric's r-th slice of at most maxEMFValues
// values, in lines of at most maxEMFMetrics metrics.
func (d *emfDoc) appendLines(b []byte, ns, level string) []byte {
	for r := 0; ; r++ {
		lo := r * maxEMFValues
		round := d.scratch[:0]
		for _, m := range d.metrics {
			if lo >= len(m.values) {
				continue
			}
			c := emfChunk{name: m.name, unit: m.unit, values: m.values[lo:min(lo+maxEMFValues, len(m.values))]}
			if m.counts != nil {
				c.counts = m.counts[lo:min(lo+maxEMFValues, len(m.counts))]
			}
			round = append(round, c)
		}
		d.scratch = round
		if len(round) == 0 {
			return b
		}
		for start := 0; start < len(round); start += maxEMFMetrics {
			b = d.appendLine(b, ns, level, round[start:min(start+maxEMFMetrics, len(round))])
		}
	}
}

func hasDim(dims [][2]string, key string) bool {
	for _, d := range dims {
		if d[0] == key {
			return true
		}
	}
	return false
}

// emfChunk is one metric's values on one line.
type emfChunk struct {
	name, unit     string
	values, counts []float64
}

func (d *emfDoc) appendLine(b []byte, ns, level string, line []emfChunk) []byte {
	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, d.ts.UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":`...)
	b = appendString(b, ns)
	b = append(b, `,"Dimensions":[[`...)
	for i, dim := range d.dims {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, dim[0])
	}
	b = append(b, ']')
	// The rollup: every metric also under [service] alone, so alarms and
	// dashboards can sum across functions and outcomes without SEARCH
	// (each dimension set is one more custom metric).
	if len(d.dims) > 1 && hasDim(d.dims, "service") {
		b = append(b, `,["service"]`...)
	}
	b = append(b, `],"Metrics":[`...)
	for i, c := range line {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Name":`...)
		b = appendString(b, c.name)
		b = append(b, `,"Unit":`...)
		b = appendString(b, c.unit)
		b = append(b, '}')
	}
	b = append(b, `]}]},"level":`...)
	b = appendString(b, level)
	for _, dim := range d.dims {
		b = append(b, ',')
		b = appendString(b, dim[0])
		b = append(b, ':')
		b = appendString(b, dim[1])
	}
	for _, c := range line {
		b = append(b, ',')
		b = appendString(b, c.name)
		b = append(b, ':')
		b = appendMetricValue(b, c.values, c.counts)
	}
	return append(b, '}', '\n')
}

// appendMetricValue writes a number, an array, or a Values/Counts object.
func appendMetricValue(b []byte, values, counts []float64) []byte {
	if counts != nil {
		b = append(b, `{"Values":`...)
		b = appendFloats(b, values)
		b = append(b, `,"Counts":`...)
		b = appendFloats(b, counts)
		return append(b, '}')
	}
	if len(values) == 1 {
		return appendFloat(b, values[0])
	}
	return appendFloats(b, values)
}

func appendFloats(b []byte, vs []float64) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, v)
	}
	return append(b, ']')
}

// cloudWatchUnit maps UCUM units to CloudWatch's.
func cloudWatchUnit(u string) string {
	switch u {
	case "ms":
		return "Milliseconds"
	case "s":
		return "Seconds"
	case "us":
		return "Microseconds"
	case "By":
		return "Bytes"
	case "%":
		return "Percent"
	case "1", "{count}", "":
		return "Count"
	}
	if strings.HasPrefix(u, "{") {
		return "Count"
	}
	return "None"
}

// writeSingle writes one metric value as its own EMF line.
func (e *EMFExporter) writeSingle(_ context.Context, service, name, unit string, v float64, dims ...[2]string) {
	d := &emfDoc{ts: time.Now()}
	if service != "" {
		d.dims = append(d.dims, [2]string{"service", service})
	}
	d.dims = append(d.dims, dims...)
	sort.Slice(d.dims, func(i, j int) bool { return d.dims[i][0] < d.dims[j][0] })
	d.add(name, unit, v)
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(d.appendLines(nil, e.namespace, e.level))
}
