package bus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
)

// started returns n WorkflowStarted events.
func started(n int) []events.Event {
	ids := events.NewIDs(time.Now, strings.NewReader(strings.Repeat("x", 4096)))
	out := make([]events.Event, n)
	for i := range out {
		out[i] = &events.WorkflowStarted{Metadata: events.Root(ids.New(), time.Now()), Trigger: "manual",
			Workflow: events.Workflow{TradingDate: "2026-11-20", StartedAt: time.Now()}}
	}
	return out
}

func TestRecorder(t *testing.T) {
	var r Recorder
	_ = r.Publish(context.Background(), started(2)...)
	if len(r.OfType(events.TypeWorkflowStarted)) != 2 || len(r.OfType(events.TypeWorkflowFailed)) != 0 {
		t.Errorf("recorded %v", r.Events())
	}
	r.Err = errors.New("down")
	if err := r.Publish(context.Background(), started(1)...); err == nil || len(r.Events()) != 2 {
		t.Errorf("Err not honoured")
	}
}
