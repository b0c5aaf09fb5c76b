package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// Telemetry is one execution environment's telemetry: tracer and meter
// providers, the logger, and the Lambda wrapper. Create it once per
// execution environment (at init), wrap the handler, and let the wrapper
// flush at the end of every invocation.
type Telemetry struct {
	cfg    config
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	log    *slog.Logger
	prop   propagation.TextMapPropagator
	emf    *EMFExporter
	reader *sdkmetric.ManualReader
	rm     metricdata.ResourceMetrics
	rmMu   chan struct{}
	inst   instruments
	cold   atomic.Bool
	rngMu  chan struct{}
	// redactor redacts the configured secrets from what leaves outside the
	// log handler: the error and panic returned to the runtime.
	redactor redactor
	rng      *rand.Rand

	attrCache sync.Map // event type -> metric.MeasurementOption
	peekMu    sync.Mutex
	peeked    struct {
		raw  []byte
		info eventInfo
	}
}

// Init builds the telemetry of one execution environment. creds, when
// non-nil, sign OTLP requests (ALCHEMISER_OTLP_SIGV4=true).
func Init(ctx context.Context, creds aws.CredentialsProvider, opts ...Option) (*Telemetry, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, fmt.Errorf("could not configure telemetry: %w", err)
	}
	t := &Telemetry{cfg: cfg, prop: cfg.propagator, rngMu: make(chan struct{}, 1), rmMu: make(chan struct{}, 1),
		rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0))}
	t.cold.Store(cfg.coldStart)
	handler := NewLogHandler(cfg.out, WithLogLevel(cfg.level), WithIdentity(cfg.service, cfg.function, cfg.version),
		WithSecretValues(cfg.secrets...))
	t.log = slog.New(handler)
	for _, w := range cfg.warnings {
		t.log.WarnContext(ctx, "telemetry configuration: "+w)
	}
	res, err := t.resource(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.traces(ctx, res, creds); err != nil {
		return nil, err
	}
	t.redactor = newRedactor(cfg.secrets)
	t.emf = NewEMFExporter(cfg.out, WithNamespace(cfg.namespace), WithEMFLevel(cfg.level), WithWarnLogger(t.log),
		WithEMFSecrets(cfg.secrets...))
	// A manual reader, collected by ForceFlush in the caller's goroutine:
	// a frozen environment runs no periodic timers anyway.
	t.reader = sdkmetric.NewManualReader(sdkmetric.WithTemporalitySelector(t.emf.Temporality),
		sdkmetric.WithAggregationSelector(t.emf.Aggregation))
	// Exemplars are off: EMF has nowhere to put them.
	t.mp = sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(t.reader),
		sdkmetric.WithExemplarFilter(exemplar.AlwaysOffFilter))
	if t.inst, err = newInstruments(t.mp.Meter(ScopeName)); err != nil {
		return nil, err
	}
	return t, nil
}

// ScopeName is the instrumentation scope of this package.
const ScopeName = "github.com/alchemiser/alchemiser/telemetry"

func (t *Telemetry) resource(ctx context.Context) (*resource.Resource, error) {
	c := t.cfg
	attrs := []attribute.KeyValue{
		// service.namespace groups the functions as one system
		// (https://opentelemetry.io/docs/specs/semconv/registry/attributes/service/).
		semconv.ServiceName(c.serviceName), semconv.ServiceNamespace(c.service), semconv.CloudProviderAWS, semconv.CloudPlatformAWSLambda,
		semconv.FaaSName(c.function), semconv.FaaSVersion(c.version),
	}
	if c.region != "" {
		attrs = append(attrs, semconv.CloudRegion(c.region))
	}
	if mem, err := strconv.Atoi(c.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")); err == nil {
		attrs = append(attrs, semconv.FaaSMaxMemory(mem*1024*1024))
	}
	if s := c.getenv("AWS_LAMBDA_LOG_STREAM_NAME"); s != "" {
		attrs = append(attrs, semconv.FaaSInstance(s))
	}
	// WithTelemetrySDK: telemetry.sdk.name, .language and .version, which
	// the resource semantic conventions require of every SDK
	// (https://opentelemetry.io/docs/specs/semconv/resource/#telemetry-sdk).
	fromEnv, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithAttributes(attrs...),
		resource.WithDetectors(envDetector{c.getenv}))
	if err != nil {
		return nil, fmt.Errorf("could not build resource: %w", err)
	}
	return fromEnv, nil
}

// envDetector reads OTEL_RESOURCE_ATTRIBUTES through the configured getenv.
type envDetector struct{ getenv func(string) string }

func (d envDetector) Detect(context.Context) (*resource.Resource, error) {
	return resourceFromEnv(d.getenv("OTEL_RESOURCE_ATTRIBUTES"))
}

func (t *Telemetry) traces(ctx context.Context, res *resource.Resource, creds aws.CredentialsProvider) error {
	exp := t.cfg.spanExporter
	if exp == nil {
		var err error
		if exp, err = spanExporter(ctx, t.cfg, creds); err != nil {
			return fmt.Errorf("could not create span exporter: %w", err)
		}
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if exp != nil {
		exp = RedactSpans(exp, t.cfg.secrets...) // error texts end up in span status and events
		opts = append(opts, sdktrace.WithSpanProcessor(newInvocationProcessor(exp)))
	}
	t.tp = sdktrace.NewTracerProvider(opts...)
	return nil
}

// Logger is the environment's logger; log with the invocation's context
// (InfoContext and friends) so lines carry its ids.
func (t *Telemetry) Logger() *slog.Logger { return t.log }

// TracerProvider is the environment's tracer provider.
func (t *Telemetry) TracerProvider() trace.TracerProvider { return t.tp }

// MeterProvider is the environment's meter provider.
func (t *Telemetry) MeterProvider() metric.MeterProvider { return t.mp }

// Propagator injects and extracts event trace context.
func (t *Telemetry) Propagator() propagation.TextMapPropagator { return t.prop }

// ForceFlush exports pending spans and metrics, giving up at ctx's
// deadline minus the flush margin.
func (t *Telemetry) ForceFlush(ctx context.Context) error {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), dl.Add(-t.cfg.flushMargin))
		defer cancel()
	}
	return errors.Join(t.tp.ForceFlush(ctx), t.flushMetrics(ctx))
}

// flushMetrics collects and writes this invocation's metrics as EMF.
func (t *Telemetry) flushMetrics(ctx context.Context) error {
	t.rmMu <- struct{}{}
	defer func() { <-t.rmMu }()
	if err := t.reader.Collect(ctx, &t.rm); err != nil {
		return err
	}
	return t.emf.Export(ctx, &t.rm)
}

// Shutdown flushes and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	return errors.Join(t.flushMetrics(ctx), t.tp.Shutdown(ctx), t.mp.Shutdown(ctx))
}

// sampled decides whether an invocation logs DEBUG lines at once.
func (t *Telemetry) sampled() bool {
	if t.cfg.sampleRate <= 0 {
		return false
	}
	t.rngMu <- struct{}{}
	defer func() { <-t.rngMu }()
	return t.rng.Float64() < t.cfg.sampleRate
}
