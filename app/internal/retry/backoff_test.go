package retry

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name    string
		b       Backoff
		attempt int
		want    time.Duration
	}{
		{"first wait is the base", Backoff{Base: 100 * ms}, 1, 100 * ms},
		{"doubling", Backoff{Base: 100 * ms}, 3, 400 * ms},
		{"capped", Backoff{Base: 200 * ms, Max: 5 * time.Second}, 6, 5 * time.Second},
		{"under the cap", Backoff{Base: 200 * ms, Max: 5 * time.Second}, 5, 3200 * ms},
		{"no overflow", Backoff{Base: time.Nanosecond}, 1000, maxDelay},
		{"no overflow under a cap", Backoff{Base: time.Second, Max: time.Hour}, 1 << 30, time.Hour},
		{"zero base", Backoff{}, 7, 0},
	} {
		if got := c.b.Delay(c.attempt); got != c.want {
			t.Errorf("%s: Delay(%d) = %v, want %v", c.name, c.attempt, got, c.want)
		}
	}
}

func TestFullJitterStaysWithinTheCeiling(t *testing.T) {
	b := Backoff{Base: 10 * time.Millisecond, Max: 40 * time.Millisecond, Jitter: FullJitter(rand.New(rand.NewPCG(1, 2)))}
	for attempt := 1; attempt < 50; attempt++ {
		limit := min(10*time.Millisecond<<min(attempt-1, 3), 40*time.Millisecond)
		if d := b.Delay(attempt); d < 0 || d > limit {
			t.Fatalf("Delay(%d) = %v, want within [0, %v]", attempt, d, limit)
		}
	}
	if d := (Backoff{Jitter: FullJitter(nil)}).Delay(1); d != 0 {
		t.Errorf("jitter of a zero ceiling: %v", d)
	}
	if d := (Backoff{Base: maxDelay, Jitter: FullJitter(nil)}).Delay(3); d < 0 {
		t.Errorf("jitter of the largest ceiling: %v", d)
	}
}

func TestFullJitterIsDeterministicForASeed(t *testing.T) {
	draw := func() []time.Duration {
		b := Backoff{Base: time.Second, Jitter: FullJitter(rand.New(rand.NewPCG(7, 7)))}
		return []time.Duration{b.Delay(1), b.Delay(2), b.Delay(3)}
	}
	a, b := draw(), draw()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draws %v and %v differ", a, b)
		}
	}
}
