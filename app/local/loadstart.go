package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

// loadHooks is what a load-test stack changes in the wiring (stack.go's
// wire): the idempotency store, the broker's HTTP client, and how the
// scheduler tells StartWorkflow the id it assigned. A nil *loadHooks is
// Run's wiring.
type loadHooks struct {
	store     *countingStore
	transport *http.Transport
	broker    *brokerTransport
	starts    pendingStarts
}

func newLoadHooks() *loadHooks {
	t := loadTransport()
	return &loadHooks{transport: t, broker: &brokerTransport{next: t}, starts: pendingStarts{ids: map[int64]string{}}}
}

func (h *loadHooks) idempotencyStore(path string) (idempotency.Store, error) {
	if h == nil {
		return idempotency.NewFileStore(path)
	}
	return h.store, nil
}

func (h *loadHooks) httpClient() *http.Client {
	if h == nil {
		return nil
	}
	return &http.Client{Transport: h.broker}
}

// jitter is the executor's backoff jitter. Its default *rand.Rand is not
// safe for concurrent use, which Lambda never needs (one invocation per
// environment at a time) but a load test's concurrent executions do.
func (h *loadHooks) jitter() *rand.Rand {
	if h == nil {
		return nil
	}
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

// startKey is the context key under which the scheduler's invocation
// carries its scheduled time (UnixNano), StartWorkflow's handle on it.
type startKey struct{}

// scheduler wraps the scheduler's handler: the invocation's context
// carries its input's scheduled time, for adopt.
func (h *loadHooks) scheduler(next handlers.Func) handlers.Func {
	if h == nil {
		return next
	}
	return func(ctx context.Context, raw json.RawMessage) error {
		var in struct {
			ScheduledTime time.Time `json:"scheduled_time"`
		}
		if json.Unmarshal(raw, &in) == nil && !in.ScheduledTime.IsZero() {
			ctx = context.WithValue(ctx, startKey{}, in.ScheduledTime.UnixNano())
		}
		return next(ctx, raw)
	}
}

// adopt wraps the scheduler's Adopt, which it calls with the correlation
// id of the workflow it starts: the id is recorded under the invocation's
// scheduled time.
func (h *loadHooks) adopt(next func(context.Context, string)) func(context.Context, string) {
	if h == nil {
		return next
	}
	return func(ctx context.Context, id string) {
		next(ctx, id)
		if k, ok := ctx.Value(startKey{}).(int64); ok {
			h.starts.set(k, id)
		}
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

// ErrNotStarted is StartWorkflow's error when the scheduler function
// succeeded without starting a workflow (a watchdog trigger, or a
// scheduled date the ledger already has).
var ErrNotStarted = errors.New("the scheduler started no workflow")

// StartWorkflow invokes the scheduler function as EventBridge Scheduler
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
func (s *LoadStack) StartWorkflow(ctx context.Context, at time.Time, trigger string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	k := s.hooks.starts.reserve(at)
	input, err := json.Marshal(handlers.ScheduleInput{Trigger: trigger, ScheduledTime: time.Unix(0, k).UTC()})
	if err != nil {
		s.hooks.starts.release(k)
		return "", err
	}
	err = s.Bus.invokeSync(LogicalID("scheduler"), input)
	id := s.hooks.starts.release(k)
	switch {
	case err != nil:
		return "", fmt.Errorf("could not start a workflow: %w", err)
	case id == "":
		return "", ErrNotStarted
	}
	return id, nil
}

// invokeSync is a synchronous (RequestResponse) invocation of function
// id: Lambda does not retry it, the caller gets its error.
func (e *EventBridge) invokeSync(id string, input []byte) error {
	f, ok := e.functions[id]
	if !ok || f.handle == nil {
		return fmt.Errorf("function %s is not registered", id)
	}
	e.inflight.Add(1)
	defer e.inflight.Done()
	e.stats.FunctionInvocations.Add(1)
	e.metric("AWS/Lambda", "Invocations", "FunctionName", f.Name)
	err := e.invoke(f, input)
	if err != nil {
		e.stats.FunctionErrors.Add(1)
		e.metric("AWS/Lambda", "Errors", "FunctionName", f.Name)
	}
	return err
}
