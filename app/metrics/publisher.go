package metrics

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
)

// Publisher counts what a bus.Publisher publishes.
type Publisher struct {
	Next     bus.Publisher
	Recorder *Recorder
}

var _ bus.Publisher = Publisher{}

// Publish implements bus.Publisher.
func (p Publisher) Publish(ctx context.Context, evs ...events.Event) error {
	err := p.Next.Publish(ctx, evs...)
	var perr *bus.PublishError
	partial := errors.As(err, &perr)
	for _, ev := range evs {
		if err != nil && (!partial || perr.Has(ev.Meta().EventID)) {
			p.Recorder.PublishFailed(ctx, ev.EventType())
			continue
		}
		raw, _ := json.Marshal(ev)
		p.Recorder.Published(ctx, ev.EventType(), len(raw))
	}
	return err
}
