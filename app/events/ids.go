package events

import (
	"crypto/rand"
	"io"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// IDs makes event ids: ULIDs, whose text sorts by creation time, and which
// are monotonic within one millisecond of one generator. Safe for
// concurrent use.
type IDs struct {
	mu      sync.Mutex
	now     func() time.Time
	entropy *ulid.MonotonicEntropy
}

// NewIDs returns a generator reading time from now and randomness from
// entropy. A seeded entropy and a fixed clock give reproducible ids.
func NewIDs(now func() time.Time, entropy io.Reader) *IDs {
	if now == nil {
		now = time.Now
	}
	return &IDs{now: now, entropy: ulid.Monotonic(entropy, 0)}
}

// DefaultIDs uses the wall clock and crypto/rand.
func DefaultIDs() *IDs { return NewIDs(time.Now, rand.Reader) }

// New returns the next id.
func (g *IDs) New() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := ulid.Timestamp(g.now())
	for {
		id, err := ulid.New(ms, g.entropy)
		if err == nil {
			return id.String()
		}
		// The monotonic entropy overflowed within this millisecond (or the
		// reader failed): move on to the next millisecond rather than panic.
		ms++
	}
}

// IDTime returns the creation time encoded in a ULID event id.
func IDTime(id string) (time.Time, bool) {
	u, err := ulid.ParseStrict(id)
	if err != nil {
		return time.Time{}, false
	}
	return ulid.Time(u.Time()), true
}

// SetClock replaces the generator's clock (nil keeps time.Now).
func (g *IDs) SetClock(now func() time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	g.now = now
}
