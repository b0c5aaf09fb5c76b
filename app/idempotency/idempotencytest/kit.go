package idempotencytest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
)

// Clock is a controllable time source for idempotency.Config.Now, safe
// for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at a fixed instant (2027-01-15T08:00:00Z).
func NewClock() *Clock { return &Clock{t: time.Unix(1_800_000_000, 0)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock d forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Respond is a handler that returns resp.
func Respond(resp string) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) { return []byte(resp), nil }
}

// MustNotRun is a handler for calls that must replay or be refused: it
// fails t when it runs.
func MustNotRun(t *testing.T) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) {
		t.Error("the handler ran")
		return nil, nil
	}
}

// Holder is a record an invocation wrote and never completed (it crashed,
// or still runs): in progress until ipe from c's time, for the payload
// "p".
func Holder(key string, c *Clock, ipe time.Duration) idempotency.Record {
	return idempotency.Record{Key: key, Status: idempotency.InProgress, Expiry: c.Now().Add(time.Hour),
		InProgressExpiry: c.Now().Add(ipe), PayloadHash: idempotency.Hash([]byte("p"))}
}
