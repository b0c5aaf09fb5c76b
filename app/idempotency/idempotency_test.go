package idempotency

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency/dynalitetest"
)

// clock is a controllable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Unix(1_800_000_000, 0)} }

// testStore is the contract every store meets.
func testStore(t *testing.T, newStore func(t *testing.T) Store) {
	ctx := context.Background()
	ok := func(resp string) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) { return []byte(resp), nil }
	}
	t.Run("runs once then replays", func(t *testing.T) {
		c := newClock()
		g := New(newStore(t), Config{Now: c.now})
		resp, replayed, err := g.Do(ctx, "k1", []byte("p"), ok("first"))
		if err != nil || replayed || string(resp) != "first" {
			t.Fatalf("first: %q %v %v", resp, replayed, err)
		}
		ran := false
		resp, replayed, err = g.Do(ctx, "k1", []byte("p"), func(context.Context) ([]byte, error) { ran = true; return nil, nil })
		if err != nil || !replayed || string(resp) != "first" || ran {
			t.Fatalf("second: %q replayed=%v ran=%v %v", resp, replayed, ran, err)
		}
	})
	t.Run("expired record runs again", func(t *testing.T) {
		c := newClock()
		g := New(newStore(t), Config{Now: c.now, Expiry: time.Hour})
		_, _, _ = g.Do(ctx, "k2", []byte("p"), ok("a"))
		c.advance(time.Hour + time.Second)
		resp, replayed, err := g.Do(ctx, "k2", []byte("p"), ok("b"))
		if err != nil || replayed || string(resp) != "b" {
			t.Fatalf("after expiry: %q %v %v", resp, replayed, err)
		}
	})
	t.Run("payload mismatch", func(t *testing.T) {
		g := New(newStore(t), Config{Now: newClock().now})
		_, _, _ = g.Do(ctx, "k3", []byte("p"), ok("a"))
		_, _, err := g.Do(ctx, "k3", []byte("other"), ok("b"))
		var ke *KeyError
		if !errors.Is(err, ErrPayloadMismatch) || !errors.As(err, &ke) || ke.Key != "k3" || ke.Retryable() {
			t.Fatalf("error %v, want a non-retryable payload mismatch naming k3", err)
		}
	})
	t.Run("failure releases the key", func(t *testing.T) {
		s := newStore(t)
		g := New(s, Config{Now: newClock().now})
		boom := errors.New("boom")
		if _, _, err := g.Do(ctx, "k4", []byte("p"), func(context.Context) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("error %v, want the handler's", err)
		}
		if r, err := s.Get(ctx, "k4"); r != nil || err != nil {
			t.Fatalf("record kept after failure: %+v %v", r, err)
		}
		if resp, _, err := g.Do(ctx, "k4", []byte("p"), ok("retried")); err != nil || string(resp) != "retried" {
			t.Fatalf("retry: %q %v", resp, err)
		}
	})
	t.Run("in progress, then its deadline passes", func(t *testing.T) {
		c := newClock()
		s := newStore(t)
		g := New(s, Config{Now: c.now})
		dctx, cancel := context.WithDeadline(ctx, c.now().Add(30*time.Second))
		defer cancel()
		// An invocation that acquired the key and crashed: its record stays.
		if _, err := s.Acquire(dctx, Record{Key: "k5", Status: InProgress, Expiry: c.now().Add(time.Hour),
			InProgressExpiry: c.now().Add(30 * time.Second), PayloadHash: Hash([]byte("p"))}, c.now()); err != nil {
			t.Fatal(err)
		}
		_, _, err := g.Do(ctx, "k5", []byte("p"), ok("x"))
		if !errors.Is(err, ErrInProgress) || !IsRetryable(err) {
			t.Fatalf("error %v, want a retryable in-progress error", err)
		}
		c.advance(31 * time.Second)
		if resp, _, err := g.Do(ctx, "k5", []byte("p"), ok("took over")); err != nil || string(resp) != "took over" {
			t.Fatalf("after the deadline: %q %v", resp, err)
		}
	})
	t.Run("concurrent duplicates run once", func(t *testing.T) {
		g := New(newStore(t), Config{Now: newClock().now})
		var runs, replays, busy atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, replayed, err := g.Do(ctx, "k6", []byte("p"), func(context.Context) ([]byte, error) {
					runs.Add(1)
					<-release
					return []byte("done"), nil
				})
				switch {
				case errors.Is(err, ErrInProgress):
					busy.Add(1)
				case err == nil && replayed:
					replays.Add(1)
				case err != nil:
					t.Error(err)
				}
			})
		}
		// The running call holds the key until every duplicate has
		// returned, so each of them must have seen it in progress.
		for busy.Load()+replays.Load() < 19 && !t.Failed() {
			time.Sleep(time.Millisecond)
		}
		close(release)
		wg.Wait()
		if runs.Load() != 1 || busy.Load() != 19 {
			t.Fatalf("runs %d, in progress %d, replays %d; want 1 run and 19 in progress", runs.Load(), busy.Load(), replays.Load())
		}
	})
}

func TestMemoryStore(t *testing.T) {
	testStore(t, func(*testing.T) Store { return NewMemoryStore() })
}

func TestFileStore(t *testing.T) {
	testStore(t, func(t *testing.T) Store {
		s, err := NewFileStore(filepath.Join(t.TempDir(), "idempotency.json"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestFileStoreSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idempotency.json")
	s, _ := NewFileStore(path)
	g := New(s, Config{})
	if _, _, err := g.Do(context.Background(), Key("execution", "E1"), []byte("p"), func(context.Context) ([]byte, error) { return []byte("orders"), nil }); err != nil {
		t.Fatal(err)
	}
	again, err := NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	resp, replayed, err := New(again, Config{}).Do(context.Background(), "execution#E1", []byte("p"), nil)
	if err != nil || !replayed || string(resp) != "orders" {
		t.Fatalf("after restart: %q %v %v", resp, replayed, err)
	}
}

func TestDynamoStore(t *testing.T) {
	_, client := dynalitetest.Start(t)
	dynalitetest.CreateTable(t, client, "idempotency")
	testStore(t, func(*testing.T) Store { return NewDynamoStore(client, "idempotency") })
}
