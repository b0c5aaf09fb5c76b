package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/alchemiser/alchemiser/topology"
)

// jitter is the executor's backoff jitter, on its own source: the
// workflows' concurrent executions share one executor.
func jitter() *rand.Rand {
	return rand.New(&lockedSource{src: rand.NewPCG(rand.Uint64(), rand.Uint64())})
}

// lockedSource serialises a rand.Source.
type lockedSource struct {
	mu  sync.Mutex
	src rand.Source
}

func (l *lockedSource) Uint64() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.src.Uint64()
}

// recordStart is the scheduler's middleware: when the invocation
// started a workflow, the correlation id the scheduler adopted
// (telemetry.AdoptCorrelation) is recorded under the input's scheduled
// time, startWorkflow's handle on it.
func (s *localStack) recordStart(_ handlers.Deps, next handlers.Func) handlers.Func {
	return func(ctx context.Context, raw json.RawMessage) error {
		err := next(ctx, raw)
		var in struct {
			ScheduledTime time.Time `json:"scheduled_time"`
		}
		if json.Unmarshal(raw, &in) != nil || in.ScheduledTime.IsZero() {
			return err
		}
		if inv := telemetry.InvocationFrom(ctx); inv != nil && inv.CorrelationID != "" {
			s.starts.set(in.ScheduledTime.UnixNano(), inv.CorrelationID)
		}
		return err
	}
}

// pendingStarts are the StartWorkflow calls in flight, by scheduled time
// (UnixNano), with the correlation id the scheduler assigned ("" until
// it has).
type pendingStarts struct {
	mu  sync.Mutex
	ids map[int64]string
}

// reserve claims at, or the next free nanosecond after it, so concurrent
// starts at the same time stay apart.
func (p *pendingStarts) reserve(at time.Time) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := at.UnixNano()
	for {
		if _, busy := p.ids[k]; !busy {
			p.ids[k] = ""
			return k
		}
		k++
	}
}

func (p *pendingStarts) set(k int64, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.ids[k]; ok {
		p.ids[k] = id
	}
}

// release forgets k and returns its id.
func (p *pendingStarts) release(k int64) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.ids[k]
	delete(p.ids, k)
	return id
}

// errNotStarted is startWorkflow's error when the scheduler function
// succeeded without starting a workflow (a watchdog trigger, or a
// scheduled date the ledger already has).
var errNotStarted = errors.New("the scheduler started no workflow")

// startWorkflow invokes the scheduler function as EventBridge Scheduler
// would at time at, with trigger (loadtest, manual or schedule), and
// returns the correlation id of the workflow it started. The invocation is
// synchronous up to the scheduler's publish of WorkflowStarted (a few
// milliseconds); the workflow then runs on asynchronously. Unlike the
// schedule's asynchronous invocation, a failed start is not retried: the
// caller gets the function's error.
//
// The id is read race-free: the scheduler's invocation carries its
// scheduled time, and concurrent starts get distinct ones (at, or the
// next nanosecond not in flight; the trading date is at's New York date).
func (s *localStack) startWorkflow(ctx context.Context, at time.Time, trigger string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	k := s.starts.reserve(at)
	input, err := json.Marshal(handlers.ScheduleInput{Trigger: trigger, ScheduledTime: time.Unix(0, k).UTC()})
	if err != nil {
		s.starts.release(k)
		return "", err
	}
	err = s.Bus.InvokeSync(topology.LogicalID("scheduler"), input)
	id := s.starts.release(k)
	switch {
	case err != nil:
		return "", fmt.Errorf("could not start a workflow: %w", err)
	case id == "":
		return "", errNotStarted
	}
	return id, nil
}
