package local

import (
	"sync"
	"time"
)

// sessionClock is the handlers' market clock (handlers.Deps.Session).
// The stack replays past sessions, so the market's time is not the
// machine's: while a session is replayed, the clock reads its 09:35 New
// York plus the time elapsed since the schedule fired (the waits of the
// emulator's own clock, so virtual in a testing/synctest bubble). After
// Run, it keeps reading the last session's time, unless the stack was
// given a clock of its own (WithSessionClock), which it then follows.
type sessionClock struct {
	mu     sync.Mutex
	at     time.Time // the session time at anchor
	anchor time.Time // time.Now when at was set
	after  func() time.Time
	live   bool // reading after
}

func (c *sessionClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live {
		return c.after()
	}
	return c.at.Add(time.Since(c.anchor))
}

// set anchors the clock at session time at.
func (c *sessionClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.anchor, c.live = at, time.Now(), false
}

// release hands the clock to the stack's own, if it has one.
func (c *sessionClock) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = c.after != nil
}
