package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/internal/errtype"
	"github.com/alchemiser/alchemiser/internal/spanerr"
	"go.opentelemetry.io/otel/trace"
)

// Func is the signature of every handler: the raw EventBridge event in,
// an error out. It is a valid aws-lambda-go handler.
type Func func(ctx context.Context, raw json.RawMessage) error

// Deps are what every handler needs besides its domain services.
type Deps struct {
	Publisher bus.Publisher
	IDs       *events.IDs      // event ids; DefaultIDs when nil
	Now       func() time.Time // time.Now when nil
	// Session is the market's clock: the New York date of its time is
	// the trading session an event must belong to (StaleAfter). Now when
	// nil, as in Lambda; the local stack, which replays past sessions,
	// sets it to the replayed session's time.
	Session func() time.Time
	// AcceptStale turns the stale-event check off (StaleAfter). Only
	// tests set it, to show what the check protects.
	AcceptStale bool
	Log         *slog.Logger      // slog.Default when nil
	Metrics     *metrics.Recorder // nil records nothing
	// Adopt is told the correlation id of a workflow the invocation
	// starts (telemetry.AdoptCorrelation), so its logs and span carry it.
	Adopt func(ctx context.Context, correlationID string)
}

func (d Deps) ids() *events.IDs {
	if d.IDs == nil {
		return events.DefaultIDs()
	}
	return d.IDs
}

func (d Deps) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d Deps) session() time.Time {
	if d.Session == nil {
		return d.now()
	}
	return d.Session()
}

func (d Deps) log() *slog.Logger {
	if d.Log == nil {
		return slog.Default()
	}
	return d.Log
}

// UnexpectedTypeError is returned for an event of a type the handler does
// not consume: a routing mistake, permanent for this handler.
type UnexpectedTypeError struct {
	Handler, Got string
}

func (e *UnexpectedTypeError) Error() string {
	return fmt.Sprintf("%s handler does not consume %s events", e.Handler, e.Got)
}

// Retryable is false: the same event would be misrouted again.
func (e *UnexpectedTypeError) Retryable() bool { return false }

// received decodes raw and returns the event with a logger carrying its ids.
func received(ctx context.Context, d Deps, handler string, raw json.RawMessage) (events.Envelope, events.Event, *slog.Logger, error) {
	env, ev, err := events.Decode(raw)
	log := d.log()
	if err != nil {
		// Returned, not logged: the telemetry wrapper logs a failed
		// invocation once, with the error and its type.
		return env, nil, log, fmt.Errorf("%s handler: %w", handler, err)
	}
	// The telemetry log handler adds the workflow ids from the context.
	if env.ReplayName != "" {
		log = log.With("replay_name", env.ReplayName)
	}
	if w, ok := ev.(interface{ IsDryRun() bool }); ok && w.IsDryRun() {
		log = log.With("dry_run", true)
	}
	log.InfoContext(ctx, "event received", "source", env.Source)
	return env, ev, log, nil
}

// failed builds WorkflowFailed for a workflow that ended at step.
func failed(d Deps, parent *events.Metadata, wf events.Workflow, step string, cause error) *events.WorkflowFailed {
	return &events.WorkflowFailed{
		Metadata:  parent.Child(d.ids().New(), d.now()),
		Workflow:  wf,
		Step:      step,
		Reason:    cause.Error(),
		ErrorType: errtype.Of(cause),
	}
}

// stage starts an INTERNAL span for a step of a handler, with the tracer of
// the invocation span in ctx.
func stage(ctx context.Context, name string) (context.Context, trace.Span) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/alchemiser/alchemiser/app/handlers")
	return tracer.Start(ctx, name)
}

// endStage ends span, failed by err (spanerr.Record), and returns err
// marked as recorded: return it, not err, so the invocation span does not
// record the exception again.
func endStage(span trace.Span, err error) error {
	err = spanerr.Record(span, err)
	span.End()
	return err
}
