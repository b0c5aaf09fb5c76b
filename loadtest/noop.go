package loadtest

import (
	"context"
	"strconv"
	"time"
)

// Noop is a target that does nothing: Start returns at once, and the
// workflow completes at once (or after a fixed delay). It measures the
// generator itself (BenchmarkGenerator) and drives the executor's tests.
// It is safe for concurrent use.
type Noop struct {
	delay time.Duration
	ends  chan Outcome
}

var _ Target = (*Noop)(nil)

// noopBuffer is the room for ends not yet read: Start never waits for the
// reader below it (above it, the end is delivered by a goroutine).
const noopBuffer = 1 << 14

// NewNoop returns a target whose workflows complete as soon as they start.
func NewNoop() *Noop { return NewDelayedNoop(0) }

// NewDelayedNoop returns a target whose workflows complete delay after
// they start.
func NewDelayedNoop(delay time.Duration) *Noop {
	return &Noop{delay: delay, ends: make(chan Outcome, noopBuffer)}
}

// Name is "noop".
func (n *Noop) Name() string { return "noop" }

// Start returns the correlation id "noop-<seq>" at once and delivers the
// workflow's completion now or after the delay. It ignores ctx.
func (n *Noop) Start(_ context.Context, a Arrival) (string, error) {
	id := "noop-" + strconv.Itoa(a.Seq)
	if n.delay > 0 {
		time.AfterFunc(n.delay, func() { n.ends <- Outcome{CorrelationID: id, Status: StatusCompleted, Ended: time.Now()} })
		return id, nil
	}
	o := Outcome{CorrelationID: id, Status: StatusCompleted, Ended: time.Now()}
	select {
	case n.ends <- o:
	default: // the reader is behind: never make Start wait for it
		go func() { n.ends <- o }()
	}
	return id, nil
}

// Ends delivers each workflow's completion once. It is never closed.
func (n *Noop) Ends() <-chan Outcome { return n.ends }

// Close reports nothing: the noop target invokes nothing and publishes
// nothing, so its stats are zero. Ends not yet delivered are abandoned to
// the goroutines holding them, which deliver them if anyone still reads.
func (n *Noop) Close(context.Context) (TargetStats, error) { return TargetStats{}, nil }
