package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/execution"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Recorder records the business metrics of one function. A nil *Recorder
// records nothing, so handlers work without telemetry. Recording ignores
// cancellation: a metric of a timed-out invocation still counts.
type Recorder struct {
	// Log, when set, also gets one line per failed broker call and per
	// breaker transition: the broker-degraded incident's evidence.
	Log        *slog.Logger
	fn         attribute.KeyValue
	counters   map[string]metric.Int64Counter
	histograms map[string]metric.Float64Histogram
}

var _ execution.Observer = (*Recorder)(nil)

// New creates the instruments of Business on mp for function fn.
func New(mp metric.MeterProvider, fn string) (*Recorder, error) {
	m := mp.Meter("github.com/alchemiser/alchemiser/app/metrics")
	r := &Recorder{fn: attribute.String("function", fn), counters: map[string]metric.Int64Counter{},
		histograms: map[string]metric.Float64Histogram{}}
	for _, spec := range Business {
		var err error
		switch spec.Kind {
		case "counter":
			r.counters[spec.Name], err = m.Int64Counter(spec.Name, metric.WithUnit(spec.Unit), metric.WithDescription(spec.Description))
		case "histogram":
			r.histograms[spec.Name], err = m.Float64Histogram(spec.Name, metric.WithUnit(spec.Unit), metric.WithDescription(spec.Description),
				metric.WithExplicitBucketBoundaries(bounds(spec.Unit)...))
		}
		if err != nil {
			return nil, fmt.Errorf("could not create %s: %w", spec.Name, err)
		}
	}
	return r, nil
}

func bounds(unit string) []float64 {
	if unit == "By" {
		return []float64{256, 1024, 4096, 16384, 65536, 131072, 204800, 262144}
	}
	return []float64{5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000}
}

func (r *Recorder) add(ctx context.Context, name string, attrs ...attribute.KeyValue) {
	if r == nil {
		return
	}
	r.counters[name].Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(append(attrs, r.fn)...))
}

func (r *Recorder) record(ctx context.Context, name string, v float64, attrs ...attribute.KeyValue) {
	if r == nil {
		return
	}
	r.histograms[name].Record(context.WithoutCancel(ctx), v, metric.WithAttributes(append(attrs, r.fn)...))
}

// ErrorBudget records SLO slo's error budget remaining, in percent.
func (r *Recorder) ErrorBudget(ctx context.Context, slo string, percent float64) {
	r.record(ctx, ErrorBudgetRemaining, percent, attribute.String("slo", slo))
}

// WatchdogChecked records one watchdog check of the scheduled workflow:
// 1 or 0 for each of WorkflowsNotStarted and WorkflowsStuck, so both
// metrics have a point at every check (their alarms return to OK on 0).
func (r *Recorder) WatchdogChecked(ctx context.Context, notStarted, stuck bool) {
	if r == nil {
		return
	}
	for name, v := range map[string]bool{WorkflowsNotStarted: notStarted, WorkflowsStuck: stuck} {
		n := int64(0)
		if v {
			n = 1
		}
		r.counters[name].Add(context.WithoutCancel(ctx), n, metric.WithAttributes(r.fn))
	}
}

// WorkflowStarted counts a workflow reaching the strategy function.
func (r *Recorder) WorkflowStarted(ctx context.Context) { r.add(ctx, WorkflowsStarted) }

// WorkflowEnded counts a terminal event and its end-to-end duration.
func (r *Recorder) WorkflowEnded(ctx context.Context, completed bool, outcomeOrStep string, d time.Duration) {
	status := "failed"
	if completed {
		status = "completed"
		r.add(ctx, WorkflowsCompleted, attribute.String("outcome", outcomeOrStep))
	} else {
		r.add(ctx, WorkflowsFailed, attribute.String("step", outcomeOrStep))
	}
	r.record(ctx, WorkflowDuration, float64(d.Microseconds())/1000, attribute.String("status", status))
}

// Published counts a published event and its size.
func (r *Recorder) Published(ctx context.Context, eventType string, bytes int) {
	t := attribute.String("event_type", eventType)
	r.add(ctx, EventsPublished, t)
	r.record(ctx, EventPayloadBytes, float64(bytes), t)
}

// DuplicateSkipped counts a delivery of an event the function had already
// handled.
func (r *Recorder) DuplicateSkipped(ctx context.Context, eventType string) {
	r.add(ctx, DuplicateEvents, attribute.String("event_type", eventType))
}

// PublishRetried implements eventbridge.Observer (app/bus/eventbridge).
func (r *Recorder) PublishRetried(ctx context.Context, eventType, code string) {
	r.add(ctx, PublishRetries, attribute.String("event_type", eventType), attribute.String("code", code))
}

// ClaimChecked implements eventbridge.Observer (app/bus/eventbridge).
func (r *Recorder) ClaimChecked(ctx context.Context, eventType string, _ int) {
	r.add(ctx, ClaimChecks, attribute.String("event_type", eventType))
}

// PublishFailed counts an event the bus did not accept.
func (r *Recorder) PublishFailed(ctx context.Context, eventType string) {
	r.add(ctx, PublishFailures, attribute.String("event_type", eventType))
}

// BrokerCall implements execution.Observer.
func (r *Recorder) BrokerCall(ctx context.Context, endpoint string, d time.Duration, err error) {
	e := attribute.String("endpoint", endpoint)
	r.record(ctx, BrokerLatency, float64(d.Microseconds())/1000, e)
	if err == nil {
		return
	}
	status := "error"
	var be *broker.Error
	if errors.As(err, &be) {
		status = fmt.Sprint(be.StatusCode)
	} else if errors.Is(err, execution.ErrBreakerOpen) {
		status = "breaker_open"
	}
	r.add(ctx, BrokerErrors, e, attribute.String("status", status))
	if r.Log != nil {
		r.Log.WarnContext(ctx, "broker call failed", "endpoint", endpoint, "status", status, "error", err.Error(),
			"duration_ms", float64(d.Microseconds())/1000)
	}
}

// OrderDone implements execution.Observer.
func (r *Recorder) OrderDone(ctx context.Context, o execution.Outcome) {
	side := attribute.String("side", string(o.Side))
	if o.OrderID != "" {
		r.add(ctx, OrdersSubmitted, side)
	}
	if o.Status == broker.StatusFilled {
		r.add(ctx, OrdersFilled, side)
	}
	if o.Canceled {
		r.add(ctx, OrdersCanceled, side)
	}
	if o.Err != nil {
		reason := string(o.Status)
		if reason == "" {
			reason = "error"
		}
		r.add(ctx, OrdersRejected, side, attribute.String("reason", reason))
	}
}

// BreakerStateChange counts a breaker transition; use as
// execution.Config.OnBreakerStateChange.
// The line is logged with ctx, the call's, so it carries the
// invocation's trace and workflow ids like every line of the invocation.
func (r *Recorder) BreakerStateChange(ctx context.Context, from, to string) {
	r.add(ctx, BreakerStateChanges, attribute.String("state", to))
	if r != nil && r.Log != nil {
		r.Log.WarnContext(ctx, "circuit breaker state changed", "from", from, "to", to)
	}
}
