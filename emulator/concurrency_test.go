package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/topology"
)

func TestThrottleBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second,
		9: 256 * time.Second, 10: 5 * time.Minute, 100: 5 * time.Minute} {
		if got := throttleBackoff(n); got != want {
			t.Errorf("throttleBackoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// concurrencyBus is the template's emulator with every function a no-op
// but execution, which takes run (virtual time) per plan and records how
// many ran at once.
func concurrencyBus(t *testing.T, run time.Duration, edit func(*topology.Topology)) (*EventBridge, *int) {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(top)
	}
	e, err := New(top)
	if err != nil {
		t.Fatal(err)
	}
	for id := range top.Functions {
		_ = e.Register(id, func(context.Context, json.RawMessage) error { return nil })
	}
	var mu sync.Mutex
	running, peak := 0, new(int)
	_ = e.Register("ExecutionFunction", func(context.Context, json.RawMessage) error {
		mu.Lock()
		running++
		*peak = max(*peak, running)
		mu.Unlock()
		time.Sleep(run)
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	return e, peak
}

// The execution function reserves one slot (template.yaml's
// ExecutionReservedConcurrency): a second plan is throttled and waits in
// Lambda's queue, retried after 1, 2, 4 and 8 s, until the first is done.
func TestReservedConcurrencyQueuesAsyncInvocations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, peak := concurrencyBus(t, 10*time.Second, nil)
		start := time.Now()
		put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
		put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
		e.Wait()
		if *peak != 1 {
			t.Errorf("%d executions ran at once, want 1", *peak)
		}
		q := e.Queueing("ExecutionFunction")
		// Throttled at 0, 1, 3 and 7 s; runs at 15 s, after the first's 10 s.
		if q.Reserved != 1 || q.Throttles != 4 || q.Peak != 1 || q.Expired != 0 {
			t.Errorf("queueing %+v, want reserved 1, 4 throttles, peak 1, none expired", q)
		}
		if want := []time.Duration{0, 15 * time.Second}; !slices.Equal(q.Queued, want) {
			t.Errorf("queued %v, want %v", q.Queued, want)
		}
		if got := time.Since(start); got != 25*time.Second {
			t.Errorf("both ran in %v (virtual), want 25 s", got)
		}
		if n := e.Stats().Throttles.Load(); n != 4 {
			t.Errorf("Stats().Throttles %d, want 4", n)
		}
		if q := e.Queueing("StrategyFunction"); q.Reserved != -1 || q.Throttles != 0 {
			t.Errorf("strategy queueing %+v, want none reserved, no throttles", q)
		}
	})
}

// An event throttled until its age would pass MaximumEventAgeInSeconds
// goes to the on-failure destination, condition EventAgeExceeded, without
// running.
func TestThrottledEventExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _ := concurrencyBus(t, time.Minute, func(top *topology.Topology) {
			top.Functions["ExecutionFunction"].Async.MaxAge = 10 * time.Second
		})
		put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
		put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
		e.Wait()
		q := e.Queueing("ExecutionFunction")
		// 1 + 2 + 4 s waited; the next 8 s would make 15 s > 10 s.
		if q.Expired != 1 || q.Throttles != 4 || len(q.Queued) != 1 {
			t.Errorf("queueing %+v, want one expired after 4 throttles, one run", q)
		}
		rec := onlyFailureRecord(t, e)
		if rec.RequestContext.Condition != "EventAgeExceeded" || rec.RequestContext.Count != 0 ||
			rec.ResponsePayload.ErrorType != "TooManyRequestsException" {
			t.Errorf("record %+v, want EventAgeExceeded after 0 invocations, TooManyRequestsException", rec)
		}
	})
}

// A synchronous invocation beyond the reserved concurrency fails at once:
// Lambda does not queue or retry it.
func TestSyncInvocationIsThrottled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _ := concurrencyBus(t, time.Minute, nil)
		put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
		synctest.Wait() // the plan holds the one slot
		err := e.InvokeSync("ExecutionFunction", []byte(`{}`))
		var throttled *ThrottledError
		if !errors.As(err, &throttled) {
			t.Errorf("InvokeSync during a running plan: %v, want a *ThrottledError", err)
		}
		e.Wait()
		if err := e.InvokeSync("ExecutionFunction", []byte(`{}`)); err != nil {
			t.Errorf("InvokeSync with the slot free: %v", err)
		}
	})
}
