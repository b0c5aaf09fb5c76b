package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// maxEntries is the PutEvents limit on entries per call.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
const maxEntries = 10

// PutEventsAPI is the part of the EventBridge client the publisher uses.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBridge publishes to an EventBridge bus.
type EventBridge struct {
	client PutEventsAPI
	bus    string
	source string
}

var _ Publisher = (*EventBridge)(nil)

// NewEventBridge returns a publisher to the bus named busName that stamps
// every event with source.
func NewEventBridge(client PutEventsAPI, busName, source string) *EventBridge {
	return &EventBridge{client: client, bus: busName, source: source}
}

// ErrPartialFailure means EventBridge rejected some entries of a call.
var ErrPartialFailure = errors.New("some events were not accepted")

// Publish sends evs in calls of at most ten entries.
func (p *EventBridge) Publish(ctx context.Context, evs ...events.Event) error {
	for start := 0; start < len(evs); start += maxEntries {
		batch := evs[start:min(start+maxEntries, len(evs))]
		if err := p.put(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

func (p *EventBridge) put(ctx context.Context, batch []events.Event) (err error) {
	entries := make([]types.PutEventsRequestEntry, len(batch))
	spans := make([]trace.Span, len(batch))
	defer func() {
		for _, s := range spans {
			if s == nil {
				continue
			}
			if err != nil {
				s.RecordError(err)
				s.SetStatus(codes.Error, err.Error())
			}
			s.End()
		}
	}()
	for i, ev := range batch {
		var sctx context.Context
		sctx, spans[i] = StartPublish(ctx, p.source, ev)
		detail, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("could not encode %s: %w", ev.EventType(), err)
		}
		entries[i] = types.PutEventsRequestEntry{
			EventBusName: aws.String(p.bus),
			Source:       aws.String(p.source),
			DetailType:   aws.String(ev.EventType()),
			Detail:       aws.String(string(detail)),
			Time:         aws.Time(ev.Meta().OccurredAt),
		}
		if h := xrayHeader(trace.SpanContextFromContext(sctx)); h != "" {
			entries[i].TraceHeader = aws.String(h)
		}
	}
	out, err := p.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return fmt.Errorf("could not put %d events: %w", len(entries), err)
	}
	if out.FailedEntryCount == 0 {
		return nil
	}
	var errs []error
	for i, r := range out.Entries {
		if r.ErrorCode != nil {
			errs = append(errs, fmt.Errorf("%s %s: %s: %s", batch[i].EventType(), batch[i].Meta().EventID,
				aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage)))
		}
	}
	return fmt.Errorf("%w: %d of %d: %w", ErrPartialFailure, out.FailedEntryCount, len(entries), errors.Join(errs...))
}
