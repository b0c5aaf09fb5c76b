package loadtest

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestNoopCompletesAtOnce(t *testing.T) {
	n := NewNoop()
	id, err := n.Start(context.Background(), Arrival{Seq: 7})
	if err != nil || id != "noop-7" {
		t.Fatalf("Start: %q, %v", id, err)
	}
	if o := <-n.Ends(); o.CorrelationID != "noop-7" || o.Status != StatusCompleted || o.Ended.IsZero() {
		t.Errorf("end: %+v", o)
	}
	if stats, err := n.Close(context.Background()); err != nil || !reflect.DeepEqual(stats, TargetStats{}) || n.Name() != "noop" {
		t.Errorf("Close: %+v, %v", stats, err)
	}
}

// Start never waits for the reader, even when the buffer is full.
func TestNoopStartNeverBlocks(t *testing.T) {
	n := NewNoop()
	const starts = noopBuffer + 1000
	for i := range starts {
		if _, err := n.Start(context.Background(), Arrival{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for range starts {
		seen[(<-n.Ends()).CorrelationID] = true
	}
	if len(seen) != starts {
		t.Errorf("%d distinct ends of %d", len(seen), starts)
	}
}

func TestDelayedNoop(t *testing.T) {
	n := NewDelayedNoop(30 * time.Millisecond)
	before := time.Now()
	if _, err := n.Start(context.Background(), Arrival{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if o := <-n.Ends(); o.Ended.Sub(before) < 30*time.Millisecond {
		t.Errorf("ended %v after the start, before the delay", o.Ended.Sub(before))
	}
}
