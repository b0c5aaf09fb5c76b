// Package telemetry is the OpenTelemetry layer for Go Lambda functions on
// EventBridge: one trace and one correlation id through the bus, structured
// JSON logs in Lambda's format, and CloudWatch EMF metrics, flushed before
// every invocation returns. It imports no application package.
//
//	tel, err := telemetry.Init(ctx, awsCfg.Credentials)
//	...
//	lambda.Start(tel.Wrap(handler)) // handler: func(ctx, json.RawMessage) error
//
// # What Wrap does per invocation
//
// It builds on otellambda (v0.70.0): otellambda starts the SERVER span;
// Wrap supplies what otellambda lacks or gets wrong for EventBridge. The
// producer's context is extracted from the event's detail.metadata.trace
// (W3C traceparent, tracestate, baggage), falling back to the X-Ray header
// aws-lambda-go puts in the context (not only _X_AMZN_TRACE_ID, unset under
// multi-concurrency). A replayed event (replay-name) or a redriven one
// (metadata.redrive, which `alchemiser dlq redrive` sets) starts a new
// trace with a link to the original. The span stays SERVER and is named
// after the function, as the AWS Lambda conventions ask of every trigger
// they do not name otherwise (EventBridge is not named). It gets
// faas.coldstart and cloud.resource_id (the function's ARN, without
// alias); for an EventBridge event faas.trigger=pubsub and the messaging
// attributes of processing it (messaging.operation.name "process",
// messaging.destination.name the bus, WithEventBus; messaging.system
// "aws.eventbridge", our choice: the conventions have no EventBridge
// system); for another input what WithTrigger reads (a schedule's timer
// with faas.cron and faas.time, else faas.trigger=other). An attribute
// without a value is left out. A failed invocation's span gets status
// Error and error.type (errtype's name, as the log line and the Errors
// metric), and the exception event unless a span below recorded it
// (internal/spanerr). The context carries an Invocation (request id, cold
// start, workflow ids) for the logger; publishers (app/bus) add the
// published event's correlation_id and causation_id as W3C baggage. Invocations, Errors,
// InvocationDuration and a separate ColdStart line are recorded. A panic is
// logged once with its stack and re-raised. Spans and metrics are flushed
// in the caller's goroutine at the end (otellambda's default flusher does
// nothing), bounded by the deadline minus the flush margin.
//
// # Configuration (environment, or WithEnv)
//
//	OTEL_SERVICE_NAME            resource service.name; default the function's name
//	                             (AWS_LAMBDA_FUNCTION_NAME), so a trace UI shows
//	                             each function as a service
//	POWERTOOLS_SERVICE_NAME      the system: service.namespace, the log key
//	                             service and the metric dimension service;
//	                             "alchemiser"
//	OTEL_RESOURCE_ATTRIBUTES     extra resource attributes, k=v,...
//	OTEL_TRACES_EXPORTER         otlp | console | none (default none)
//	OTEL_EXPORTER_OTLP_PROTOCOL  http/protobuf (default) or http/json; also
//	                             OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, which wins.
//	                             Another value (grpc) is not served: a WARN line
//	                             at start-up, and http/protobuf is used
//	OTEL_EXPORTER_OTLP_*         endpoint, headers, timeout, compression: read by
//	                             otlptracehttp (http/protobuf) or our JSON client
//	OTEL_PROPAGATORS             tracecontext,baggage,xray (default all three)
//	AWS_LAMBDA_LOG_LEVEL         set by Lambda's LoggingConfig; else LOG_LEVEL; else INFO
//	AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION, AWS_REGION,
//	AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_INITIALIZATION_TYPE
//	ALCHEMISER_METRICS_NAMESPACE  EMF namespace; "Alchemiser"
//	ALCHEMISER_DEBUG_SAMPLE_RATE  share of invocations logging DEBUG at once; 0
//	ALCHEMISER_FLUSH_MARGIN       flush stops this long before the deadline; 500ms
//	ALCHEMISER_OTLP_SIGV4         "true": sign OTLP for X-Ray's OTLP endpoint (service xray)
//
// # Logs
//
// LogHandler writes the log schema (see docs/logging.md): Lambda's keys
// first so Lambda's level filtering works, then identity, trace and
// workflow keys, then the record's attributes. DEBUG lines below the level
// are buffered per invocation and written only if it logs an ERROR.
// Secret-looking keys and configured secret values are redacted.
//
// # Metrics
//
// EMFExporter is an sdk/metric exporter (delta temporality) that writes EMF
// within its limits (100 metrics per directive, 30 dimensions, 100 values;
// split, never dropped), with an allow-list of dimension keys (an id is
// dropped with one warning) whose values CloudWatch accepts (an empty one
// is "none"), metric names of at most 255 characters, UCUM units mapped to
// CloudWatch's list (By/s is Bytes/Second; ns, min, h, d and binary
// prefixes are converted), histograms as the collector's awsemfexporter
// writes them ({Values, Counts, Max, Min, Count, Sum}), and a level key
// at which Lambda never filters the line out. telemetrytest.ValidateEMF
// checks a line against the specification and these limits. Declare metrics in a
// Catalogue; Catalogue.JSON and Markdown generate the published catalogue.
//
// # Traces
//
// OTEL_TRACES_EXPORTER=otlp exports through OTLPExporter: the maintained
// otlptracehttp client with a span transform that reuses its protobuf
// messages across exports (half the allocations of an invocation
// otherwise). With http/json, a client of ours posts the OTLP/JSON
// encoding (one attempt per export; otlptracehttp's retries are for
// http/protobuf). NewOTLPFileExporter writes the same spans as OTLP/JSON
// lines: ids in hex, span kind and status code as integers. The resource
// carries telemetry.sdk.name, .language and .version.
// An invocation's spans are exported synchronously when it ends.
//
// # Limits
//
// At most 2048 spans and 512 buffered DEBUG lines are kept between flushes;
// more are dropped. Histogram values are bucket midpoints (exact for a
// single observation). telemetrytest validates EMF and log lines in tests.
package telemetry
