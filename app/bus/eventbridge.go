package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/internal/wait"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel/attribute"
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

// EventBridge publishes to an EventBridge bus with PutEvents: calls of at
// most ten entries and under 256 KB; entries that fail with a retryable
// code (throttling, internal failure) are retried alone, with exponential
// backoff and full jitter, within the context's deadline; a detail too
// large for an entry is moved to a ClaimStore and the event carries a
// pointer (claim check) that ResolveClaimCheck follows on the consumer
// side.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
type EventBridge struct {
	client   PutEventsAPI
	bus      string
	source   string
	claims   ClaimStore
	observer Observer
	attempts int
	base     time.Duration
	cap      time.Duration
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	rand *rand.Rand
}

var _ Publisher = (*EventBridge)(nil)

// Option configures NewEventBridge.
type Option func(*EventBridge)

// Observer hears what the publisher does beyond publishing: entries it
// retries and details it moves to a claim check.
type Observer interface {
	PublishRetried(ctx context.Context, eventType, code string)
	ClaimChecked(ctx context.Context, eventType string, bytes int)
}

// WithObserver reports retries and claim checks to o.
func WithObserver(o Observer) Option { return func(p *EventBridge) { p.observer = o } }

// WithClaimCheck stores oversize details in store instead of failing them.
func WithClaimCheck(store ClaimStore) Option { return func(p *EventBridge) { p.claims = store } }

// WithRetry sets how often a failed entry is tried (attempts, at least 1)
// and the backoff's base and cap. Defaults: 5, 50 ms, 2 s.
func WithRetry(attempts int, base, cap time.Duration) Option {
	return func(p *EventBridge) { p.attempts, p.base, p.cap = max(attempts, 1), base, cap }
}

// withSleep replaces the backoff's sleep (tests).
func withSleep(f func(context.Context, time.Duration) error) Option {
	return func(p *EventBridge) { p.sleep = f }
}

// NewEventBridge returns a publisher to the bus named busName that stamps
// every event with source.
func NewEventBridge(client PutEventsAPI, busName, source string, opts ...Option) *EventBridge {
	p := &EventBridge{client: client, bus: busName, source: source, attempts: 5, base: 50 * time.Millisecond,
		cap: 2 * time.Second, sleep: wait.Sleep, rand: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	for _, o := range opts {
		o(p)
	}
	return p
}

// ErrPartialFailure means EventBridge did not accept some events.
var ErrPartialFailure = errors.New("some events were not accepted")

// PublishError lists the events EventBridge did not accept, after retries.
type PublishError struct {
	Failed []FailedEvent
	Total  int
}

// FailedEvent is one event EventBridge did not accept.
type FailedEvent struct {
	EventID, EventType, Code, Message string
}

func (e *PublishError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, f := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s %s: %s: %s", f.EventType, f.EventID, f.Code, f.Message))
	}
	return fmt.Sprintf("%v: %d of %d: %s", ErrPartialFailure, len(e.Failed), e.Total, strings.Join(parts, "; "))
}

func (e *PublishError) Unwrap() error { return ErrPartialFailure }

// Retryable is false only when every failure is one no retry can fix.
func (e *PublishError) Retryable() bool {
	for _, f := range e.Failed {
		if retryableCode(f.Code) {
			return true
		}
	}
	return false
}

// Has reports whether the event with id eventID was not accepted.
func (e *PublishError) Has(eventID string) bool {
	for _, f := range e.Failed {
		if f.EventID == eventID {
			return true
		}
	}
	return false
}

// retryableCode is a PutEvents entry error a later attempt may not get.
func retryableCode(code string) bool {
	switch code {
	case "ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable", "RequestTimeout":
		return true
	}
	return false
}

// entry is one event on its way to PutEvents.
type entry struct {
	ev   events.Event
	req  types.PutEventsRequestEntry
	size int
	span trace.Span
	err  *FailedEvent
}

// Publish sends evs. It returns a *PublishError naming the events that
// were not accepted; the others were.
func (p *EventBridge) Publish(ctx context.Context, evs ...events.Event) error {
	entries := make([]*entry, 0, len(evs))
	defer func() {
		for _, e := range entries {
			if e.err != nil {
				e.span.SetStatus(codes.Error, e.err.Code+": "+e.err.Message)
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
	perr := &PublishError{Total: len(entries)}
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

func (p *EventBridge) entry(ctx context.Context, ev events.Event) (*entry, error) {
	sctx, span := StartPublish(ctx, p.source, ev)
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
	e.size = EntrySize(e.req)
	if e.size >= MaxEntrySize {
		if err := p.claimCheck(ctx, e, detail); err != nil {
			span.End()
			return nil, err
		}
	}
	return e, nil
}

// claimCheck moves an oversize detail to the claim store and leaves the
// event's metadata and a pointer in the entry.
func (p *EventBridge) claimCheck(ctx context.Context, e *entry, detail []byte) error {
	m := e.ev.Meta()
	if p.claims == nil {
		return fmt.Errorf("%s %s is %d bytes, over PutEvents' 256 KB entry limit, and no claim-check store is configured",
			e.ev.EventType(), m.EventID, e.size)
	}
	key := fmt.Sprintf("claim-checks/%s/%s.json", e.ev.EventType(), m.EventID)
	uri, err := p.claims.Put(ctx, key, detail)
	if err != nil {
		return fmt.Errorf("could not store the claim check of %s %s: %w", e.ev.EventType(), m.EventID, err)
	}
	sum := sha256.Sum256(detail)
	small, err := json.Marshal(claimChecked{Metadata: *m, ClaimCheck: &ClaimCheck{URI: uri, Bytes: len(detail), SHA256: hex.EncodeToString(sum[:])}})
	if err != nil {
		return err
	}
	e.req.Detail = aws.String(string(small))
	e.size = EntrySize(e.req)
	e.span.SetAttributes(attribute.String("alchemiser.claim_check", uri))
	if p.observer != nil {
		p.observer.ClaimChecked(ctx, e.ev.EventType(), len(detail))
	}
	return nil
}

// batches groups entries into PutEvents calls: at most ten entries, and
// under 256 KB in all.
func batches(entries []*entry) [][]*entry {
	var out [][]*entry
	var cur []*entry
	size := 0
	for _, e := range entries {
		if len(cur) == maxEntries || len(cur) > 0 && size+e.size >= MaxEntrySize {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, e)
		size += e.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// send puts a batch, retrying what failed for a reason that may pass.
func (p *EventBridge) send(ctx context.Context, batch []*entry) {
	pending := batch
	for attempt := 1; ; attempt++ {
		pending = p.call(ctx, pending)
		if len(pending) == 0 || attempt == p.attempts {
			return
		}
		for _, e := range pending {
			if p.observer != nil {
				p.observer.PublishRetried(ctx, e.ev.EventType(), e.err.Code)
			}
			e.span.AddEvent("retry", trace.WithAttributes(attribute.String("error_code", e.err.Code), attribute.Int("attempt", attempt)))
		}
		if err := p.sleep(ctx, p.backoff(attempt)); err != nil {
			return // the deadline: what is pending keeps its last error
		}
	}
}

// call makes one PutEvents call and returns the entries worth retrying.
func (p *EventBridge) call(ctx context.Context, batch []*entry) []*entry {
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
			e.err = &FailedEvent{EventID: e.ev.Meta().EventID, EventType: e.ev.EventType(), Code: code, Message: err.Error()}
		}
		if retryableCode(code) { // the SDK's retryer has already retried transport errors
			return batch
		}
		return nil
	}
	var retry []*entry
	for i, e := range batch {
		if i >= len(out.Entries) || out.Entries[i].ErrorCode == nil {
			e.err = nil
			continue
		}
		r := out.Entries[i]
		e.err = &FailedEvent{EventID: e.ev.Meta().EventID, EventType: e.ev.EventType(),
			Code: aws.ToString(r.ErrorCode), Message: aws.ToString(r.ErrorMessage)}
		if retryableCode(e.err.Code) {
			retry = append(retry, e)
		}
	}
	return retry
}

// backoff is full jitter: a random wait up to base * 2^(attempt-1), capped.
func (p *EventBridge) backoff(attempt int) time.Duration {
	d := min(p.base<<min(attempt-1, 16), p.cap)
	p.mu.Lock()
	defer p.mu.Unlock()
	return time.Duration(p.rand.Int64N(int64(d) + 1))
}

// MaxEntrySize is PutEvents' limit on an entry, and on a call.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
const MaxEntrySize = 256 * 1024

// EntrySize is an entry's size by AWS's rule: 14 bytes for Time if set,
// plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
// TraceHeader does not count.
func EntrySize(e types.PutEventsRequestEntry) int {
	n := len(aws.ToString(e.Source)) + len(aws.ToString(e.DetailType)) + len(aws.ToString(e.Detail))
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}
