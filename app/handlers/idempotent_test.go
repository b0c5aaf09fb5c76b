package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

// delivery is an EventBridge envelope of the event "E1".
var delivery = json.RawMessage(`{"detail-type":"SignalGenerated","detail":{"metadata":{"event_id":"E1"}}}`)

// guarded is Idempotent over a memory store on the bubble's clock, with
// lease (0: none), logging to the returned buffer.
func guarded(lease time.Duration, h Func) (Func, *bytes.Buffer) {
	var logs bytes.Buffer
	g := idempotency.New(idempotency.NewMemoryStore(), idempotency.Config{Lease: lease, Now: time.Now})
	d := Deps{Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	return Idempotent(g, "portfolio", d, h), &logs
}

// blocking is a handler that signals entered and then waits for release
// (or its context), counting its runs.
func blocking(runs *atomic.Int32, entered chan<- struct{}, release <-chan struct{}) Func {
	return func(ctx context.Context, _ json.RawMessage) error {
		if runs.Add(1) > 1 {
			return nil // a later run (the retry) completes at once
		}
		entered <- struct{}{}
		select {
		case <-release:
			return errors.New("the first delivery's process is gone")
		case <-ctx.Done():
			<-release // a dead process neither completes nor releases
			return ctx.Err()
		}
	}
}

// A delivery that meets its first copy running succeeds without running:
// the first copy's invocation owns the event. It is logged at INFO as a
// skipped duplicate, never as an error.
func TestADuplicateMeetingARunningDeliverySucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var runs atomic.Int32
		entered, release := make(chan struct{}), make(chan struct{})
		h, logs := guarded(IdempotencyLease, blocking(&runs, entered, release))
		done := make(chan error)
		go func() { done <- h(context.Background(), delivery) }()
		<-entered
		if err := h(context.Background(), delivery); err != nil {
			t.Fatalf("duplicate: %v, want success", err)
		}
		close(release)
		<-done
		if runs.Load() != 1 {
			t.Errorf("the handler ran %d times, want once", runs.Load())
		}
		if !strings.Contains(logs.String(), `"msg":"duplicate delivery skipped"`) || !strings.Contains(logs.String(), `"first_delivery":"in progress"`) {
			t.Errorf("logs %s, want the duplicate logged as skipped", logs.String())
		}
		if strings.Contains(logs.String(), `"level":"ERROR"`) {
			t.Errorf("logs %s, want no ERROR", logs.String())
		}
	})
}

// The path that makes the duplicate's success safe: the first copy's
// process dies mid-run (no completion, no release, no more renewals), a
// duplicate meanwhile succeeds without running, and Lambda's retry of the
// first copy a minute later finds the lease lapsed and does the work.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
func TestTheRetryOfACrashedFirstDeliveryDoesTheWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var runs atomic.Int32
		entered, release := make(chan struct{}), make(chan struct{})
		h, _ := guarded(IdempotencyLease, blocking(&runs, entered, release))
		ctx, crash := context.WithCancel(context.Background())
		go func() { _ = h(ctx, delivery) }()
		<-entered
		time.Sleep(IdempotencyLease / 2) // renewed at least once
		crash()                          // the process dies: its runtime stops renewing
		if err := h(context.Background(), delivery); err != nil || runs.Load() != 1 {
			t.Fatalf("duplicate during the dead lease: %v, %d runs; want success without a run", err, runs.Load())
		}
		time.Sleep(time.Minute) // Lambda's first retry wait
		if err := h(context.Background(), delivery); err != nil || runs.Load() != 2 {
			t.Fatalf("retry: %v, %d runs; want the work done by the retry", err, runs.Load())
		}
		if err := h(context.Background(), delivery); err != nil || runs.Load() != 2 {
			t.Fatalf("later duplicate: %v, %d runs; want a replay", err, runs.Load())
		}
		close(release)
		synctest.Wait()
	})
}

// Without a lease (Powertools' rule) a crashed holder's record lasts until
// its deadline, and a retry that met it and succeeded would lose the
// event: the delivery fails with a retryable error instead.
func TestWithoutALeaseADuplicateMeetingARunningDeliveryFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var runs atomic.Int32
		entered, release := make(chan struct{}), make(chan struct{})
		h, _ := guarded(0, blocking(&runs, entered, release))
		go func() { _ = h(context.Background(), delivery) }()
		<-entered
		if err := h(context.Background(), delivery); !errors.Is(err, idempotency.ErrInProgress) || !idempotency.IsRetryable(err) {
			t.Fatalf("duplicate: %v, want a retryable ErrInProgress", err)
		}
		close(release)
		synctest.Wait()
	})
}

// A redrive of an event that was in fact handled is a duplicate: the
// guard hashes the detail without the redrive's mark, so it is the same
// payload, skipped, not a payload mismatch.
func TestARedrivenEventThatWasHandledIsADuplicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var runs atomic.Int32
		h, logs := guarded(IdempotencyLease, func(context.Context, json.RawMessage) error { runs.Add(1); return nil })
		if err := h(context.Background(), delivery); err != nil {
			t.Fatal(err)
		}
		var env struct {
			DetailType string          `json:"detail-type"`
			Detail     json.RawMessage `json:"detail"`
		}
		_ = json.Unmarshal(delivery, &env)
		marked, ok := events.MarkRedriven(env.Detail, "dlq-message-1")
		if !ok {
			t.Fatal("not marked")
		}
		env.Detail = marked
		redriven, _ := json.Marshal(env)
		if err := h(context.Background(), redriven); err != nil {
			t.Fatalf("the redrive: %v, want a skipped duplicate", err)
		}
		if runs.Load() != 1 || !strings.Contains(logs.String(), `"first_delivery":"completed"`) {
			t.Errorf("ran %d times; logs %s", runs.Load(), logs.String())
		}
	})
}
