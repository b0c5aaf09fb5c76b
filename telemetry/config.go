package telemetry

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// config is filled by newConfig: defaults, then the environment, then
// options.
type config struct {
	getenv       func(string) string
	out          io.Writer
	service      string // the system: log key and metric dimension
	serviceName  string // resource service.name: the function
	function     string
	version      string
	region       string
	namespace    string
	level        slog.Level
	sampleRate   float64
	flushMargin  time.Duration
	traces       string // otlp, console, none
	protocol     string // the OTLP protocol served: ProtocolHTTPProtobuf or ProtocolHTTPJSON
	warnings     []string
	spanExporter sdktrace.SpanExporter
	secrets      []string
	bus          string // the event bus the function's events come through
	sigv4        bool
	propagator   EventPropagator
	coldStart    bool // false when the environment was provisioned or restored
}

// Option configures Init.
type Option func(*config)

// WithEnv reads configuration from getenv instead of os.Getenv; the local
// stack gives each in-process function its own environment.
func WithEnv(getenv func(string) string) Option { return func(c *config) { c.getenv = getenv } }

// WithOutput sets where log and EMF lines go (default os.Stdout, which
// Lambda sends to CloudWatch Logs).
func WithOutput(w io.Writer) Option { return func(c *config) { c.out = w } }

// WithSpanExporter exports spans to e, overriding OTEL_TRACES_EXPORTER.
func WithSpanExporter(e sdktrace.SpanExporter) Option { return func(c *config) { c.spanExporter = e } }

// WithEventBus names the EventBridge bus the function's events come
// through: the invocation span's messaging.destination.name (an event does
// not name its bus). Without it the attribute is left out.
func WithEventBus(name string) Option { return func(c *config) { c.bus = name } }

// WithSecrets redacts these values wherever they would be logged.
func WithSecrets(values ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, values...) }
}

// Environment variables read by Init (besides the OTEL_EXPORTER_OTLP_*
// family, read by the OTLP exporter itself).
const (
	EnvNamespace   = "ALCHEMISER_METRICS_NAMESPACE" // EMF namespace; default Alchemiser
	EnvSampleRate  = "ALCHEMISER_DEBUG_SAMPLE_RATE" // 0..1: invocations logging DEBUG; default 0
	EnvFlushMargin = "ALCHEMISER_FLUSH_MARGIN"      // flush stops this long before the deadline; default 500ms
	EnvSigV4       = "ALCHEMISER_OTLP_SIGV4"        // "true": sign OTLP requests for X-Ray's OTLP endpoint
)

func newConfig(opts []Option) (config, error) {
	c := config{getenv: os.Getenv, out: os.Stdout, flushMargin: 500 * time.Millisecond}
	for _, o := range opts {
		o(&c)
	}
	env := c.getenv
	c.function = firstOf(env("AWS_LAMBDA_FUNCTION_NAME"), "local")
	// The system's name: the service key of log lines and the service
	// dimension of metrics, as POWERTOOLS_SERVICE_NAME is to Powertools.
	c.service = firstOf(env("POWERTOOLS_SERVICE_NAME"), "alchemiser")
	// service.name of the resource, which trace UIs group by (Jaeger's
	// service, X-Ray's node): one per function, as the OpenTelemetry
	// Lambda layers do by default, so each function is its own service
	// (https://docs.newrelic.com/docs/serverless-function-monitoring/aws-lambda-monitoring/opentelemetry/otel-service-name-lambda).
	// OTEL_SERVICE_NAME still wins, as the SDK specification says
	// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration).
	c.serviceName = firstOf(env("OTEL_SERVICE_NAME"), c.function)
	c.version = firstOf(env("AWS_LAMBDA_FUNCTION_VERSION"), "$LATEST")
	c.region = env("AWS_REGION")
	c.namespace = firstOf(env(EnvNamespace), "Alchemiser")
	c.traces = firstOf(env("OTEL_TRACES_EXPORTER"), "none")
	c.sigv4 = env(EnvSigV4) == "true"
	if p, warning := otlpProtocol(env); c.traces == "otlp" {
		c.protocol = p
		if warning != "" {
			c.warnings = append(c.warnings, warning)
		}
	}
	// Provisioned concurrency and SnapStart restores are not cold starts
	// in the sense that matters to latency (Powertools' definition).
	t := env("AWS_LAMBDA_INITIALIZATION_TYPE")
	c.coldStart = t == "" || t == "on-demand"
	var err error
	if c.level, err = LevelFromEnv(env); err != nil {
		return c, err
	}
	if v := env(EnvSampleRate); v != "" {
		if c.sampleRate, err = strconv.ParseFloat(v, 64); err != nil || c.sampleRate < 0 || c.sampleRate > 1 {
			return c, fmt.Errorf("%s=%q: want a number from 0 to 1", EnvSampleRate, v)
		}
	}
	if v := env(EnvFlushMargin); v != "" {
		if c.flushMargin, err = time.ParseDuration(v); err != nil || c.flushMargin < 0 {
			return c, fmt.Errorf("%s=%q: want a duration such as 500ms", EnvFlushMargin, v)
		}
	}
	if c.propagator, err = ParsePropagators(env("OTEL_PROPAGATORS")); err != nil {
		return c, err
	}
	switch c.traces {
	case "otlp", "console", "none":
	default:
		return c, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: want otlp, console or none", c.traces)
	}
	return c, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
