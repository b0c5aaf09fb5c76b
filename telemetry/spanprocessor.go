package telemetry

import (
	"context"
	"errors"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// maxPendingSpans bounds the spans kept between flushes; beyond it spans
// are dropped (and counted) rather than growing without limit.
const maxPendingSpans = 2048

// invocationProcessor keeps ended spans and exports them synchronously on
// ForceFlush. In Lambda the wrapper flushes at the end of every
// invocation and the environment freezes in between, so a batch
// processor's goroutine and timers only add hand-offs: measured in
// BENCHMARKS.md.
type invocationProcessor struct {
	exp     sdktrace.SpanExporter
	mu      sync.Mutex
	pending []sdktrace.ReadOnlySpan
	dropped int
}

var _ sdktrace.SpanProcessor = (*invocationProcessor)(nil)

func newInvocationProcessor(exp sdktrace.SpanExporter) *invocationProcessor {
	return &invocationProcessor{exp: exp, pending: make([]sdktrace.ReadOnlySpan, 0, 16)}
}

func (p *invocationProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (p *invocationProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if !s.SpanContext().IsSampled() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) >= maxPendingSpans {
		p.dropped++
		return
	}
	p.pending = append(p.pending, s)
}

// ForceFlush exports the pending spans in the caller's goroutine.
func (p *invocationProcessor) ForceFlush(ctx context.Context) error {
	p.mu.Lock()
	spans := p.pending
	p.pending = make([]sdktrace.ReadOnlySpan, 0, cap(spans))
	p.mu.Unlock()
	if len(spans) == 0 {
		return nil
	}
	return p.exp.ExportSpans(ctx, spans)
}

func (p *invocationProcessor) Shutdown(ctx context.Context) error {
	return errors.Join(p.ForceFlush(ctx), p.exp.Shutdown(ctx))
}
