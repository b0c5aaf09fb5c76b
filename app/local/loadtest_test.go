package local

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

func newLoadStack(t *testing.T) *LoadStack {
	t.Helper()
	s, err := NewLoadStack(context.Background(), LoadConfig{RunDir: filepath.Join(t.TempDir(), "run")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Concurrent starts at the same time each get the id of the workflow
// they started, never another's.
func TestStartWorkflowReturnsItsOwnCorrelationID(t *testing.T) {
	s := newLoadStack(t)
	var mu sync.Mutex
	started := map[string]*events.WorkflowStarted{}
	s.Bus.Tap(func(d Delivered) {
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
			id, err := s.StartWorkflow(context.Background(), at, "loadtest")
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	s.Bus.Wait()
	orders := s.AllOrders()
	if len(orders) == 0 {
		t.Error("no order placed")
	}
	for _, o := range orders { // so a second acceptance of an intent would be seen
		if _, ok := s.plans.byClientID[o.ClientOrderID]; !ok {
			t.Errorf("order %s is of no plan the index saw", o.ClientOrderID)
		}
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
	s := newLoadStack(t)
	defer s.Close(context.Background())
	at := time.Date(2026, 11, 20, 9, 50, 0, 0, newYork)
	if _, err := s.StartWorkflow(context.Background(), at, "bogus"); err == nil || errors.Is(err, ErrNotStarted) {
		t.Errorf("trigger bogus: %v, want the scheduler's input error", err)
	}
	if _, err := s.StartWorkflow(context.Background(), at, "watchdog"); !errors.Is(err, ErrNotStarted) {
		t.Errorf("trigger watchdog: %v, want ErrNotStarted", err)
	}
}

func TestDuplicateOrdersCountsSecondAcceptances(t *testing.T) {
	p := &planIndex{byClientID: map[string]intent{}}
	for _, plan := range []string{"plan-one", "plan-two"} { // a second plan of one workflow
		ev := &events.RebalancePlanned{Metadata: events.Root("W1", time.Now()), PlanID: plan, Allocations: []events.Allocation{},
			Before: events.Portfolio{Positions: []events.Holding{}},
			Items:  []events.PlanItem{{Symbol: "SPY", Action: "BUY"}, {Symbol: "TLT", Action: "SELL"}, {Symbol: "GLD", Action: "HOLD"}}}
		env, err := events.Wrap(ev, "alchemiser.portfolio", "1", "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(env)
		p.record(Delivered{Event: raw})
	}
	spy1 := execution.ClientOrderID("W1", "plan-one", "SPY", "buy")
	spy2 := execution.ClientOrderID("W1", "plan-two", "SPY", "buy")
	tlt1 := execution.ClientOrderID("W1", "plan-one", "TLT", "sell")
	random := func(symbol, side string) paper.Order {
		return paper.Order{ClientOrderID: "random-" + randomHex(4), Symbol: symbol, Side: side}
	}
	for _, c := range []struct {
		ids   []string
		extra []paper.Order // under ids no plan produced
		want  int
	}{
		{[]string{spy1, tlt1}, nil, 0},
		{[]string{spy1, spy2, tlt1}, nil, 1},       // SPY bought under both plans
		{[]string{tlt1, tlt1}, nil, 1},             // one client order id accepted twice
		{[]string{"manual-1", "manual-2"}, nil, 0}, // orders of no plan
		{nil, []paper.Order{random("SPY", "buy")}, 0},
		{[]string{spy1}, []paper.Order{random("SPY", "buy")}, 1},             // the plan's id, then a fresh one
		{nil, []paper.Order{random("SPY", "buy"), random("SPY", "buy")}, 1},  // two fresh ids for one intent
		{nil, []paper.Order{random("GLD", "buy"), random("SPY", "sell")}, 0}, // nobody planned these
	} {
		orders := slices.Clone(c.extra)
		for _, id := range c.ids {
			orders = append(orders, paper.Order{ClientOrderID: id})
		}
		if got := p.duplicates(orders); got != c.want {
			t.Errorf("%v: %d duplicates, want %d", c.ids, got, c.want)
		}
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

func TestReadUsageBillsReportLines(t *testing.T) {
	dir := t.TempDir()
	lines := []LogEvent{
		{Message: `{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":10.5,"billedDurationMs":11,"memorySizeMB":256}}}`},
		{Message: "REPORT RequestId: b\tDuration: 99.10 ms\tBilled Duration: 100 ms\tMemory Size: 1024 MB\tMax Memory Used: 40 MB"},
		{Message: `{"level":"INFO","msg":"not a report: Billed Duration: 5 ms"}`},
	}
	if err := os.MkdirAll(filepath.Join(dir, "cloudwatch"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "cloudwatch", "g.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	var bytes int64
	for _, l := range lines {
		_ = enc.Encode(l)
		bytes += int64(len(l.Message))
	}
	f.Close()
	u, err := ReadUsage(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.011*0.25 + 0.1*1
	if u.Invocations != 2 || u.BilledMs != 111 || math.Abs(u.GBSeconds-want) > 1e-9 || u.LogEvents != 3 || u.LogBytes != bytes {
		t.Errorf("usage %+v, want 2 invocations, 111 ms, %f GB-s, 3 events, %d bytes", u, want, bytes)
	}
}
