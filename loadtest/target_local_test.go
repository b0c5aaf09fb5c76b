package loadtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/internal/memnet"
)

// safety bounds how long a test waits for ends that may never come, so
// a broken target fails instead of hanging; it is not a performance limit.
const safety = 2 * time.Minute

// localSafety is safety for the local target, whose tests run in a
// synctest bubble: virtual time, free to wait. It is past the longest an
// end may legitimately take: an execution event throttled by reserved
// concurrency waits in Lambda's queue up to its maximum event age (the
// template's MaximumEventAgeInSeconds, an hour).
const localSafety = 2 * time.Hour

// newLocal starts the local target with its exchange on an in-memory
// network: the tests that use it run in testing/synctest bubbles, where
// the stack's retry waits and the exchange's latency take virtual time.
func newLocal(t *testing.T, cfg LocalConfig) *Local {
	t.Helper()
	cfg.RunDir = filepath.Join(t.TempDir(), "run")
	cfg.Network = memnet.Listen()
	l, err := NewLocal(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// startAllAtOnce starts n workflows from n goroutines and returns their
// ids and when each Start was called, by arrival.
func startAllAtOnce(t *testing.T, tg Target, n int) ([]string, []time.Time) {
	t.Helper()
	ids, called := make([]string, n), make([]time.Time, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			called[i] = time.Now()
			id, err := tg.Start(context.Background(), Arrival{Seq: i, Intended: called[i]})
			if err != nil {
				t.Errorf("start %d: %v", i, err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	return ids, called
}

// collect reads n outcomes, by correlation id.
func collect(t *testing.T, tg Target, n int) map[string]Outcome {
	t.Helper()
	return collectWithin(t, tg, n, safety)
}

// collectWithin is collect waiting at most within.
func collectWithin(t *testing.T, tg Target, n int, within time.Duration) map[string]Outcome {
	t.Helper()
	got := map[string]Outcome{}
	deadline := time.After(within)
	for len(got) < n {
		select {
		case o := <-tg.Ends():
			if _, dup := got[o.CorrelationID]; dup {
				t.Errorf("outcome of %s delivered twice", o.CorrelationID)
			}
			got[o.CorrelationID] = o
		case <-deadline:
			t.Fatalf("%d of %d outcomes after %s", len(got), n, within)
		}
	}
	return got
}

func TestLocalRunsConcurrentWorkflowsToCompletion(t *testing.T) {
	synctest.Test(t, testLocalRunsConcurrentWorkflowsToCompletion)
}

func testLocalRunsConcurrentWorkflowsToCompletion(t *testing.T) {
	const n = 20
	// 1 ms per exchange request: in virtual time the rest takes none. As
	// twenty accounts' stacks would run them: no execution waits for
	// another (TestLocalQueuesExecutionsBehindReservedConcurrency).
	none := 0
	l := newLocal(t, LocalConfig{Seed: 3, BrokerLatency: time.Millisecond, ExecutionConcurrency: &none})
	ids, called := startAllAtOnce(t, l, n)
	ends := collectWithin(t, l, n, localSafety)
	seen := map[string]bool{}
	for i, id := range ids {
		if id == "" || seen[id] {
			t.Fatalf("start %d: correlation id %q empty or repeated", i, id)
		}
		seen[id] = true
		o, ok := ends[id]
		switch {
		case !ok:
			t.Errorf("no outcome for %s", id)
		case o.Status != StatusCompleted:
			t.Errorf("%s ended %s", id, o.Status)
		case o.Ended.Before(called[i]):
			t.Errorf("%s ended at %s, before its start at %s", id, o.Ended, called[i])
		case o.Orders == 0:
			t.Errorf("%s submitted no order: every workflow's account starts with trades to make", id)
		}
	}
	st, err := l.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, open := <-l.Ends(); open {
		t.Error("Ends still open after Close")
	}
	if st.DeadLettered != 0 || st.DuplicateOrders != 0 || st.DuplicateOrderAttempts != 0 || st.DuplicateNotifications != 0 {
		t.Errorf("a healthy run counted failures or duplicates: %+v", st)
	}
	if len(st.Queueing) != 0 {
		t.Errorf("queueing %+v with no reserved concurrency", st.Queueing)
	}
	// Per workflow: five functions invoked once; five events
	// (WorkflowStarted, SignalGenerated, RebalancePlanned, TradeExecuted,
	// WorkflowCompleted); four guarded functions each acquire and
	// complete a key, and notifications reads the ledger once.
	if st.Invocations != 5*n || st.EventsPublished != 5*n || st.DynamoDBRequests != 9*n {
		t.Errorf("invocations %d, events %d, DynamoDB requests %d; want %d, %d, %d", st.Invocations, st.EventsPublished,
			st.DynamoDBRequests, 5*n, 5*n, 9*n)
	}
	// The REPORTs of the three functions that call the exchange bill at
	// least its 1 ms of latency at the template's 256 MB.
	if minimum := float64(3*n) * 0.001 * 0.25; st.LambdaGBSeconds < minimum {
		t.Errorf("%f GB-s, want at least %f", st.LambdaGBSeconds, minimum)
	}
	if st.LogBytes == 0 || st.CustomMetrics == 0 || st.CustomMetricValues < st.CustomMetrics || st.CustomMetricHours < st.CustomMetrics {
		t.Errorf("logs and metrics not counted: %+v", st)
	}
	traces, err := os.ReadFile(filepath.Join(st.RunDir, "traces.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !bytes.Contains(traces, []byte(id)) {
			t.Errorf("the run's spans do not carry %s", id)
		}
	}
}

// The execution function keeps template.yaml's reserved concurrency (1):
// plans made at once are executed one after the other, the others
// throttled and queued by Lambda, and the stats say how long they waited
// (virtual time: the exchange's latency and Lambda's backoff).
func TestLocalQueuesExecutionsBehindReservedConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 3
		l := newLocal(t, LocalConfig{Seed: 3, BrokerLatency: 100 * time.Millisecond})
		ids, _ := startAllAtOnce(t, l, n)
		ends := collectWithin(t, l, n, localSafety)
		for _, id := range ids {
			if o := ends[id]; o.Status != StatusCompleted {
				t.Errorf("%s ended %q, want completed after queueing", id, o.Status)
			}
		}
		st, err := l.Close(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Queueing) != 1 {
			t.Fatalf("queueing %+v, want the execution function's alone", st.Queueing)
		}
		q := st.Queueing[0]
		if q.Function != "execution" || q.ReservedConcurrency != 1 || q.Peak != 1 || q.Invocations != n || q.Expired != 0 {
			t.Errorf("queueing %+v, want execution, reserved 1, peak 1, %d invocations, none expired", q, n)
		}
		if q.Throttles == 0 || q.Queued == 0 || q.QueuedMs.Max < 1000 || q.QueuedMs.Count != n {
			t.Errorf("queueing %+v: want throttles, and plans queued a second or more (Lambda's first retry)", q)
		}
	})
}

// With every broker request answered 500, the strategy cannot read
// prices: that is permanent for it, so it publishes WorkflowFailed at
// once and nothing is dead-lettered or ordered.
// A permanent refusal of every broker request (403: the strategy cannot
// read market data, and no retry can help) fails each workflow at its
// strategy step, visibly: WorkflowFailed, no orders, nothing dead-lettered.
// (A 500 is transient: the strategy retries, and Lambda after it.)
func TestLocalBrokerErrorsFailWorkflows(t *testing.T) {
	synctest.Test(t, testLocalBrokerErrorsFailWorkflows)
}

func testLocalBrokerErrorsFailWorkflows(t *testing.T) {
	const n = 5
	l := newLocal(t, LocalConfig{BrokerErrorRates: map[int]float64{403: 1}})
	ids, _ := startAllAtOnce(t, l, n)
	ends := collectWithin(t, l, n, localSafety)
	for _, id := range ids {
		if o := ends[id]; o.Status != StatusFailed || o.Orders != 0 {
			t.Errorf("%s: %+v, want failed without orders", id, o)
		}
	}
	st, err := l.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.DeadLettered != 0 || st.DuplicateOrders != 0 || st.DuplicateNotifications != 0 {
		t.Errorf("stats %+v", st)
	}
}

// When only order placement fails, execution's breaker opens and it
// returns an error: Lambda retries it twice, then the invocation record
// goes to the on-failure destination. No terminal event is published, so
// the harness sees these workflows as lost, and the DLQs hold one record
// each.
func TestLocalOrderErrorsDeadLetterWithoutEnds(t *testing.T) {
	synctest.Test(t, testLocalOrderErrorsDeadLetterWithoutEnds)
}

func testLocalOrderErrorsDeadLetterWithoutEnds(t *testing.T) {
	const n = 3
	l := newLocal(t, LocalConfig{BrokerErrorRates: map[int]float64{500: 1}, BrokerPaths: []string{"/v2/orders"}})
	startAllAtOnce(t, l, n)
	l.stack.Bus.Wait()
	l.ends.mu.Lock()
	ended := len(l.ends.settled) + len(l.ends.early)
	l.ends.mu.Unlock()
	if ended != 0 {
		t.Errorf("%d workflows ended, want none", ended)
	}
	st, err := l.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.DeadLettered != n || st.DuplicateOrders != 0 {
		t.Errorf("dead-lettered %d, duplicate orders %d; want %d, 0", st.DeadLettered, st.DuplicateOrders, n)
	}
}

// EventBridge delivering every event twice must not place an order or
// send a notification twice, nor deliver an outcome twice. (A second
// copy that finds the first still holding its idempotency key fails and
// is retried by Lambda; on the wall clock, if the compressed retries ran
// out first, its record would be dead-lettered: harmless, so not
// asserted here.)
func TestLocalDuplicateDeliveriesAreHarmless(t *testing.T) {
	synctest.Test(t, testLocalDuplicateDeliveriesAreHarmless)
}

func testLocalDuplicateDeliveriesAreHarmless(t *testing.T) {
	const n = 5
	l := newLocal(t, LocalConfig{Duplicates: 1, TimeScale: 1.0 / 60})
	ids, _ := startAllAtOnce(t, l, n)
	ends := collectWithin(t, l, n, localSafety)
	for _, id := range ids {
		if ends[id].Status != StatusCompleted {
			t.Errorf("%s: %+v", id, ends[id])
		}
	}
	st, err := l.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for o := range l.Ends() {
		t.Errorf("outcome after the first: %+v", o)
	}
	if st.DuplicateOrders != 0 || st.DuplicateNotifications != 0 {
		t.Errorf("stats %+v", st)
	}
	if st.Invocations <= 5*n {
		t.Errorf("%d invocations: the duplicates were not delivered", st.Invocations)
	}
}

// The default profile, one account's day at 2x, on the local stack: its
// two scheduled plans reach the execution function together, and its
// reserved concurrency of 1 (template.yaml) queues one behind the other,
// as in AWS. Virtual time: the exchange's latency and Lambda's backoff.
func TestDailyProfileShowsTheExecutionQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := LoadProfile("profiles/daily.yaml")
		if err != nil {
			t.Fatal(err)
		}
		p.Broker.ErrorRates = nil // the queueing, not the retries, is under test
		l := newLocal(t, LocalConfig{}.WithProfile(p))
		res, err := Run(context.Background(), p, l, Options{Spin: -1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Completed != res.Scheduled || res.Scheduled != 4 {
			t.Errorf("%d of %d workflows completed, want all 4", res.Completed, res.Scheduled)
		}
		if len(res.Stats.Queueing) != 1 {
			t.Fatalf("queueing %+v, want the execution function's", res.Stats.Queueing)
		}
		q := res.Stats.Queueing[0]
		if q.Function != "execution" || q.ReservedConcurrency != 1 || q.Throttles == 0 || q.Queued == 0 || q.QueuedMs.Max <= 0 || q.QueuedMs.P99 <= 0 {
			t.Errorf("queueing %+v: want execution's plans throttled and queued", q)
		}
		if res.Stats.WatchdogChecks == 0 {
			t.Error("the watchdog never fired")
		}
	})
}
