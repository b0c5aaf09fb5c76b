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

// recordingClock waits for nothing and records what it was asked to wait.
type recordingClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

var _ Clock = (*recordingClock)(nil)

func (c *recordingClock) Now() time.Time { return time.Now() }

func (c *recordingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return ctx.Err()
}

// Lambda's asynchronous retries wait on the injected clock: a minute, then
// two.
func TestLambdaRetriesWaitOnTheClock(t *testing.T) {
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clock := &recordingClock{}
	e, err := New(top, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	for id := range top.Functions {
		_ = e.Register(id, func(context.Context, json.RawMessage) error { return errors.New("down") })
	}
	put(t, e, "alchemiser.strategy", events.TypeSignalGenerated)
	e.Wait()
	if want := []time.Duration{time.Minute, 2 * time.Minute}; !slices.Equal(clock.waits, want) {
		t.Errorf("waits %v, want %v", clock.waits, want)
	}
}

func TestScaledClockScalesWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := (ScaledClock{Scale: 1.0 / 600}).Sleep(context.Background(), time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 100*time.Millisecond {
			t.Errorf("a minute at 1/600 took %v", got)
		}
		start = time.Now()
		_ = ScaledClock{}.Sleep(context.Background(), time.Hour)
		if got := time.Since(start); got != 0 {
			t.Errorf("scale 0 waited %v", got)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := (ScaledClock{Scale: 1}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled wait returned %v", err)
		}
	})
}

// Stop ends the waits: what is in flight winds down without waiting out
// its retries.
func TestStopEndsTheWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
		if err != nil {
			t.Fatal(err)
		}
		e, err := New(top, WithTimeScale(1)) // real minutes, virtual in the bubble
		if err != nil {
			t.Fatal(err)
		}
		for id := range top.Functions {
			_ = e.Register(id, func(context.Context, json.RawMessage) error { return errors.New("down") })
		}
		start := time.Now()
		put(t, e, "alchemiser.strategy", events.TypeSignalGenerated)
		synctest.Wait() // the first attempt failed; the retry waits
		e.Stop()
		e.Wait()
		if got := time.Since(start); got != 0 {
			t.Errorf("stopped after %v, want at once", got)
		}
		if n := e.Stats().FunctionInvocations.Load(); n != 3 {
			t.Errorf("%d invocations, want all 3 without their waits", n)
		}
	})
}

// An Event invocation through Lambda's API is retried as any asynchronous
// one, then its record goes to the on-failure destination.
func TestInvokeAsyncRetriesThenSendsTheRecord(t *testing.T) {
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clock := &recordingClock{}
	e, err := New(top, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.InvokeAsync("SchedulerFunction", []byte(`{}`)); err == nil {
		t.Error("an unregistered function was invoked")
	}
	var calls sync.WaitGroup
	calls.Add(3)
	_ = e.Register("SchedulerFunction", func(context.Context, json.RawMessage) error { calls.Done(); return errors.New("down") })
	if err := e.InvokeAsync("SchedulerFunction", []byte(`{"trigger":"manual"}`)); err != nil {
		t.Fatal(err)
	}
	e.Wait()
	calls.Wait()
	if n := e.Queues().Count(); n != 1 {
		t.Errorf("%d messages in the queues, want the one invocation record", n)
	}
}
