package emulator

import (
	"context"
	"time"
)

// Clock is the emulator's time: what it stamps on events, records and
// metrics (Now), and how it waits between retries (Sleep). Implementations
// must be safe for concurrent use.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, and returns ctx's error
	// then.
	Sleep(ctx context.Context, d time.Duration) error
}

// ScaledClock is the real clock whose waits are scaled: Sleep(d) waits
// d×Scale (a minute's retry wait is 100 ms at 1/600), and not at all when
// Scale is 0 or less. Now is the wall clock, unscaled, so the emulator's
// timestamps and the functions' own agree. It uses package time only:
// inside a testing/synctest bubble its waits are virtual.
type ScaledClock struct{ Scale float64 }

var _ Clock = ScaledClock{}

// Now implements Clock.
func (ScaledClock) Now() time.Time { return time.Now() }

// Sleep implements Clock.
func (c ScaledClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.Scale <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(time.Duration(float64(d) * c.Scale))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
