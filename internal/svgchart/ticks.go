package svgchart

import (
	"math"
	"time"
)

// tolerance absorbs floating-point error in comparisons with a step:
// 0.1 × 3 is a tick at 0.3.
const tolerance = 1e-9

// Step is the round step, 1, 2 or 5 × 10^k, at or just above raw; 1 for
// a raw step that is not a positive number.
func Step(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag*(1+tolerance) {
			return m * mag
		}
	}
	return 10 * mag
}

// Ticks are round values covering [lo, hi] in about n steps (Step of
// (hi-lo)/n): from the last multiple of the step at or below lo to the
// first at or above hi, at least two. [0, 1] stands in for a range that
// is not finite, and lo+1 for an hi not above lo.
func Ticks(lo, hi float64, n int) []float64 {
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := Step((hi - lo) / float64(max(1, n)))
	first, last := math.Floor(lo/step+tolerance), math.Ceil(hi/step-tolerance)
	last = max(last, first+1)
	out := make([]float64, 0, int(last-first)+1)
	for i := first; i <= last; i++ {
		out = append(out, i*step)
	}
	return out
}

// TimeSteps are a time axis' steps, shortest first: round on a clock.
var TimeSteps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// TimeStep is the shortest of TimeSteps giving at most n ticks over span;
// the longest when none does.
func TimeStep(span time.Duration, n int) time.Duration {
	for _, s := range TimeSteps {
		if span/s <= time.Duration(n) {
			return s
		}
	}
	return TimeSteps[len(TimeSteps)-1]
}
