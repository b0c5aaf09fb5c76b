package eventbridge

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/internal/retry"
	"github.com/alchemiser/alchemiser/internal/putevents"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// PutEventsAPI is the part of the EventBridge client the publisher uses.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

var _ PutEventsAPI = (*eventbridge.Client)(nil)

// Publisher publishes to an EventBridge bus with PutEvents; see the
// package documentation.
type Publisher struct {
	client   PutEventsAPI
	bus      string
	source   string
	claims   bus.ClaimStore
	observer Observer
	retry    retry.Policy
}

var _ bus.Publisher = (*Publisher)(nil)

// New returns a publisher to the bus named busName that stamps every
// event with source.
func New(client PutEventsAPI, busName, source string, opts ...Option) *Publisher {
	p := &Publisher{client: client, bus: busName, source: source, retry: defaultRetry()}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Publish sends evs. It returns a *bus.PublishError naming the events
// that were not accepted; the others were.
func (p *Publisher) Publish(ctx context.Context, evs ...events.Event) error {
	entries := make([]*entry, 0, len(evs))
	defer func() {
		for _, e := range entries {
			if e.err != nil {
				// error.type is PutEvents' error code, as the
				// conventions prefer a code when there is one.
				e.span.SetStatus(codes.Error, e.err.Code+": "+e.err.Message)
				e.span.SetAttributes(semconv.ErrorTypeKey.String(cmp.Or(e.err.Code, "_OTHER")))
			}
			e.span.End()
		}
	}()
	for _, ev := range evs {
		e, err := p.entry(ctx, ev)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	for _, batch := range batches(entries) {
		p.send(ctx, batch)
	}
	perr := &bus.PublishError{Total: len(entries)}
	for _, e := range entries {
		if e.err != nil {
			perr.Failed = append(perr.Failed, *e.err)
		}
	}
	if len(perr.Failed) > 0 {
		return perr
	}
	return nil
}

func (p *Publisher) entry(ctx context.Context, ev events.Event) (*entry, error) {
	sctx, span := bus.StartPublish(ctx, p.bus, ev)
	detail, err := json.Marshal(ev)
	if err != nil {
		span.End()
		return nil, fmt.Errorf("could not encode %s: %w", ev.EventType(), err)
	}
	e := &entry{ev: ev, span: span, req: types.PutEventsRequestEntry{
		EventBusName: aws.String(p.bus), Source: aws.String(p.source), DetailType: aws.String(ev.EventType()),
		Detail: aws.String(string(detail)), Time: aws.Time(ev.Meta().OccurredAt),
	}}
	if h := xrayHeader(trace.SpanContextFromContext(sctx)); h != "" {
		e.req.TraceHeader = aws.String(h)
	}
	e.size = putevents.EntrySize(e.req)
	if e.size >= putevents.MaxEntrySize {
		if err := p.claimCheck(ctx, e, detail); err != nil {
			span.End()
			return nil, err
		}
	}
	return e, nil
}

// claimCheck moves an oversize detail to the claim store and leaves the
// event's metadata and a pointer in the entry.
func (p *Publisher) claimCheck(ctx context.Context, e *entry, detail []byte) error {
	if p.claims == nil {
		return fmt.Errorf("%s %s is %d bytes, over PutEvents' 256 KB entry limit, and no claim-check store is configured",
			e.ev.EventType(), e.ev.Meta().EventID, e.size)
	}
	pointer, uri, err := bus.PutClaimCheck(ctx, p.claims, e.ev, detail)
	if err != nil {
		return err
	}
	e.req.Detail = aws.String(string(pointer))
	e.size = putevents.EntrySize(e.req)
	e.span.SetAttributes(attribute.String("alchemiser.claim_check", uri))
	if p.observer != nil {
		p.observer.ClaimChecked(ctx, e.ev.EventType(), len(detail))
	}
	return nil
}

// errUnaccepted is an attempt after which some entries are worth retrying.
var errUnaccepted = errors.New("entries were not accepted")

// send puts a batch, retrying alone the entries that failed for a reason
// that may pass. When the retries or the context run out, what is still
// pending keeps its last error.
func (p *Publisher) send(ctx context.Context, batch []*entry) {
	pending := batch
	policy := p.retry
	policy.Notify = func(_ error, attempt int, _ time.Duration) {
		for _, e := range pending {
			if p.observer != nil {
				p.observer.PublishRetried(ctx, e.ev.EventType(), e.err.Code)
			}
			e.span.AddEvent("retry", trace.WithAttributes(attribute.String("error_code", e.err.Code), attribute.Int("attempt", attempt)))
		}
	}
	_, _ = retry.Do(ctx, policy, func(int) error {
		if pending = p.call(ctx, pending); len(pending) > 0 {
			return errUnaccepted
		}
		return nil
	})
}

// call makes one PutEvents call and returns the entries worth retrying.
func (p *Publisher) call(ctx context.Context, batch []*entry) []*entry {
	in := &eventbridge.PutEventsInput{Entries: make([]types.PutEventsRequestEntry, len(batch))}
	for i, e := range batch {
		in.Entries[i] = e.req
	}
	out, err := p.client.PutEvents(ctx, in)
	if err != nil {
		code := "RequestFailed"
		var api smithy.APIError
		if errors.As(err, &api) {
			code = api.ErrorCode()
		}
		for _, e := range batch {
			e.err = failed(e, code, err.Error())
		}
		if retryableCode(code) { // the SDK's retryer has already retried transport errors
			return batch
		}
		return nil
	}
	var again []*entry
	for i, e := range batch {
		if i >= len(out.Entries) || out.Entries[i].ErrorCode == nil {
			e.err = nil
			continue
		}
		r := out.Entries[i]
		if e.err = failed(e, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage)); e.err.Retryable {
			again = append(again, e)
		}
	}
	return again
}

func failed(e *entry, code, msg string) *bus.FailedEvent {
	return &bus.FailedEvent{EventID: e.ev.Meta().EventID, EventType: e.ev.EventType(), Code: code, Message: msg,
		Retryable: retryableCode(code)}
}
