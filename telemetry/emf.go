package telemetry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
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
	maxEMFMetrics    = 100 // metric definitions per directive
	maxEMFDimensions = 30  // keys per dimension set
	maxEMFValues     = 100 // values per metric array
	maxEMFNameLength = 255 // characters of a metric name (MetricDatum's MetricName)
	// maxDimensionValue is a dimension value's limit in characters:
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html
	maxDimensionValue = 1024
	// noValue names an empty dimension value: CloudWatch wants at least
	// one non-whitespace character.
	noValue = "none"
)

// EMFExporter is an sdk/metric exporter writing CloudWatch Embedded Metric
// Format lines. It uses delta temporality, so each flush (the wrapper
// flushes at the end of every invocation) writes what that invocation
// recorded. Data points are grouped by their dimension set; only
// allow-listed attribute keys become dimensions (high-cardinality values
// such as ids must never be: every combination is a billed custom metric);
// other attributes are dropped with one warning per key, and the points
// they split are merged. A dimension value holds what CloudWatch accepts
// (API_Dimension): printable ASCII (other characters become "_"), at most
// 1024 characters, and an empty or blank value is named "none". Metric
// names are 1 to 255 characters (MetricDatum). Units are mapped to
// CloudWatch's list (cloudWatchUnit), scaling values where CloudWatch has
// no such unit (ns, min, h, d, binary prefixes); values CloudWatch
// refuses (NaN, ±Inf, beyond ±2^360) are dropped with one warning per
// metric. Histograms are written as the collector's awsemfexporter
// writes them (cWMetricHistogram in exporter/awsemfexporter of
// opentelemetry-collector-contrib): {"Values", "Counts", "Max", "Min",
// "Count", "Sum"}, one value per non-empty bucket, so CloudWatch can
// compute percentiles. Lines over the EMF limits are split, never
// truncated; a histogram split over lines carries, like the exporter's,
// each part's Count, Min and Max and the Sum on its first part only.
// Every line carries a level key at which Lambda's log-level filter lets
// it through.
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

// emfMetric is one metric's values. A distribution (dist) also has, per
// value, its count and the bounds of its bucket (lo, hi), and the sum of
// its observations.
type emfMetric struct {
	name, unit     string
	dist           bool
	values, counts []float64
	lo, hi         []float64
	sum            float64
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
		dims = append(dims, [2]string{"service", dimensionValue(service)})
	}
	for it := attrs.Iter(); it.Next(); {
		kv := it.Attribute()
		k := string(kv.Key)
		if !e.allow[k] || k == "service" || len(dims) == maxEMFDimensions {
			e.dropOnce(k)
			continue
		}
		dims = append(dims, [2]string{k, dimensionValue(e.redactor.redact(kv.Value.String()))})
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
		m := &d.metrics[i]
		m.values, m.counts, m.lo, m.hi, m.sum = m.values[:0], m.counts[:0], m.lo[:0], m.hi[:0], 0
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

func (d *emfDoc) add(name, unit string, v float64) {
	m := d.metric(name, unit)
	m.values = append(m.values, v)
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
		e.warnOnce("metric:"+m.Name, "metric dropped: its name is empty, over 255 characters, or a reserved key",
			"metric", truncateForLog(m.Name))
		return
	}
	unit, scale := cloudWatchUnitScale(m.Unit)
	if unit == "None" && m.Unit != "" {
		e.warnOnce("unit:"+m.Unit, "metric unit has no CloudWatch unit: written as None", "unit", m.Unit, "metric", m.Name)
	}
	switch data := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range data.DataPoints {
			e.addValue(docs, service, m.Name, unit, p.Attributes, p.Time, float64(p.Value)*scale)
		}
	case metricdata.Sum[float64]:
		for _, p := range data.DataPoints {
			e.addValue(docs, service, m.Name, unit, p.Attributes, p.Time, p.Value*scale)
		}
	case metricdata.Gauge[int64]:
		for _, p := range data.DataPoints {
			e.addValue(docs, service, m.Name, unit, p.Attributes, p.Time, float64(p.Value)*scale)
		}
	case metricdata.Gauge[float64]:
		for _, p := range data.DataPoints {
			e.addValue(docs, service, m.Name, unit, p.Attributes, p.Time, p.Value*scale)
		}
	case metricdata.Histogram[float64]:
		for _, p := range data.DataPoints {
			e.addHistogram(docs, service, m.Name, unit, scaled(p, scale))
		}
	case metricdata.Histogram[int64]:
		for _, p := range data.DataPoints {
			e.addHistogram(docs, service, m.Name, unit, scaled(toFloat(p), scale))
		}
	}
}

// maxCloudWatchValue bounds the values CloudWatch accepts: "Values must be
// in the range of -2^360 to 2^360. In addition, special values (for
// example, NaN, +Infinity, -Infinity) are not supported."
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
var maxCloudWatchValue = math.Ldexp(1, 360)

// accepted reports whether CloudWatch takes v as a metric value, warning
// once per metric when it does not.
func (e *EMFExporter) accepted(name string, vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.Abs(v) > maxCloudWatchValue {
			e.warnOnce("value:"+name, "metric value dropped: NaN, infinite or beyond ±2^360, which CloudWatch refuses",
				"metric", truncateForLog(name))
			return false
		}
	}
	return true
}

func (e *EMFExporter) addValue(docs map[string]*emfDoc, service, name, unit string, attrs attribute.Set, ts time.Time, v float64) {
	if e.accepted(name, v) {
		e.doc(docs, service, attrs, ts).add(name, unit, v)
	}
}

func (e *EMFExporter) addHistogram(docs map[string]*emfDoc, service, name, unit string, p metricdata.HistogramDataPoint[float64]) {
	if p.Count == 0 {
		return
	}
	mn, _ := p.Min.Value()
	mx, _ := p.Max.Value()
	if !e.accepted(name, p.Sum, mn, mx) {
		return
	}
	m := e.doc(docs, service, p.Attributes, p.Time).metric(name, unit)
	m.dist = true
	m.sum += p.Sum
	m.values, m.counts, m.lo, m.hi = appendBuckets(m.values, m.counts, m.lo, m.hi, p)
}

// appendBuckets represents each non-empty bucket by the midpoint of its
// bounds, narrowed by the observed min and max (the bounds are kept for
// the Min and Max of the line); a single observation is exact (its sum).
func appendBuckets(values, counts, los, his []float64, p metricdata.HistogramDataPoint[float64]) ([]float64, []float64, []float64, []float64) {
	if p.Count == 1 {
		return append(values, p.Sum), append(counts, 1), append(los, p.Sum), append(his, p.Sum)
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
		los, his = append(los, lower), append(his, upper)
	}
	return values, counts, los, his
}

// scaled multiplies a histogram's values by scale (a unit conversion).
func scaled(p metricdata.HistogramDataPoint[float64], scale float64) metricdata.HistogramDataPoint[float64] {
	if scale == 1 {
		return p
	}
	p.Sum *= scale
	p.Bounds = slices.Clone(p.Bounds)
	for i := range p.Bounds {
		p.Bounds[i] *= scale
	}
	if v, ok := p.Min.Value(); ok {
		p.Min = metricdata.NewExtrema(v * scale)
	}
	if v, ok := p.Max.Value(); ok {
		p.Max = metricdata.NewExtrema(v * scale)
	}
	return p
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
		for i := range d.metrics {
			if m := &d.metrics[i]; lo < len(m.values) {
				round = append(round, m.chunk(lo, min(lo+maxEMFValues, len(m.values))))
			}
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

// chunk is m's values [from, to) for one line. A distribution's part has
// its own Count, Min and Max; its Sum is the whole sum on the first part
// and 0 on the others, so that CloudWatch's total is right (as the
// awsemfexporter splits exponential histograms).
func (m *emfMetric) chunk(from, to int) emfChunk {
	c := emfChunk{name: m.name, unit: m.unit, values: m.values[from:to]}
	if !m.dist {
		return c
	}
	c.counts, c.dist = m.counts[from:to], true
	c.min, c.max = m.lo[from], m.hi[from]
	for i := from; i < to; i++ {
		c.count += m.counts[i]
		c.min, c.max = min(c.min, m.lo[i]), max(c.max, m.hi[i])
	}
	if from == 0 {
		c.sum = m.sum
	}
	return c
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
	dist           bool
	min, max       float64
	count, sum     float64
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
		b = c.appendValue(b)
	}
	return append(b, '}', '\n')
}

// appendValue writes a number, an array, or the distribution object.
func (c *emfChunk) appendValue(b []byte) []byte {
	if c.dist {
		b = append(b, `{"Values":`...)
		b = appendFloats(b, c.values)
		b = append(b, `,"Counts":`...)
		b = appendFloats(b, c.counts)
		b = append(b, `,"Max":`...)
		b = appendFloat(b, c.max)
		b = append(b, `,"Min":`...)
		b = appendFloat(b, c.min)
		b = append(b, `,"Count":`...)
		b = appendFloat(b, c.count)
		b = append(b, `,"Sum":`...)
		b = appendFloat(b, c.sum)
		return append(b, '}')
	}
	if len(c.values) == 1 {
		return appendFloat(b, c.values[0])
	}
	return appendFloats(b, c.values)
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

// cloudWatchUnit maps a UCUM unit to CloudWatch's (see cloudWatchUnitScale).
func cloudWatchUnit(u string) string {
	unit, _ := cloudWatchUnitScale(u)
	return unit
}

// cloudWatchUnitScale maps a UCUM unit (https://ucum.org/ucum, as
// OpenTelemetry writes them) to the CloudWatch unit of MetricDatum's list
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html)
// and the factor that converts a value into it. Where CloudWatch has no
// such unit the value is converted, as the CloudWatch agent does
// (amazon-cloudwatch-agent, internal/cloudwatch/unit.go): ns to
// Microseconds, min, h and d to Seconds, binary prefixes (KiBy) to the
// decimal ones (Kilobytes, 1.024 each). Annotations ({order}) and 1 are
// Count, {x}/s and 1/s Count/Second; anything else is None.
func cloudWatchUnitScale(u string) (string, float64) {
	if cw, ok := timeUnits[u]; ok {
		return cw.unit, cw.scale
	}
	switch {
	case u == "1" || u == "" || isAnnotation(u):
		return "Count", 1
	case u == "%":
		return "Percent", 1
	case u == "1/s" || strings.HasSuffix(u, "}/s") && isAnnotation(strings.TrimSuffix(u, "/s")):
		return "Count/Second", 1
	}
	base, rate := strings.CutSuffix(u, "/s")
	for _, b := range [...]struct{ ucum, cw string }{{"By", "Bytes"}, {"bit", "Bits"}} {
		prefix, ok := strings.CutSuffix(base, b.ucum)
		if !ok {
			continue
		}
		p, ok := unitPrefixes[prefix]
		if !ok {
			break
		}
		unit := p.name + strings.ToLower(b.cw[:1]) + b.cw[1:]
		if p.name == "" {
			unit = b.cw
		}
		if rate {
			unit += "/Second"
		}
		return unit, p.scale
	}
	return "None", 1
}

// isAnnotation reports whether u is a UCUM annotation alone, such as {order}.
func isAnnotation(u string) bool {
	return len(u) > 2 && u[0] == '{' && u[len(u)-1] == '}' && !strings.ContainsAny(u[1:len(u)-1], "{}")
}

type cwUnit struct {
	unit  string
	scale float64
}

var timeUnits = map[string]cwUnit{
	"s": {"Seconds", 1}, "ms": {"Milliseconds", 1}, "us": {"Microseconds", 1},
	"ns": {"Microseconds", 1e-3}, "min": {"Seconds", 60}, "h": {"Seconds", 3600}, "d": {"Seconds", 86400},
}

// unitPrefixes are the UCUM prefixes CloudWatch's byte and bit units have
// (kilo to tera), decimal and binary, by CloudWatch's prefix word.
var unitPrefixes = map[string]struct {
	name  string
	scale float64
}{
	"": {"", 1}, "k": {"Kilo", 1}, "M": {"Mega", 1}, "G": {"Giga", 1}, "T": {"Tera", 1},
	"Ki": {"Kilo", 1.024}, "Mi": {"Mega", 1.048576}, "Gi": {"Giga", 1.073741824}, "Ti": {"Tera", 1.099511627776},
}

// writeSingle writes one metric value as its own EMF line.
func (e *EMFExporter) writeSingle(_ context.Context, service, name, unit string, v float64, dims ...[2]string) {
	d := &emfDoc{ts: time.Now()}
	if service != "" {
		d.dims = append(d.dims, [2]string{"service", dimensionValue(service)})
	}
	for _, dim := range dims {
		d.dims = append(d.dims, [2]string{dim[0], dimensionValue(dim[1])})
	}
	sort.Slice(d.dims, func(i, j int) bool { return d.dims[i][0] < d.dims[j][0] })
	d.add(name, unit, v)
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(d.appendLines(nil, e.namespace, e.level))
}

// dimensionValue makes v a value CloudWatch accepts as a dimension's:
// "Dimension values must contain only ASCII characters and must include
// at least one non-whitespace character. ASCII control characters are
// not supported", 1 to 1024 characters
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html).
// Other characters become "_"; a blank value is noValue.
func dimensionValue(v string) string {
	if strings.TrimSpace(v) == "" {
		return noValue
	}
	clean := true
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			clean = false
			break
		}
	}
	if clean && len(v) <= maxDimensionValue {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		if b.Len() == maxDimensionValue {
			break
		}
		if r < 0x20 || r > 0x7e {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}
