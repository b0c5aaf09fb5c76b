package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-lambda-go/otellambda"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/alchemiser/alchemiser/internal/errtype"
	"github.com/alchemiser/alchemiser/internal/spanerr"
)

// HandlerFunc is the handler shape the wrapper takes: the raw EventBridge
// event in, an error out.
type HandlerFunc func(ctx context.Context, event json.RawMessage) error

// Wrap returns the Lambda handler for h: otellambda's invocation span,
// continued from the producer's trace context carried in the event (or the
// X-Ray header), with the FaaS and messaging attributes otellambda lacks,
// the handler's error recorded on it, an invocation in the context for the
// logger, invocation metrics, and a flush of traces and metrics before the
// invocation returns: on success, error and panic. Pass the result to
// lambda.Start. The runtime reports a failed invocation with the error's
// errtype name (the error_type of the logs, spans and metrics) as its
// errorType, not the wrapper type aws-lambda-go would name.
func (t *Telemetry) Wrap(h HandlerFunc, opts ...WrapOption) lambda.Handler {
	var w wrapConfig
	for _, o := range opts {
		o(&w)
	}
	inner := handlerFunc(func(ctx context.Context, raw []byte) ([]byte, error) {
		return nil, t.invoke(ctx, raw, h, w)
	})
	return runtimeHandler{otellambda.WrapHandler(inner,
		otellambda.WithTracerProvider(t.tp),
		otellambda.WithPropagator(t.prop),
		otellambda.WithFlusher(t), // otellambda's default flusher does nothing
		otellambda.WithEventToCarrier(func(raw []byte) propagation.TextMapCarrier { return t.peek(raw).carrier() }),
	)}
}

// Invoke runs one invocation of a wrapped handler outside the Lambda
// runtime, as the local stack does: ctx should carry a lambdacontext. It
// returns the handler's error itself (redacted), whose errtype name is
// the errorType the runtime would report.
func Invoke(ctx context.Context, h lambda.Handler, raw []byte) error {
	if r, ok := h.(runtimeHandler); ok {
		h = r.inner
	}
	_, err := h.Invoke(ctx, raw)
	return err
}

// runtimeHandler hands aws-lambda-go a failed invocation's error as the
// error response it posts (messages.InvokeResponse_Error, which the
// runtime passes on as it is: lambda/errors.go), so Lambda's errorType is
// errtype's name of the error rather than "wrapError".
type runtimeHandler struct{ inner lambda.Handler }

var _ lambda.Handler = runtimeHandler{}

// Invoke implements lambda.Handler.
func (r runtimeHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := r.inner.Invoke(ctx, payload)
	if err != nil {
		return out, messages.InvokeResponse_Error{Message: err.Error(), Type: errtype.Of(err)}
	}
	return out, nil
}

func (t *Telemetry) invoke(ctx context.Context, raw json.RawMessage, h HandlerFunc, w wrapConfig) (err error) {
	ev := t.peek(raw)
	inv := t.invocation(ctx, ev)
	ctx = ContextWithInvocation(ctx, inv)
	span := trace.SpanFromContext(ctx)
	inv.span = span
	t.annotate(ctx, span, inv, ev)
	if ev.DetailType == "" {
		t.annotateTrigger(span, raw, w)
	}
	attrs := t.invocationAttrs(ev.DetailType)
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			t.log.ErrorContext(ctx, "invocation panicked", "error", err.Error(), "error_type", "panic", "stack", string(debug.Stack()))
			t.finish(ctx, span, start, attrs, err, "panic", ev.Source)
			// The runtime reports the crash (telemetry has been recorded
			// once), with the value's text: redacted if it holds a secret.
			if s := fmt.Sprint(p); t.redactor.redact(s) != s {
				panic(t.redactor.redact(s))
			}
			panic(p)
		}
		t.finish(ctx, span, start, attrs, err, errtype.Of(err), ev.Source)
		err = t.redactor.redactErr(err) // aws-lambda-go logs and reports its text
	}()
	return h(ctx, raw)
}

func (t *Telemetry) invocation(ctx context.Context, ev eventInfo) *Invocation {
	inv := &Invocation{Function: t.cfg.function, ColdStart: t.cold.Swap(false),
		CorrelationID: ev.Detail.Metadata.CorrelationID, CausationID: ev.Detail.Metadata.CausationID,
		EventID: ev.Detail.Metadata.EventID, EventType: ev.DetailType}
	inv.dbuf.sampled = t.sampled()
	inv.debug = &inv.dbuf
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		inv.RequestID = lc.AwsRequestID
	}
	if h, ok := ctx.Value(xrayContextKey).(string); ok {
		if sc, ok := ParseXRayHeader(h); ok {
			inv.XRayTraceID = XRayTraceID(sc.TraceID())
		}
	}
	if inv.ColdStart {
		t.inst.coldStart(ctx, t.emf, t.cfg)
	}
	return inv
}

// annotate adds what otellambda does not: FaaS cold start, the
// messaging attributes of an EventBridge event, the workflow ids, and a
// link for replays and redrives. Attributes without a value are left out.
//
// The span is the invocation's SERVER span, named after the function: the
// AWS Lambda conventions ask that of every trigger they do not name
// otherwise, and EventBridge is not named
// (https://opentelemetry.io/docs/specs/semconv/faas/aws-lambda/#all-triggers).
// The messaging conventions' CONSUMER kind and "process {destination}"
// name are for a span of the messaging instrumentation's own; the
// conventions' one case of a CONSUMER invocation span is SQS's batch,
// which an EventBridge rule's target (one event per invocation) is not.
// With faas.trigger "pubsub" the span carries the messaging attributes
// of processing the event, as the FaaS conventions ask of a pubsub
// trigger (https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/#pubsub):
// messaging.operation.name and .type "process", and
// messaging.destination.name the bus it came through (WithEventBus; an
// EventBridge event does not name its bus).
func (t *Telemetry) annotate(ctx context.Context, span trace.Span, inv *Invocation, ev eventInfo) {
	span.SetName(t.cfg.function) // otellambda's name is the process's, and the local stack runs five in one
	attrs := []attribute.KeyValue{semconv.FaaSColdstart(inv.ColdStart), semconv.CloudProviderAWS}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = appendNonEmpty(attrs, semconv.CloudResourceID(functionARN(lc.InvokedFunctionArn)))
	}
	if ev.DetailType != "" {
		attrs = append(attrs, semconv.FaaSTriggerPubSub, semconv.MessagingSystemKey.String("aws.eventbridge"),
			semconv.MessagingOperationName("process"), semconv.MessagingOperationTypeProcess)
		attrs = appendNonEmpty(attrs, semconv.MessagingDestinationName(t.cfg.bus), semconv.MessagingMessageID(ev.ID),
			attribute.String("alchemiser.event_type", ev.DetailType), attribute.String("alchemiser.event_id", inv.EventID),
			attribute.String("alchemiser.correlation_id", inv.CorrelationID))
	}
	span.SetAttributes(attrs...)
	if ev.replayed() {
		if sc := ev.original(t.prop); sc.IsValid() {
			span.AddLink(trace.Link{SpanContext: sc, Attributes: appendNonEmpty(nil,
				attribute.String("alchemiser.replay_name", ev.ReplayName),
				attribute.String("alchemiser.redrive", ev.Detail.Metadata.Redrive))})
		}
	}
}

// annotateTrigger sets faas.trigger and a schedule's attributes for an
// input that is not an EventBridge event: "timer" with faas.cron and
// faas.time for a schedule's invocation
// (https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/#timer),
// "other" otherwise.
func (t *Telemetry) annotateTrigger(span trace.Span, raw []byte, w wrapConfig) {
	var tr Trigger
	if w.trigger != nil {
		tr = w.trigger(raw)
	}
	attrs := []attribute.KeyValue{semconv.FaaSTriggerOther}
	if tr.Timer {
		attrs[0] = semconv.FaaSTriggerTimer
		attrs = appendNonEmpty(attrs, semconv.FaaSCron(tr.Cron))
		if !tr.Time.IsZero() {
			attrs = append(attrs, semconv.FaaSTime(tr.Time.UTC().Format(time.RFC3339)))
		}
	}
	span.SetAttributes(appendNonEmpty(attrs, attribute.String("alchemiser.trigger", tr.Name))...)
}

// appendNonEmpty appends the attributes that have a value.
func appendNonEmpty(dst []attribute.KeyValue, kvs ...attribute.KeyValue) []attribute.KeyValue {
	for _, kv := range kvs {
		if kv.Value.Type() != attribute.STRING || kv.Value.AsString() != "" {
			dst = append(dst, kv)
		}
	}
	return dst
}

// functionARN is an invoked ARN without its alias or version: the
// function's cloud.resource_id ("This may be different from
// cloud.resource_id if an alias is involved", the aws.lambda.invoked_arn
// attribute of the AWS Lambda conventions).
func functionARN(invoked string) string {
	parts := strings.SplitN(invoked, ":", 8)
	if len(parts) == 8 {
		return strings.Join(parts[:7], ":")
	}
	return invoked
}

func (t *Telemetry) finish(ctx context.Context, span trace.Span, start time.Time, attrs metric.MeasurementOption, err error, errType, source string) {
	ctx = context.WithoutCancel(ctx) // recording ignores cancellation
	t.inst.invocations.Add(ctx, 1, attrs)
	t.inst.duration.Record(ctx, float64(time.Since(start).Microseconds())/1000, attrs)
	if err == nil {
		return
	}
	// Status and error.type on the invocation span; the exception event
	// only if no span below recorded it (spanerr).
	spanerr.Record(span, err)
	t.inst.errors.Add(ctx, 1, attrs, metric.WithAttributes(attribute.String("error_type", errType)))
	if errType != "panic" {
		t.log.ErrorContext(ctx, "invocation failed", "error", err.Error(), "error_type", errType,
			"retryable", strconv.FormatBool(!permanent(err)), "source", source)
	}
}

// permanent reports whether err says retrying cannot help.
func permanent(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && !r.Retryable()
}

// peek parses raw once per invocation: otellambda hands the same bytes to
// the carrier function and, through the runtime's decoding, to the handler.
func (t *Telemetry) peek(raw []byte) eventInfo {
	t.peekMu.Lock()
	defer t.peekMu.Unlock()
	if len(raw) > 0 && len(raw) == len(t.peeked.raw) && string(raw) == string(t.peeked.raw) {
		return t.peeked.info
	}
	info := peekEvent(raw)
	t.peeked.raw = append(t.peeked.raw[:0], raw...)
	t.peeked.info = info
	return info
}

// handlerFunc is a lambda.Handler without aws-lambda-go's reflection: the
// raw event goes to the handler as it is, and it answers null.
type handlerFunc func(ctx context.Context, payload []byte) ([]byte, error)

var _ lambda.Handler = handlerFunc(nil)

// Invoke implements lambda.Handler.
func (f handlerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if _, err := f(ctx, payload); err != nil {
		return nil, err
	}
	return []byte("null"), nil
}

// invocationAttrs is the metric attribute option of an event type, built
// once per type: there are a handful.
func (t *Telemetry) invocationAttrs(eventType string) metric.MeasurementOption {
	if o, ok := t.attrCache.Load(eventType); ok {
		return o.(metric.MeasurementOption)
	}
	o := metric.WithAttributeSet(attribute.NewSet(attribute.String("function", t.cfg.function), attribute.String("event_type", eventType)))
	t.attrCache.Store(eventType, o)
	return o
}
