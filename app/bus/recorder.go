package bus

import (
	"context"
	"sync"

	"github.com/alchemiser/alchemiser/app/events"
)

// Recorder is an in-memory Publisher for tests: it keeps every event.
// Err, when set, is returned by Publish and nothing is recorded.
type Recorder struct {
	mu     sync.Mutex
	events []events.Event
	Err    error
}

var _ Publisher = (*Recorder)(nil)

// Publish records evs.
func (r *Recorder) Publish(_ context.Context, evs ...events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	r.events = append(r.events, evs...)
	return nil
}

// Events returns a copy of what was published, in order.
func (r *Recorder) Events() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.events...)
}

// OfType returns the published events named t.
func (r *Recorder) OfType(t string) []events.Event {
	var out []events.Event
	for _, ev := range r.Events() {
		if ev.EventType() == t {
			out = append(out, ev)
		}
	}
	return out
}
