package bus

import (
	"context"

	"github.com/alchemiser/alchemiser/app/events"
)

// Publisher sends events to the bus. Publish returns nil only when every
// event was accepted, and a *PublishError naming the events that were not
// when only some were; it honours ctx's deadline. Safe for concurrent use.
type Publisher interface {
	Publish(ctx context.Context, evs ...events.Event) error
}
