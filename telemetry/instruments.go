package telemetry

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/metric"
)

// Invocation metrics recorded by the wrapper (see the metric catalogue).
const (
	MetricInvocations = "Invocations"
	MetricErrors      = "Errors"
	MetricDuration    = "InvocationDuration"
	MetricColdStart   = "ColdStart"
)

type instruments struct {
	invocations metric.Int64Counter
	errors      metric.Int64Counter
	duration    metric.Float64Histogram
}

func newInstruments(m metric.Meter) (instruments, error) {
	var i instruments
	var err error
	if i.invocations, err = m.Int64Counter(MetricInvocations, metric.WithUnit("{invocation}"),
		metric.WithDescription("Handler invocations")); err != nil {
		return i, fmt.Errorf("could not create %s: %w", MetricInvocations, err)
	}
	if i.errors, err = m.Int64Counter(MetricErrors, metric.WithUnit("{invocation}"),
		metric.WithDescription("Invocations that returned an error or panicked")); err != nil {
		return i, fmt.Errorf("could not create %s: %w", MetricErrors, err)
	}
	if i.duration, err = m.Float64Histogram(MetricDuration, metric.WithUnit("ms"),
		metric.WithDescription("Handler duration, excluding the flush"),
		metric.WithExplicitBucketBoundaries(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)); err != nil {
		return i, fmt.Errorf("could not create %s: %w", MetricDuration, err)
	}
	return i, nil
}

// coldStart writes the ColdStart metric as its own EMF line at once, with
// only the function dimension, as Powertools does: it must not share a
// dimension set with per-event metrics.
func (i instruments) coldStart(ctx context.Context, e *EMFExporter, c config) {
	e.writeSingle(ctx, c.service, MetricColdStart, "Count", 1, [2]string{"function", c.function})
}
