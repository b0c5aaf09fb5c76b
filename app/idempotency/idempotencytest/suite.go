package idempotencytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
)

// Run checks the contract every store meets: the Guard's semantics over
// it, and the store's own conditional writes. newStore returns the store
// for one subtest; subtests use distinct keys, so it may return the same
// store each time. The subtests run on the wall clock, as a store whose
// server is another process (DynamoDB on dynalite) needs.
func Run(t *testing.T, newStore func(t *testing.T) idempotency.Store) {
	run(t, newStore, func(t *testing.T, f func(t *testing.T)) { f(t) })
}

// RunInBubbles is Run with each subtest in a testing/synctest bubble, for
// a store in this process: the Guard's lease renewals and the suite's
// waits then take virtual time, the same on any machine. newStore is
// called inside the bubble.
func RunInBubbles(t *testing.T, newStore func(t *testing.T) idempotency.Store) {
	run(t, newStore, synctest.Test)
}

func run(t *testing.T, newStore func(t *testing.T) idempotency.Store, within func(t *testing.T, f func(t *testing.T))) {
	ctx := context.Background()
	run := func(name string, f func(t *testing.T)) {
		t.Run(name, func(t *testing.T) { within(t, f) })
	}
	run("first acquire writes an in-progress record", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		if r, err := s.Get(ctx, "a1"); r != nil || err != nil {
			t.Fatalf("absent key: %+v %v, want nil, nil", r, err)
		}
		want := Holder("a1", c, 1500*time.Millisecond)
		if r, err := s.Acquire(ctx, want, c.Now()); r != nil || err != nil {
			t.Fatalf("first acquire: %+v %v, want nil, nil", r, err)
		}
		got, err := s.Get(ctx, "a1")
		if err != nil || got == nil || got.Key != "a1" || got.Status != idempotency.InProgress || !got.Expiry.Equal(want.Expiry) ||
			!got.InProgressExpiry.Equal(want.InProgressExpiry) || got.PayloadHash != want.PayloadHash || len(got.Response) != 0 {
			t.Fatalf("stored %+v %v, want %+v", got, err, want)
		}
		existing, err := s.Acquire(ctx, Holder("a1", c, time.Minute), c.Now())
		if !errors.Is(err, idempotency.ErrExists) || existing == nil || existing.Status != idempotency.InProgress {
			t.Fatalf("second acquire: %+v %v, want the in-progress record and ErrExists", existing, err)
		}
	})
	run("a call while one runs is told to retry", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		var inner error
		_, _, err := g.Do(ctx, "a2", []byte("p"), func(ctx context.Context) ([]byte, error) {
			_, _, inner = g.Do(ctx, "a2", []byte("p"), MustNotRun(t))
			return []byte("outer"), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(inner, idempotency.ErrInProgress) || !idempotency.IsRetryable(inner) || !strings.Contains(inner.Error(), "a2") {
			t.Fatalf("error %v, want a retryable ErrInProgress naming a2", inner)
		}
	})
	run("an in-progress record blocks until its in-progress expiry passes", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now})
		if _, err := s.Acquire(ctx, Holder("a3", c, 30*time.Second), c.Now()); err != nil {
			t.Fatal(err)
		}
		c.Advance(30 * time.Second) // at the expiry: not yet passed
		if _, _, err := g.Do(ctx, "a3", []byte("p"), MustNotRun(t)); !errors.Is(err, idempotency.ErrInProgress) {
			t.Fatalf("at the in-progress expiry: %v, want ErrInProgress", err)
		}
		c.Advance(time.Millisecond)
		if resp, replayed, err := g.Do(ctx, "a3", []byte("p"), Respond("took over")); err != nil || replayed || string(resp) != "took over" {
			t.Fatalf("after it: %q replayed=%v %v", resp, replayed, err)
		}
	})
	run("a completed call is replayed, not run", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		resp, replayed, err := g.Do(ctx, "a4", []byte("p"), Respond("first"))
		if err != nil || replayed || string(resp) != "first" {
			t.Fatalf("first: %q replayed=%v %v", resp, replayed, err)
		}
		resp, replayed, err = g.Do(ctx, "a4", []byte("p"), MustNotRun(t))
		if err != nil || !replayed || string(resp) != "first" {
			t.Fatalf("second: %q replayed=%v %v, want the stored response", resp, replayed, err)
		}
	})
	run("an empty response is replayed", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		_, _, _ = g.Do(ctx, "a5", []byte("p"), func(context.Context) ([]byte, error) { return nil, nil })
		if resp, replayed, err := g.Do(ctx, "a5", []byte("p"), MustNotRun(t)); err != nil || !replayed || len(resp) != 0 {
			t.Fatalf("second: %q replayed=%v %v", resp, replayed, err)
		}
	})
	run("a completed record runs again once expired", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now, Expiry: time.Hour})
		_, _, _ = g.Do(ctx, "a6", []byte("p"), Respond("a"))
		c.Advance(time.Hour) // at the expiry: not yet passed
		if resp, replayed, err := g.Do(ctx, "a6", []byte("p"), MustNotRun(t)); err != nil || !replayed || string(resp) != "a" {
			t.Fatalf("at the expiry: %q replayed=%v %v", resp, replayed, err)
		}
		c.Advance(time.Second)
		if resp, replayed, err := g.Do(ctx, "a6", []byte("p"), Respond("b")); err != nil || replayed || string(resp) != "b" {
			t.Fatalf("after it: %q replayed=%v %v", resp, replayed, err)
		}
		if r, _ := s.Get(ctx, "a6"); r == nil || string(r.Response) != "b" || !r.Expiry.Equal(c.Now().Add(time.Hour)) {
			t.Fatalf("record %+v, want b's, expiring an hour after it", r)
		}
	})
	run("a reused key with another payload is refused", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		_, _, _ = g.Do(ctx, "a7", []byte("p"), Respond("a"))
		_, _, err := g.Do(ctx, "a7", []byte("other"), MustNotRun(t))
		var ke *idempotency.KeyError
		if !errors.Is(err, idempotency.ErrPayloadMismatch) || idempotency.IsRetryable(err) || !errors.As(err, &ke) || ke.Key != "a7" || ke.Retryable() {
			t.Fatalf("error %v, want a non-retryable payload mismatch naming a7", err)
		}
		if resp, replayed, err := g.Do(ctx, "a7", []byte("p"), MustNotRun(t)); err != nil || !replayed || string(resp) != "a" {
			t.Fatalf("the original payload: %q replayed=%v %v, want its replay", resp, replayed, err)
		}
	})
	run("a failure releases the key", func(t *testing.T) {
		s := newStore(t)
		g := idempotency.New(s, idempotency.Config{Now: NewClock().Now})
		boom := errors.New("boom")
		if _, _, err := g.Do(ctx, "a8", []byte("p"), func(context.Context) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("error %v, want the handler's", err)
		}
		if r, err := s.Get(ctx, "a8"); r != nil || err != nil {
			t.Fatalf("record kept after the failure: %+v %v", r, err)
		}
		if resp, replayed, err := g.Do(ctx, "a8", []byte("p"), Respond("retried")); err != nil || replayed || string(resp) != "retried" {
			t.Fatalf("retry: %q replayed=%v %v", resp, replayed, err)
		}
	})
	run("a panic releases the key", func(t *testing.T) {
		s := newStore(t)
		g := idempotency.New(s, idempotency.Config{Now: NewClock().Now})
		func() {
			defer func() {
				if p := recover(); p != "boom" {
					t.Fatalf("recovered %v, want the handler's panic", p)
				}
			}()
			_, _, _ = g.Do(ctx, "a9", []byte("p"), func(context.Context) ([]byte, error) { panic("boom") })
		}()
		if r, err := s.Get(ctx, "a9"); r != nil || err != nil {
			t.Fatalf("record kept after the panic: %+v %v", r, err)
		}
	})
	run("the in-progress expiry is the deadline, or the default", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now, DefaultInProgress: time.Hour})
		ipe := func(ctx context.Context, key string) (got time.Time) {
			_, _, err := g.Do(ctx, key, []byte("p"), func(ctx context.Context) ([]byte, error) {
				r, err := s.Get(ctx, key)
				if r != nil {
					got = r.InProgressExpiry
				}
				return nil, err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got, want := ipe(ctx, "a10"), c.Now().Add(time.Hour); !got.Equal(want) {
			t.Errorf("without a deadline: %v, want now + the default, %v", got, want)
		}
		dctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		// The remaining time only shrinks, so it is at most 10 minutes.
		if got := ipe(dctx, "a11"); got.After(c.Now().Add(10*time.Minute)) || !got.After(c.Now()) {
			t.Errorf("with 10 minutes left: %v, want in (now, now + 10 min]; now is %v", got, c.Now())
		}
	})
	run("only the holder extends an in-progress record", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		r := Holder("a14", c, time.Second)
		r.Owner = "o1"
		if _, err := s.Acquire(ctx, r, c.Now()); err != nil {
			t.Fatal(err)
		}
		until := c.Now().Add(time.Minute)
		if err := s.Extend(ctx, "a14", "o1", until); err != nil {
			t.Fatalf("holder's extend: %v", err)
		}
		if got, err := s.Get(ctx, "a14"); err != nil || got.Owner != "o1" || !got.InProgressExpiry.Equal(until) {
			t.Fatalf("after extend: %+v %v, want owner o1 until %v", got, err, until)
		}
		if err := s.Extend(ctx, "a14", "o2", until.Add(time.Hour)); !errors.Is(err, idempotency.ErrLeaseLost) {
			t.Errorf("another owner's extend: %v, want ErrLeaseLost", err)
		}
		r.Status = idempotency.Complete
		if err := s.Complete(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.Extend(ctx, "a14", "o1", until); !errors.Is(err, idempotency.ErrLeaseLost) {
			t.Errorf("extend of a completed record: %v, want ErrLeaseLost", err)
		}
		if err := s.Extend(ctx, "absent", "o1", until); !errors.Is(err, idempotency.ErrLeaseLost) {
			t.Errorf("extend of no record: %v, want ErrLeaseLost", err)
		}
	})
	run("only the holder releases an in-progress record", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		r := Holder("a17", c, time.Second)
		r.Owner = "o1"
		if _, err := s.Acquire(ctx, r, c.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "a17", "o2"); err != nil {
			t.Fatalf("another owner's release: %v, want nil (nothing of its own to release)", err)
		}
		if got, err := s.Get(ctx, "a17"); err != nil || got == nil {
			t.Fatalf("another owner's release removed the record: %+v %v", got, err)
		}
		if err := s.Release(ctx, "a17", "o1"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, "a17"); err != nil || got != nil {
			t.Fatalf("after the holder's release: %+v %v, want no record", got, err)
		}
		if _, err := s.Acquire(ctx, r, c.Now()); err != nil {
			t.Fatal(err)
		}
		r.Status = idempotency.Complete
		if err := s.Complete(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "a17", "o1"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, "a17"); err != nil || got == nil || got.Status != idempotency.Complete {
			t.Fatalf("a release removed a completed record: %+v %v", got, err)
		}
	})
	run("a failure of a holder whose lease lapsed leaves the new holder's record", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now})
		_, _, err := g.Do(ctx, "a18", []byte("p"), func(ctx context.Context) ([]byte, error) {
			c.Advance(16 * time.Minute) // past the default in-progress expiry: the key is free
			if _, err := s.Acquire(ctx, Holder("a18", c, time.Minute), c.Now()); err != nil {
				t.Fatalf("a new holder could not take the lapsed key: %v", err)
			}
			return nil, errors.New("failed late")
		})
		if err == nil {
			t.Fatal("want the handler's error")
		}
		if got, err := s.Get(ctx, "a18"); err != nil || got == nil || got.Status != idempotency.InProgress {
			t.Fatalf("the new holder's record: %+v %v, want it kept", got, err)
		}
	})
	run("a holder whose lease lapsed does not complete the new holder's record", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now})
		resp, replayed, err := g.Do(ctx, "a19", []byte("p"), func(ctx context.Context) ([]byte, error) {
			c.Advance(16 * time.Minute) // past the default in-progress expiry: the key is free
			r := Holder("a19", c, time.Minute)
			r.Owner = "new"
			if _, err := s.Acquire(ctx, r, c.Now()); err != nil {
				t.Fatalf("a new holder could not take the lapsed key: %v", err)
			}
			return []byte("late"), nil
		})
		if err != nil || replayed || string(resp) != "late" {
			t.Fatalf("the late holder's call: %q replayed=%v %v, want its response", resp, replayed, err)
		}
		if got, err := s.Get(ctx, "a19"); err != nil || got == nil || got.Status != idempotency.InProgress || got.Owner != "new" {
			t.Fatalf("the new holder's record: %+v %v, want it in progress", got, err)
		}
	})
	run("with a lease, the in-progress expiry is at most the lease away", func(t *testing.T) {
		s, c := newStore(t), NewClock()
		g := idempotency.New(s, idempotency.Config{Now: c.Now, Lease: 30 * time.Second})
		dctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		_, _, err := g.Do(dctx, "a15", []byte("p"), func(ctx context.Context) ([]byte, error) {
			r, err := s.Get(ctx, "a15")
			if err == nil && (r == nil || !r.InProgressExpiry.Equal(c.Now().Add(30*time.Second)) || r.Owner == "") {
				t.Errorf("record %+v, want in progress until now + 30 s, with an owner", r)
			}
			return nil, err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	run("a running holder renews its lease", func(t *testing.T) {
		s := newStore(t)
		g := idempotency.New(s, idempotency.Config{Lease: 60 * time.Millisecond})
		_, _, err := g.Do(ctx, "a16", []byte("p"), func(ctx context.Context) ([]byte, error) {
			first, err := s.Get(ctx, "a16")
			if err != nil || first == nil {
				return nil, errors.Join(errors.New("no record"), err)
			}
			// Wait until the expiry has moved twice: the record outlives
			// its first lease.
			seen, last := 0, first.InProgressExpiry
			var lost error
			waitFor(t, "two renewals of a 60 ms lease", func() bool {
				r, err := s.Get(ctx, "a16")
				if err != nil || r == nil {
					lost = errors.Join(errors.New("record lost"), err)
					return true
				}
				if r.InProgressExpiry.After(last) {
					seen, last = seen+1, r.InProgressExpiry
				}
				return seen >= 2
			})
			if lost != nil || seen < 2 {
				return nil, errors.Join(fmt.Errorf("the expiry moved %d times", seen), lost)
			}
			if _, _, err := g.Do(ctx, "a16", []byte("p"), MustNotRun(t)); !errors.Is(err, idempotency.ErrInProgress) {
				t.Errorf("a duplicate after the first lease: %v, want ErrInProgress", err)
			}
			return []byte("done"), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.Get(ctx, "a16"); err != nil || r.Status != idempotency.Complete {
			t.Fatalf("after the run: %+v %v, want COMPLETE", r, err)
		}
	})
	run("concurrent duplicates of a running call are told to retry", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		var runs, busy, others atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, _, err := g.Do(ctx, "a12", []byte("p"), func(context.Context) ([]byte, error) {
					runs.Add(1)
					<-release
					return []byte("done"), nil
				})
				switch {
				case errors.Is(err, idempotency.ErrInProgress):
					busy.Add(1)
				case err != nil:
					t.Error(err)
					others.Add(1)
				default:
					others.Add(1)
				}
			})
		}
		// The running call holds the key until every duplicate has
		// returned, so each of them must have found it in progress. A
		// second run would block too: stop waiting then, and fail.
		waitFor(t, "19 answers", func() bool { return busy.Load()+others.Load() >= 19 || runs.Load() >= 2 })
		close(release)
		wg.Wait()
		if runs.Load() != 1 || busy.Load() != 19 {
			t.Fatalf("runs %d, in progress %d, other answers %d; want 1 run and 19 in progress", runs.Load(), busy.Load(), others.Load())
		}
	})
	run("concurrent duplicates run once", func(t *testing.T) {
		g := idempotency.New(newStore(t), idempotency.Config{Now: NewClock().Now})
		var runs, busy, replays atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				resp, replayed, err := g.Do(ctx, "a13", []byte("p"), func(context.Context) ([]byte, error) {
					runs.Add(1)
					return []byte("done"), nil
				})
				switch {
				case errors.Is(err, idempotency.ErrInProgress):
					busy.Add(1)
				case err != nil:
					t.Error(err)
				case replayed && string(resp) == "done":
					replays.Add(1)
				case replayed:
					t.Errorf("replayed %q, want done", resp)
				}
			})
		}
		wg.Wait()
		if runs.Load() != 1 || busy.Load()+replays.Load() != 19 {
			t.Fatalf("runs %d, in progress %d, replays %d; want 1 run and 19 others", runs.Load(), busy.Load(), replays.Load())
		}
		t.Logf("in progress %d, replays %d", busy.Load(), replays.Load())
	})
}

// waitFor polls cond every millisecond until it holds, for at most a
// minute: of virtual time in a bubble, of the wall clock otherwise
// (generous for a loaded machine). A wait that runs out fails the test
// instead of hanging it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("no %s within a minute", what)
			return
		}
	}
}
