package loadtest

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

func mustProfile(t testing.TB, src string) *Profile {
	t.Helper()
	p, err := ParseProfile("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func offsetsOf(s []Arrival) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, a := range s {
		out[i] = a.Intended.Sub(t0)
	}
	return out
}

func TestScheduleConstant(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		n       int
		spacing time.Duration
		first   time.Duration
	}{
		{"10/s for 2s", "multiplier: 1\nphases: [{name: c, shape: constant, rate: 10, duration: 2s}]", 20, 100 * time.Millisecond, 0},
		{"× 2", "multiplier: 2\nphases: [{name: c, shape: constant, rate: 10, duration: 2s}]", 40, 50 * time.Millisecond, 0},
		{"default multiplier", "phases: [{name: c, shape: constant, rate: 0.5, duration: 60s}]", 60, time.Second, 0},
		{"offset start", "multiplier: 1\nphases: [{name: c, shape: constant, rate: 4, duration: 1s, start: 3s}]", 4, 250 * time.Millisecond, 3 * time.Second},
		{"a part of an arrival rounds up", "multiplier: 1\nphases: [{name: c, shape: constant, rate: 0.4, duration: 5s}]", 2, 2500 * time.Millisecond, 0},
		{"× 0.5", "multiplier: 0.5\nphases: [{name: c, shape: constant, rate: 100, duration: 1s}]", 50, 20 * time.Millisecond, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustProfile(t, tc.src).Schedule(t0)
			if len(s) != tc.n {
				t.Fatalf("%d arrivals, want %d", len(s), tc.n)
			}
			off := offsetsOf(s)
			if off[0] != tc.first {
				t.Errorf("first at %v, want %v", off[0], tc.first)
			}
			for i := 1; i < len(off); i++ {
				if d := off[i] - off[i-1]; d < tc.spacing-time.Nanosecond || d > tc.spacing+time.Nanosecond {
					t.Fatalf("arrivals %d and %d are %v apart, want %v", i-1, i, d, tc.spacing)
				}
			}
			for i, a := range s {
				if a.Seq != i || a.Phase != "c" {
					t.Fatalf("arrival %d: %+v", i, a)
				}
			}
		})
	}
}

// The arrivals of a ramp follow the integral of its rate: the i-th is due
// when a·t + (b−a)·t²/(2d) reaches i.
func TestScheduleRamping(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to float64
		d        time.Duration
		want     int
	}{
		{"up from 0", 0, 10, 10 * time.Second, 50},
		{"up", 2, 6, 10 * time.Second, 40},
		{"down to 0", 10, 0, 10 * time.Second, 50},
		{"flat", 5, 5, 4 * time.Second, 20},
		{"fractional", 0, 3, 3 * time.Second, 5}, // 4.5 rounds up
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := rampOffsets(tc.from, tc.to, tc.d)
			if len(off) != tc.want {
				t.Fatalf("%d arrivals, want %d", len(off), tc.want)
			}
			secs, k := tc.d.Seconds(), (tc.to-tc.from)/tc.d.Seconds()
			for i, o := range off {
				x := o.Seconds()
				if x < 0 || x >= secs {
					t.Fatalf("arrival %d at %v, outside [0, %v)", i, o, tc.d)
				}
				if n := tc.from*x + k*x*x/2; math.Abs(n-float64(i)) > 1e-6 {
					t.Fatalf("arrival %d at %v: the integral there is %v", i, o, n)
				}
			}
			if !slices.IsSorted(off) {
				t.Error("not in order")
			}
		})
	}
	// Through a profile: the multiplier scales both ends.
	s := mustProfile(t, "multiplier: 2\nphases: [{name: r, shape: ramping, from: 0, to: 10, duration: 10s}]").Schedule(t0)
	firstHalf := 0
	for _, o := range offsetsOf(s) {
		if o < 5*time.Second {
			firstHalf++
		}
	}
	// ∫0..5 of 2t = 25 of the 100: a quarter in the first half.
	if len(s) != 100 || firstHalf != 25 {
		t.Errorf("%d arrivals, %d in the first half; want 100 and 25", len(s), firstHalf)
	}
}

func TestScheduleBurst(t *testing.T) {
	even := mustProfile(t, "multiplier: 2\nphases: [{name: open, shape: burst, workflows: 50, window: 10s, start: 5s}]").Schedule(t0)
	if len(even) != 100 {
		t.Fatalf("%d arrivals, want 50 × 2", len(even))
	}
	for i, o := range offsetsOf(even) {
		if want := 5*time.Second + time.Duration(i)*100*time.Millisecond; o != want {
			t.Fatalf("arrival %d at %v, want %v", i, o, want)
		}
	}

	const src = "multiplier: 1.5\nphases: [{name: open, shape: burst, workflows: 300, window: 10s, spread: poisson, seed: %d, duration: 30s}]"
	p := mustProfile(t, fmt.Sprintf(src, 7))
	a, b := p.Schedule(t0), p.Schedule(t0)
	if len(a) != 450 || !slices.Equal(offsetsOf(a), offsetsOf(b)) {
		t.Fatalf("%d arrivals (want 450), or not the same twice", len(a))
	}
	halves := [2]int{}
	for _, o := range offsetsOf(a) {
		if o < 0 || o >= 10*time.Second {
			t.Fatalf("arrival at %v, outside the window", o)
		}
		halves[o/(5*time.Second)]++
	}
	// Uniform: each half holds 225 ± 5σ (σ = √(450/4) ≈ 10.6).
	if halves[0] < 172 || halves[0] > 278 {
		t.Errorf("halves %v: not uniform", halves)
	}
	other := mustProfile(t, fmt.Sprintf(src, 8)).Schedule(t0)
	if slices.Equal(offsetsOf(a), offsetsOf(other)) {
		t.Error("seeds 7 and 8 give the same schedule")
	}
	if got := mustProfile(t, "multiplier: 2.5\nphases: [{name: o, shape: burst, workflows: 3, window: 1s}]").Schedule(t0); len(got) != 8 {
		t.Errorf("3 × 2.5 = 7.5 rounds to 8, got %d", len(got))
	}
}

func TestScheduleMergesPhases(t *testing.T) {
	p := mustProfile(t, `
multiplier: 1
phases:
  - {name: bg, shape: constant, rate: 1, duration: 10s}
  - {name: open, shape: burst, workflows: 4, window: 2s, start: 1s}
`)
	s := p.Schedule(t0)
	var got []string
	for i, a := range s {
		if a.Seq != i {
			t.Fatalf("arrival %d has seq %d", i, a.Seq)
		}
		if i > 0 && a.Intended.Before(s[i-1].Intended) {
			t.Fatalf("arrival %d is before %d", i, i-1)
		}
		if i < 6 {
			got = append(got, a.Phase+"@"+a.Intended.Sub(t0).String())
		}
	}
	// At 1s both phases start: the earlier phase's arrival comes first.
	want := []string{"bg@0s", "bg@1s", "open@1s", "open@1.5s", "bg@2s", "open@2s"}
	if len(s) != 14 || !slices.Equal(got, want) {
		t.Errorf("%d arrivals, first %v; want 14, %v", len(s), got, want)
	}
	if p.Duration() != 10*time.Second {
		t.Errorf("duration %v", p.Duration())
	}
}

func TestRampTime(t *testing.T) {
	for _, tc := range []struct{ a, k, i, want float64 }{
		{2, 0, 0, 0},
		{2, 0, 3, 1.5},         // constant: i/a
		{0, 2, 1, 1},           // t² = 1
		{0, 2, 4, 2},           // t² = 4
		{1, 2, 2, 1},           // t + t² = 2
		{4, -1, 6, 2},          // 4t − t²/2 = 6
		{0, 0, 1, math.Inf(1)}, // no rate: never
	} {
		if got := rampTime(tc.a, tc.k, tc.i); got != tc.want {
			t.Errorf("rampTime(%v, %v, %v) = %v, want %v", tc.a, tc.k, tc.i, got, tc.want)
		}
	}
	// Past the top of a decreasing ramp there is no solution: not NaN.
	if got := rampTime(1, -2, 1); math.IsNaN(got) {
		t.Error("rampTime past the peak is NaN")
	}
}
