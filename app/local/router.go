package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
)

// Handler is a function's handler: the raw EventBridge event in.
type Handler func(ctx context.Context, raw json.RawMessage) error

// Target is a function subscribed to an event type.
type Target struct {
	Function string
	Handle   Handler
	Timeout  time.Duration // per invocation; 30 s when zero
}

// Router is the in-process stand-in for EventBridge and Lambda's
// asynchronous invocation until the template-driven emulator replaces it:
// each published event becomes a real EventBridge envelope, delivered as
// JSON to every function subscribed to its detail-type, each delivery on
// its own goroutine as an asynchronous invocation would be.
//
// A failed invocation is retried MaxRetries times (Lambda's default for
// asynchronous invocation is 2), then written to the dead-letter queue.
// A permanent error (events.Permanent) skips the retries: retrying an
// undecodable event cannot help. An event nobody consumes is kept as
// unrouted, never dropped silently.
type Router struct {
	Account, Region string
	MaxRetries      int
	RetryDelay      func(attempt int) time.Duration
	DLQ             *DLQ
	Log             *slog.Logger

	mu       sync.Mutex
	routes   map[string][]Target
	taps     []func(events.Envelope)
	unrouted []events.Envelope
	inflight sync.WaitGroup
	base     context.Context
}

// NewRouter returns a router whose invocations run under ctx.
func NewRouter(ctx context.Context, dlq *DLQ) *Router {
	return &Router{
		Account: "000000000000", Region: "us-east-1", MaxRetries: 2,
		RetryDelay: func(int) time.Duration { return 0 },
		DLQ:        dlq, Log: slog.New(slog.DiscardHandler),
		routes: map[string][]Target{}, base: ctx,
	}
}

// Subscribe delivers events named detailType to t.
func (r *Router) Subscribe(detailType string, t Target) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes[detailType] = append(r.routes[detailType], t)
}

// Tap calls f with every envelope put on the bus, before delivery.
func (r *Router) Tap(f func(events.Envelope)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.taps = append(r.taps, f)
}

// Publisher returns a bus.Publisher stamping events with source.
func (r *Router) Publisher(source string) bus.Publisher {
	return publisher{r: r, source: source}
}

// Wait blocks until no delivery is in flight, including deliveries caused
// by deliveries.
func (r *Router) Wait() { r.inflight.Wait() }

// Unrouted returns the events no function consumes.
func (r *Router) Unrouted() []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Envelope(nil), r.unrouted...)
}

type publisher struct {
	r      *Router
	source string
}

func (p publisher) Publish(ctx context.Context, evs ...events.Event) error {
	envs := make([]events.Envelope, 0, len(evs))
	for _, ev := range evs {
		_, span := bus.StartPublish(ctx, p.source, ev)
		env, err := events.Wrap(ev, p.source, p.r.Account, p.r.Region)
		span.End()
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	for _, env := range envs {
		p.r.Put(env)
	}
	return nil
}

// Put routes env to its subscribers.
func (r *Router) Put(env events.Envelope) {
	r.mu.Lock()
	targets := slices.Clone(r.routes[env.DetailType])
	taps := slices.Clone(r.taps)
	if len(targets) == 0 {
		r.unrouted = append(r.unrouted, env)
	}
	r.mu.Unlock()
	for _, tap := range taps {
		tap(env)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		r.Log.Error("could not encode envelope", "event_id", env.ID, "error", err.Error())
		return
	}
	for _, t := range targets {
		r.inflight.Add(1)
		go r.deliver(t, env, raw)
	}
}

func (r *Router) deliver(t Target, env events.Envelope, raw []byte) {
	defer r.inflight.Done()
	var err error
	attempt := 0
	for ; attempt <= r.MaxRetries; attempt++ {
		if attempt > 0 {
			time.Sleep(r.RetryDelay(attempt))
		}
		if err = r.invoke(t, raw); err == nil || events.Permanent(err) {
			break
		}
	}
	if err == nil {
		return
	}
	r.Log.Warn("invocation dead-lettered", "function", t.Function, "event_id", env.ID,
		"detail_type", env.DetailType, "attempts", min(attempt+1, r.MaxRetries+1), "error", err.Error())
	r.DLQ.Add(Dead{Function: t.Function, Attempts: min(attempt+1, r.MaxRetries+1), Error: err.Error(),
		Permanent: events.Permanent(err), Envelope: env})
}

// invoke runs one invocation with its timeout, turning a panic into an
// error as the Lambda runtime would report a crashed invocation.
func (r *Router) invoke(t Target, raw []byte) (err error) {
	timeout := t.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.base, timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s panicked: %v", t.Function, p)
		}
	}()
	err = t.Handle(ctx, raw)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && err == nil {
		err = fmt.Errorf("%s: task timed out after %s", t.Function, timeout)
	}
	return err
}
