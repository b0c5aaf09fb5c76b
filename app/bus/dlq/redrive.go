package dlq

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
)

// Message is a dead-lettered message as a Queue hands it out.
type Message struct {
	ID      string // the queue's message id
	Body    string // an EventBridge event, or Lambda's invocation record
	Receipt string // what Delete needs: SQS's receipt handle
}

// Queue is the dead-letter queue a redrive drains. It is used from one
// goroutine; ctx bounds each call.
type Queue interface {
	// Receive returns up to max (at most 10) messages, and hides those
	// it returns from later calls while the redrive runs (SQS: the
	// visibility timeout). No message means the queue is drained.
	Receive(ctx context.Context, max int) ([]Message, error)
	// Delete removes a message whose event is back on the bus.
	Delete(ctx context.Context, m Message) error
}

// Bus puts events on an event bus: EventBridge's client, or the local
// stack's emulator.
type Bus interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// Outcome is what became of one message: redriven and deleted when Err
// is nil, left in the queue otherwise.
type Outcome struct {
	Message Message
	Err     error
}

// Summary counts a redrive's messages.
type Summary struct {
	Redriven, Failed int
}

// Redrive drains q onto the bus busName of b (see the package comment).
// It returns an error only when q cannot be read; the messages handled
// until then are in the summary.
func Redrive(ctx context.Context, q Queue, b Bus, busName string, opts ...Option) (Summary, error) {
	cfg := newConfig(opts)
	var sum Summary
	seen := map[string]bool{}
	for sum.Redriven+sum.Failed < cfg.max {
		batch, err := q.Receive(ctx, min(10, cfg.max-sum.Redriven-sum.Failed))
		if err != nil {
			return sum, fmt.Errorf("could not receive dead letters: %w", err)
		}
		fresh := 0
		for _, m := range batch {
			if seen[m.ID] || sum.Redriven+sum.Failed == cfg.max {
				continue
			}
			seen[m.ID], fresh = true, fresh+1
			err := redriveOne(ctx, q, b, busName, m)
			if err != nil {
				sum.Failed++
			} else {
				sum.Redriven++
			}
			cfg.report(Outcome{Message: m, Err: err})
		}
		if fresh == 0 {
			break
		}
	}
	return sum, nil
}

// redriveOne puts m's event back on the bus, then deletes m.
func redriveOne(ctx context.Context, q Queue, b Bus, busName string, m Message) error {
	source, detailType, detail, err := bus.DeadLettered(m.Body)
	if err != nil {
		return err
	}
	// Marked, so that its consumer starts a new trace linked to the
	// original instead of continuing one that may be days old. A detail
	// without metadata goes back as it is (its consumer refuses it).
	if marked, ok := events.MarkRedriven([]byte(detail), m.ID); ok {
		detail = string(marked)
	}
	out, err := b.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		EventBusName: aws.String(busName), Source: aws.String(source), DetailType: aws.String(detailType), Detail: aws.String(detail)}}})
	if err != nil {
		return fmt.Errorf("PutEvents: %w", err)
	}
	if out.FailedEntryCount > 0 {
		msg := "the entry failed"
		if len(out.Entries) > 0 {
			msg = aws.ToString(out.Entries[0].ErrorMessage)
		}
		return fmt.Errorf("PutEvents: %s", msg)
	}
	return q.Delete(ctx, m)
}
