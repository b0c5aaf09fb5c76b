package chaos

import (
	"context"
	"errors"
	"fmt"

	"github.com/alchemiser/alchemiser/app/bus/dlq"
	"github.com/alchemiser/alchemiser/emulator"
)

// localQueue is one of the local stack's queues as a redrive drains it:
// each Receive hands out messages it has not handed out before (SQS's
// visibility timeout outlasts a redrive of the local stack).
type localQueue struct {
	queues *emulator.Queues
	id     string
	out    map[string]bool
}

var _ dlq.Queue = (*localQueue)(nil)

// Receive implements dlq.Queue.
func (q *localQueue) Receive(_ context.Context, max int) ([]dlq.Message, error) {
	var batch []dlq.Message
	for _, m := range q.queues.Messages(q.id) {
		if len(batch) == max {
			break
		}
		if !q.out[m.ID] {
			q.out[m.ID] = true
			batch = append(batch, dlq.Message{ID: m.ID, Body: m.Body, Receipt: m.ID})
		}
	}
	return batch, nil
}

// Delete implements dlq.Queue.
func (q *localQueue) Delete(_ context.Context, m dlq.Message) error {
	if !q.queues.Delete(q.id, m.Receipt) {
		return fmt.Errorf("could not delete message %s: not in queue %s", m.ID, q.id)
	}
	return nil
}

// redriveQueues drains the queues ids onto the bus busName of b, one
// queue after the other; it fails when a message could not be redriven.
func redriveQueues(ctx context.Context, queues *emulator.Queues, ids []string, b dlq.Bus, busName string) error {
	var errs []error
	for _, id := range ids {
		q := &localQueue{queues: queues, id: id, out: map[string]bool{}}
		_, err := dlq.Redrive(ctx, q, b, busName, dlq.WithReport(func(o dlq.Outcome) {
			if o.Err != nil {
				errs = append(errs, fmt.Errorf("could not redrive %s of %s: %w", o.Message.ID, id, o.Err))
			}
		}))
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
