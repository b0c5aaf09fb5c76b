package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/strategy"
	"github.com/alchemiser/alchemiser/internal/errtype"
)

// Strategy consumes WorkflowStarted and publishes SignalGenerated: the
// strategies' combined target allocations as of the last close before the
// trading date.
type Strategy struct {
	Deps
	Engine *strategy.Engine
	Prices strategy.PriceHistory
}

// Handle implements Func.
func (h *Strategy) Handle(ctx context.Context, raw json.RawMessage) error {
	_, ev, log, err := received(ctx, h.Deps, "strategy", raw)
	if err != nil {
		return err
	}
	start, ok := ev.(*events.WorkflowStarted)
	if !ok {
		return &UnexpectedTypeError{Handler: "strategy", Got: ev.EventType()}
	}
	h.Metrics.WorkflowStarted(ctx)
	day, err := time.Parse(time.DateOnly, start.TradingDate)
	if err != nil {
		return h.fail(ctx, start, fmt.Errorf("could not read trading date: %w", err))
	}
	// The workflow runs at the open, so the last usable close is the day before.
	asOf := day.AddDate(0, 0, -1)
	ectx, span := stage(ctx, "strategy evaluate")
	res, err := h.Engine.Evaluate(ectx, h.Prices, asOf)
	err = endStage(span, err)
	if err != nil {
		if transient(ctx, err) {
			log.WarnContext(ctx, "strategy evaluation interrupted", "error", err.Error(), "error_type", errtype.Of(err))
			return err
		}
		return h.fail(ctx, start, fmt.Errorf("could not evaluate strategies: %w", err))
	}
	sig := &events.SignalGenerated{
		Metadata:    start.Child(h.ids().New(), h.now()),
		Workflow:    start.Workflow,
		AsOf:        asOf.Format(time.DateOnly),
		Allocations: allocations(res.Allocations),
		Strategies:  make([]events.StrategySignal, 0, len(res.Strategies)),
	}
	for _, s := range res.Strategies {
		sig.Strategies = append(sig.Strategies, events.StrategySignal{Name: s.Name, Weight: s.Weight, Allocations: allocations(s.Allocations)})
	}
	if err := h.Publisher.Publish(ctx, sig); err != nil {
		return fmt.Errorf("could not publish %s: %w", sig.EventType(), err)
	}
	log.InfoContext(ctx, "signal generated", "as_of", sig.AsOf, "symbols", len(sig.Allocations), "strategies", len(sig.Strategies))
	return nil
}

func (h *Strategy) fail(ctx context.Context, start *events.WorkflowStarted, cause error) error {
	f := failed(h.Deps, &start.Metadata, start.Workflow, "strategy", cause)
	h.log().ErrorContext(ctx, "workflow failed", "correlation_id", start.CorrelationID, "step", f.Step, "error", f.Reason, "error_type", f.ErrorType)
	if err := h.Publisher.Publish(ctx, f); err != nil {
		return fmt.Errorf("could not publish %s: %w", f.EventType(), err)
	}
	return nil
}

func allocations(in []strategy.Allocation) []events.Allocation {
	out := make([]events.Allocation, len(in))
	for i, a := range in {
		out[i] = events.Allocation{Symbol: a.Symbol, Weight: a.Weight}
	}
	return out
}
