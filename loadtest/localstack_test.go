package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/internal/memnet"
)

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

func newLoadStack(t *testing.T) *localStack {
	t.Helper()
	s, err := newLocalStack(context.Background(), localStackConfig{RunDir: filepath.Join(t.TempDir(), "run"), Network: memnet.Listen()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Concurrent starts at the same time each get the id of the workflow
// they started, never another's.
func TestStartWorkflowReturnsItsOwnCorrelationID(t *testing.T) {
	synctest.Test(t, testStartWorkflowReturnsItsOwnCorrelationID)
}

func testStartWorkflowReturnsItsOwnCorrelationID(t *testing.T) {
	s := newLoadStack(t)
	var mu sync.Mutex
	started := map[string]*events.WorkflowStarted{}
	s.Bus.Tap(func(d emulator.Delivered) {
		var env events.Envelope
		if json.Unmarshal(d.Event, &env) != nil || env.DetailType != events.TypeWorkflowStarted {
			return
		}
		ev, err := events.DecodeDetail(env.DetailType, env.Detail)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		started[ev.Meta().CorrelationID] = ev.(*events.WorkflowStarted)
		mu.Unlock()
	})
	day := s.Exchange.Day()
	at := time.Date(day.Year(), day.Month(), day.Day(), 9, 35, 0, 0, newYork)
	const n = 30
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id, err := s.startWorkflow(context.Background(), at, "loadtest")
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	s.Bus.Wait()
	orders := s.allOrders()
	if len(orders) == 0 {
		t.Error("no order placed")
	}
	if n := s.DuplicateOrders(orders); n != 0 {
		t.Errorf("%d duplicate orders among the workflows' own", n)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		ev := started[id]
		switch {
		case seen[id]:
			t.Errorf("id %s returned twice", id)
		case ev == nil:
			t.Errorf("id %s: no WorkflowStarted with it", id)
		case ev.Trigger != "loadtest" || ev.TradingDate != day.Format(time.DateOnly):
			t.Errorf("id %s: %+v", id, ev)
		}
		seen[id] = true
	}
	if len(started) != n {
		t.Errorf("%d workflows started, want %d", len(started), n)
	}
	if fi, err := os.Stat(filepath.Join(s.Dir, "idempotency.json")); err != nil || fi.Size() == 0 {
		t.Errorf("idempotency.json not written: %v", err)
	}
}

func TestStartWorkflowReportsWhatDidNotStart(t *testing.T) {
	synctest.Test(t, testStartWorkflowReportsWhatDidNotStart)
}

func testStartWorkflowReportsWhatDidNotStart(t *testing.T) {
	s := newLoadStack(t)
	defer s.Close(context.Background())
	at := time.Date(2026, 11, 20, 9, 50, 0, 0, newYork)
	if _, err := s.startWorkflow(context.Background(), at, "bogus"); err == nil || errors.Is(err, errNotStarted) {
		t.Errorf("trigger bogus: %v, want the scheduler's input error", err)
	}
	if _, err := s.startWorkflow(context.Background(), at, "watchdog"); !errors.Is(err, errNotStarted) {
		t.Errorf("trigger watchdog: %v, want errNotStarted", err)
	}
}

func TestCountingStoreCountsDynamoDBRequests(t *testing.T) {
	c := &countingStore{next: idempotency.NewMemoryStore()}
	ctx, now := context.Background(), time.Now()
	r := idempotency.Record{Key: "k", Status: idempotency.InProgress, Expiry: now.Add(time.Hour)}
	_, _ = c.Acquire(ctx, r, now) // PutItem
	_, _ = c.Acquire(ctx, r, now) // PutItem fails its condition, GetItem
	_ = c.Complete(ctx, r)        // UpdateItem
	_, _ = c.Get(ctx, "k")        // GetItem
	_ = c.Delete(ctx, "k")        // DeleteItem
	if got := c.requests.Load(); got != 6 {
		t.Errorf("%d requests, want 6", got)
	}
}
