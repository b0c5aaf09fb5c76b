package loadtest

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestHistogramSummary(t *testing.T) {
	h := newHistogram()
	if s := h.summary(); s != (Summary{}) {
		t.Errorf("empty: %+v", s)
	}
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	s := h.summary()
	near := func(got, want float64) bool { return math.Abs(got-want) <= want*0.001 }
	if s.Count != 1000 || !near(s.Min, 1) || !near(s.P50, 500) || !near(s.P99, 990) || !near(s.P999, 999) || !near(s.Max, 1000) || !near(s.Mean, 500.5) {
		t.Errorf("1..1000 ms: %+v", s)
	}
}

func TestHistogramClamps(t *testing.T) {
	h := newHistogram()
	h.record(-time.Second)  // another clock's skew
	h.record(2 * time.Hour) // past the range
	if h.count() != 2 || h.clamped != 1 || h.summary().Min != 0 || h.summary().Max < 3.6e6 {
		t.Errorf("count %d clamped %d summary %+v", h.count(), h.clamped, h.summary())
	}
}

func TestHistogramMerge(t *testing.T) {
	a, b := newHistogram(), newHistogram()
	a.record(time.Millisecond)
	b.record(time.Second)
	b.record(2 * time.Hour)
	a.merge(b)
	if a.count() != 3 || a.clamped != 1 {
		t.Errorf("merged: count %d clamped %d", a.count(), a.clamped)
	}
}

func TestLogBounds(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []float64
	}{
		{1, 1, []float64{1}},
		{3, 40, []float64{5, 10, 20, 50}},
		{0.0005, 0.004, []float64{0.001, 0.002, 0.005}},
		{0, 0, []float64{0.001}},
		{120, 120000, []float64{200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000}},
	} {
		if got := logBounds(tc.lo, tc.hi); !slices.Equal(got, tc.want) {
			t.Errorf("logBounds(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestHistogramBuckets(t *testing.T) {
	h := newHistogram()
	if h.buckets() != nil {
		t.Error("empty histogram has buckets")
	}
	for _, ms := range []float64{3, 4, 5, 7, 15, 15, 45} {
		h.record(time.Duration(ms * float64(time.Millisecond)))
	}
	want := []Bucket{{5, 3}, {10, 1}, {20, 2}, {50, 1}}
	if got := h.buckets(); !slices.Equal(got, want) {
		t.Errorf("buckets %v, want %v", got, want)
	}
}
