package loadtest

import (
	"math"
	"sort"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram geometry: microseconds from 1 µs to 1 h. The run's latency and
// lag histograms keep 3 significant digits (0.1%); the timeline's
// per-interval ones keep 2 (1%), which is plenty for a chart and a tenth
// of the memory.
const (
	histHighestUs  = int64(time.Hour / time.Microsecond)
	histDigits     = 3
	intervalDigits = 2
)

// histogram records durations at microsecond resolution. Like
// hdrhistogram-go's, it is not safe for concurrent use: the executor
// records from one goroutine (the recorder) only.
type histogram struct {
	h       *hdr.Histogram
	clamped int64 // values above an hour, recorded as an hour
}

func newHistogram() *histogram {
	return &histogram{h: hdr.New(1, histHighestUs, histDigits)}
}

func newIntervalHistogram() *histogram {
	return &histogram{h: hdr.New(1, histHighestUs, intervalDigits)}
}

// record records d; a negative d (clock skew between the generator and
// the target's clock) counts as 0.
func (h *histogram) record(d time.Duration) {
	us := max(d.Microseconds(), 0)
	if us > histHighestUs {
		us, h.clamped = histHighestUs, h.clamped+1
	}
	_ = h.h.RecordValue(us) // in range by construction
}

func (h *histogram) merge(o *histogram) {
	h.h.Merge(o.h)
	h.clamped += o.clamped
}

func (h *histogram) count() int64 { return h.h.TotalCount() }

// quantileMs is the value at percentile q (0-100), in ms; 0 when empty.
func (h *histogram) quantileMs(q float64) float64 {
	return usToMs(h.h.ValueAtQuantile(q))
}

func usToMs(us int64) float64 { return float64(us) / 1000 }

func (h *histogram) summary() Summary {
	if h.count() == 0 {
		return Summary{}
	}
	return Summary{
		Count: h.count(),
		Min:   usToMs(h.h.Min()),
		Mean:  h.h.Mean() / 1000,
		P50:   h.quantileMs(50),
		P90:   h.quantileMs(90),
		P95:   h.quantileMs(95),
		P99:   h.quantileMs(99),
		P999:  h.quantileMs(99.9),
		Max:   usToMs(h.h.Max()),
	}
}

// buckets groups the values into log-spaced buckets, 1, 2 and 5 × 10^k ms,
// from the bucket holding the minimum to the one holding the maximum. A
// bucket counts the values above the previous bound, up to its own (to the
// histogram's 0.1% precision).
func (h *histogram) buckets() []Bucket {
	if h.count() == 0 {
		return nil
	}
	bounds := logBounds(usToMs(h.h.Min()), usToMs(h.h.Max()))
	out := make([]Bucket, len(bounds))
	for i, b := range bounds {
		out[i].UpperMs = b
	}
	for _, bar := range h.h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		i := min(sort.SearchFloat64s(bounds, usToMs(bar.From)), len(bounds)-1)
		out[i].Count += bar.Count
	}
	return out
}

// logBounds are the bounds 1, 2, 5 × 10^k ms from the first at or above lo
// to the first at or above hi; lo is at least 1 µs.
func logBounds(lo, hi float64) []float64 {
	lo = max(lo, 0.001)
	exp := int(math.Floor(math.Log10(lo)))
	var out []float64
	for {
		for _, m := range []float64{1, 2, 5} {
			b := scaled(m, exp)
			if b < lo && !nearlyEqual(b, lo) {
				continue
			}
			out = append(out, b)
			if b >= hi || nearlyEqual(b, hi) {
				return out
			}
		}
		exp++
	}
}

// scaled is m × 10^exp, divided rather than multiplied for negative
// exponents so that 5 × 10^-3 is 0.005 and not 0.005000000000000001.
func scaled(m float64, exp int) float64 {
	if exp < 0 {
		return m / math.Pow10(-exp)
	}
	return m * math.Pow10(exp)
}

func nearlyEqual(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }
