package local

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
)

func startedEvent() *events.WorkflowStarted {
	now := time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)
	ids := events.DefaultIDs()
	return &events.WorkflowStarted{Metadata: events.Root(ids.New(), now), Trigger: "manual",
		Workflow: events.Workflow{TradingDate: "2026-11-20", StartedAt: now}}
}

func TestRouterDeliversEnvelopeToSubscriber(t *testing.T) {
	r := NewRouter(context.Background(), &DLQ{})
	got := make(chan events.Envelope, 1)
	r.Subscribe(events.TypeWorkflowStarted, Target{Function: "strategy", Handle: func(_ context.Context, raw json.RawMessage) error {
		env, _, err := events.Decode(raw)
		got <- env
		return err
	}})
	ev := startedEvent()
	if err := r.Publisher(events.Source("scheduler")).Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	r.Wait()
	env := <-got
	if env.Source != "alchemiser.scheduler" || env.DetailType != "WorkflowStarted" || env.Version != "0" || env.Account == "" {
		t.Errorf("envelope = %+v", env)
	}
}

func TestRouterRetriesThenDeadLetters(t *testing.T) {
	dlq := &DLQ{Path: filepath.Join(t.TempDir(), "dlq.jsonl")}
	r := NewRouter(context.Background(), dlq)
	var calls atomic.Int32
	r.Subscribe(events.TypeWorkflowStarted, Target{Function: "strategy", Handle: func(context.Context, json.RawMessage) error {
		calls.Add(1)
		return errors.New("broker unavailable")
	}})
	_ = r.Publisher("alchemiser.test").Publish(context.Background(), startedEvent())
	r.Wait()
	if n := calls.Load(); n != 3 {
		t.Errorf("invocations = %d, want 1 + 2 retries", n)
	}
	dead := dlq.Dead()
	if len(dead) != 1 || dead[0].Attempts != 3 || dead[0].Permanent || dead[0].Function != "strategy" {
		t.Fatalf("dead = %+v", dead)
	}
	if err := dlq.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestRouterDeadLettersPermanentErrorsWithoutRetry(t *testing.T) {
	dlq := &DLQ{}
	r := NewRouter(context.Background(), dlq)
	var calls atomic.Int32
	r.Subscribe(events.TypeWorkflowStarted, Target{Function: "strategy", Handle: func(_ context.Context, raw json.RawMessage) error {
		calls.Add(1)
		_, _, err := events.Decode([]byte(`{"version":"0"}`))
		return err
	}})
	_ = r.Publisher("alchemiser.test").Publish(context.Background(), startedEvent())
	r.Wait()
	if calls.Load() != 1 || len(dlq.Dead()) != 1 || !dlq.Dead()[0].Permanent {
		t.Errorf("calls %d dead %+v", calls.Load(), dlq.Dead())
	}
}

func TestRouterTurnsPanicIntoFailure(t *testing.T) {
	dlq := &DLQ{}
	r := NewRouter(context.Background(), dlq)
	r.Subscribe(events.TypeWorkflowStarted, Target{Function: "strategy", Handle: func(context.Context, json.RawMessage) error {
		panic("boom")
	}})
	_ = r.Publisher("alchemiser.test").Publish(context.Background(), startedEvent())
	r.Wait()
	if d := dlq.Dead(); len(d) != 1 || d[0].Error != "strategy panicked: boom" {
		t.Errorf("dead = %+v", d)
	}
}

func TestRouterKeepsUnroutedEvents(t *testing.T) {
	r := NewRouter(context.Background(), &DLQ{})
	_ = r.Publisher("alchemiser.test").Publish(context.Background(), startedEvent())
	r.Wait()
	if len(r.Unrouted()) != 1 {
		t.Errorf("unrouted = %v", r.Unrouted())
	}
}
