package eventbridge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/internal/putevents"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/shopspring/decimal"
)

// scripted is an in-process PutEvents that answers each call with the
// next script entry: per entry index, an error code or "" for success.
type scripted struct {
	mu     sync.Mutex
	script []func(i int, e types.PutEventsRequestEntry) string
	calls  [][]types.PutEventsRequestEntry
}

func (s *scripted) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, in.Entries)
	answer := func(int, types.PutEventsRequestEntry) string { return "" }
	if n := len(s.calls) - 1; n < len(s.script) {
		answer = s.script[n]
	}
	out := &eventbridge.PutEventsOutput{}
	for i, e := range in.Entries {
		if code := answer(i, e); code != "" {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, types.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("scripted " + code)})
			continue
		}
		out.Entries = append(out.Entries, types.PutEventsResultEntry{EventId: aws.String("id")})
	}
	return out, nil
}

func noSleep(context.Context, time.Duration) error { return nil }

func TestOnlyFailedEntriesAreRetried(t *testing.T) {
	c := &scripted{script: []func(int, types.PutEventsRequestEntry) string{
		func(i int, _ types.PutEventsRequestEntry) string {
			if i == 1 || i == 3 {
				return "ThrottlingException"
			}
			return ""
		},
	}}
	obs := &observed{}
	p := New(c, "bus", "alchemiser.test", withSleep(noSleep), WithObserver(obs))
	if err := p.Publish(context.Background(), started(5, "manual")...); err != nil {
		t.Fatal(err)
	}
	if strings.Join(obs.retries, ",") != "WorkflowStarted/ThrottlingException,WorkflowStarted/ThrottlingException" {
		t.Errorf("observed retries %v", obs.retries)
	}
	if len(c.calls) != 2 || len(c.calls[0]) != 5 || len(c.calls[1]) != 2 {
		t.Fatalf("calls of %v entries, want 5 then the 2 throttled", lens(c.calls))
	}
	if aws.ToString(c.calls[1][0].Detail) != aws.ToString(c.calls[0][1].Detail) {
		t.Error("the retry did not resend the throttled entry")
	}
}

func TestPermanentEntryErrorsAreNotRetried(t *testing.T) {
	c := &scripted{script: []func(int, types.PutEventsRequestEntry) string{
		func(i int, _ types.PutEventsRequestEntry) string {
			if i == 0 {
				return "MalformedDetail"
			}
			return ""
		},
	}}
	evs := started(2, "manual")
	err := New(c, "bus", "alchemiser.test", withSleep(noSleep)).Publish(context.Background(), evs...)
	var perr *bus.PublishError
	if !errors.As(err, &perr) || !errors.Is(err, bus.ErrPartialFailure) || len(perr.Failed) != 1 ||
		!perr.Has(evs[0].Meta().EventID) || perr.Has(evs[1].Meta().EventID) || perr.Retryable() || events.Permanent(err) == false {
		t.Fatalf("error %v", err)
	}
	if len(c.calls) != 1 {
		t.Errorf("%d calls, want 1: a malformed detail stays malformed", len(c.calls))
	}
}

func TestPersistentThrottlingGivesUpAfterTheAttempts(t *testing.T) {
	c := &scripted{}
	for range 10 {
		c.script = append(c.script, func(int, types.PutEventsRequestEntry) string { return "ThrottlingException" })
	}
	var waits []time.Duration
	p := New(c, "bus", "alchemiser.test", WithRetry(4, 10*time.Millisecond, 40*time.Millisecond),
		withSleep(func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }))
	err := p.Publish(context.Background(), started(1, "manual")...)
	var perr *bus.PublishError
	if !errors.As(err, &perr) || !perr.Retryable() || perr.Failed[0].Code != "ThrottlingException" {
		t.Fatalf("error %v", err)
	}
	if len(c.calls) != 4 || len(waits) != 3 {
		t.Fatalf("%d calls and %d waits, want 4 and 3", len(c.calls), len(waits))
	}
	for i, w := range waits {
		if limit := min(10*time.Millisecond<<i, 40*time.Millisecond); w < 0 || w > limit {
			t.Errorf("wait %d is %v, beyond full jitter's %v", i, w, limit)
		}
	}
}

func TestADeadlineStopsTheRetries(t *testing.T) {
	c := &scripted{}
	for range 10 {
		c.script = append(c.script, func(int, types.PutEventsRequestEntry) string { return "InternalFailure" })
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := New(c, "bus", "alchemiser.test").Publish(ctx, started(1, "manual")...)
	if !errors.Is(err, bus.ErrPartialFailure) || len(c.calls) != 1 {
		t.Fatalf("error %v after %d calls; want one call, then the context's end", err, len(c.calls))
	}
}

// signalOf returns a SignalGenerated whose detail is about size bytes.
func signalOf(t *testing.T, size int) *events.SignalGenerated {
	ids := events.NewIDs(time.Now, strings.NewReader(strings.Repeat("y", 4096)))
	root := events.Root(ids.New(), time.Now())
	sig := &events.SignalGenerated{Metadata: root.Child(ids.New(), time.Now()), Workflow: events.Workflow{TradingDate: "2026-11-20", StartedAt: time.Now()}, AsOf: "2026-11-19", Strategies: []events.StrategySignal{}}
	for n := 0; n < size; n += 40 {
		sig.Allocations = append(sig.Allocations, events.Allocation{Symbol: "SYMBOLXYZ", Weight: decimal.RequireFromString("0.0001")})
	}
	return sig
}

func TestBatchesStayUnderTheCallSizeLimit(t *testing.T) {
	c := &scripted{}
	evs := []events.Event{signalOf(t, 100_000), signalOf(t, 100_000), signalOf(t, 100_000)}
	if err := New(c, "bus", "alchemiser.test").Publish(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	if got := lens(c.calls); len(got) != 2 || got[0] != 2 || got[1] != 1 {
		t.Fatalf("calls of %v entries, want [2 1] (three 100 KB entries cannot share one 256 KB call)", got)
	}
	for _, call := range c.calls {
		total := 0
		for _, e := range call {
			total += putevents.EntrySize(e)
		}
		if total >= putevents.MaxEntrySize {
			t.Errorf("a call of %d bytes", total)
		}
	}
}

func TestOversizeDetailGoesToTheClaimStore(t *testing.T) {
	c := &scripted{}
	store := bus.DirClaims{Dir: t.TempDir()}
	sig := signalOf(t, 300_000)
	obs := &observed{}
	if err := New(c, "bus", "alchemiser.strategy", WithClaimCheck(store), WithObserver(obs)).Publish(context.Background(), sig); err != nil {
		t.Fatal(err)
	}
	if len(obs.claims) != 1 || obs.claims[0] != "SignalGenerated" {
		t.Errorf("observed claim checks %v", obs.claims)
	}
	sent := c.calls[0][0]
	if putevents.EntrySize(sent) >= 4096 || !strings.Contains(aws.ToString(sent.Detail), `"claim_check"`) ||
		!strings.Contains(aws.ToString(sent.Detail), sig.EventID) {
		t.Fatalf("entry of %d bytes: %.300s", putevents.EntrySize(sent), aws.ToString(sent.Detail))
	}
	env := `{"version":"0","id":"x","detail-type":"SignalGenerated","source":"alchemiser.strategy","account":"0","time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],"detail":` + aws.ToString(sent.Detail) + `}`
	resolved, err := bus.ResolveClaimCheck(context.Background(), store, []byte(env))
	if err != nil {
		t.Fatal(err)
	}
	_, back, err := events.Decode(resolved)
	if err != nil {
		t.Fatalf("the resolved event does not decode: %v", err)
	}
	if got := back.(*events.SignalGenerated); len(got.Allocations) != len(sig.Allocations) {
		t.Errorf("%d allocations after the round trip, want %d", len(got.Allocations), len(sig.Allocations))
	}
	// A stored detail that changed is refused, permanently.
	files, _ := filepath.Glob(filepath.Join(store.Dir, "claim-checks", "SignalGenerated", "*.json"))
	if len(files) != 1 {
		t.Fatalf("claim files %v", files)
	}
	_ = os.WriteFile(files[0], []byte(`{"tampered":true}`), 0o644)
	_, err = bus.ResolveClaimCheck(context.Background(), store, []byte(env))
	var cerr *bus.ClaimCheckError
	if !errors.As(err, &cerr) || !events.Permanent(err) {
		t.Fatalf("error %v, want a permanent ClaimCheckError", err)
	}
}

func TestOversizeWithoutAClaimStoreIsAnError(t *testing.T) {
	err := New(&scripted{}, "bus", "alchemiser.strategy").Publish(context.Background(), signalOf(t, 300_000))
	if err == nil || !strings.Contains(err.Error(), "over PutEvents' 256 KB entry limit") {
		t.Fatalf("error %v", err)
	}
}

func lens(calls [][]types.PutEventsRequestEntry) []int {
	out := make([]int, len(calls))
	for i, c := range calls {
		out[i] = len(c)
	}
	return out
}

type observed struct{ retries, claims []string }

func (o *observed) PublishRetried(_ context.Context, eventType, code string) {
	o.retries = append(o.retries, eventType+"/"+code)
}
func (o *observed) ClaimChecked(_ context.Context, eventType string, _ int) {
	o.claims = append(o.claims, eventType)
}
