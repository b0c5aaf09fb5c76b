package retry

import (
	"math/rand/v2"
	"time"
)

// maxDelay bounds the doubling (about 146 years): no overflow, and room
// for FullJitter's inclusive bound.
const maxDelay = time.Duration(1 << 62)

// Backoff is exponential: Base after the first failed attempt, doubling
// after each further one, at most Max (no cap when zero). Jitter, when
// set, draws the actual wait from that ceiling.
type Backoff struct {
	Base, Max time.Duration
	Jitter    func(ceiling time.Duration) time.Duration
}

// Delay is the wait after attempt (from 1) failed.
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d > 0 && d <= maxDelay/2 && (b.Max <= 0 || d < b.Max); i++ {
		d *= 2
	}
	if b.Max > 0 {
		d = min(d, b.Max)
	}
	d = min(max(d, 0), maxDelay)
	if b.Jitter != nil {
		return b.Jitter(d)
	}
	return d
}

// FullJitter draws a wait uniformly from [0, ceiling] with r, or with
// math/rand/v2's global source (safe for concurrent use) when r is nil.
// A *rand.Rand of one's own is not safe for concurrent use: share it only
// under a lock.
func FullJitter(r *rand.Rand) func(time.Duration) time.Duration {
	n := rand.Int64N
	if r != nil {
		n = r.Int64N
	}
	return func(ceiling time.Duration) time.Duration {
		return time.Duration(n(int64(ceiling) + 1))
	}
}
