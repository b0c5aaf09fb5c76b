package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Schedule is the profile's arrivals from start, in intended order, the
// multiplier applied: every phase's arrivals merged by time (ties keep the
// phases' order) and numbered from 0. It is a pure function of the profile
// and start: the same profile always gives the same schedule.
func (p *Profile) Schedule(start time.Time) []Arrival {
	m := p.multiplier()
	var n float64
	for _, ph := range p.Phases {
		n += ph.expected(m) + 1
	}
	out := make([]Arrival, 0, int(min(n, MaxArrivals)))
	for _, ph := range p.Phases {
		for _, off := range ph.offsets(m) {
			out = append(out, Arrival{Intended: start.Add(ph.Start + off), Phase: ph.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b Arrival) int { return a.Intended.Compare(b.Intended) })
	for i := range out {
		out[i].Seq = i
	}
	return out
}

// multiplier is the profile's multiplier; 0 (a Profile built in code)
// means the default.
func (p *Profile) multiplier() float64 {
	if p.Multiplier <= 0 {
		return DefaultMultiplier
	}
	return p.Multiplier
}

// drain is the profile's drain; 0 means the default.
func (p *Profile) drain() time.Duration {
	if p.Drain <= 0 {
		return DefaultDrain
	}
	return p.Drain
}

// expected is how many arrivals the phase schedules with multiplier m.
func (ph Phase) expected(m float64) float64 {
	switch ph.Shape {
	case ShapeConstant:
		return ph.Rate * m * ph.Duration.Seconds()
	case ShapeRamping:
		return (ph.From + ph.To) / 2 * m * ph.Duration.Seconds()
	case ShapeBurst:
		return math.Round(float64(ph.Workflows) * m)
	}
	return 0
}

// offsets are the phase's arrivals as offsets from the phase's start.
func (ph Phase) offsets(m float64) []time.Duration {
	switch ph.Shape {
	case ShapeConstant:
		return rampOffsets(ph.Rate*m, ph.Rate*m, ph.Duration)
	case ShapeRamping:
		return rampOffsets(ph.From*m, ph.To*m, ph.Duration)
	case ShapeBurst:
		n := int(ph.expected(m))
		if ph.Spread == SpreadPoisson {
			return poissonOffsets(n, ph.Window, ph.Seed)
		}
		return evenOffsets(n, ph.Window)
	}
	return nil
}

// rampOffsets places arrivals at a rate going linearly from a to b per
// second over d. The i-th arrival (from 0) is due when the expected count
// N(t) = a·t + (b−a)·t²/(2d) reaches i, so there are ⌈N(d)⌉ of them and
// the first is at 0. A constant rate is the ramp a == b: arrival i at i/a.
func rampOffsets(a, b float64, d time.Duration) []time.Duration {
	secs := d.Seconds()
	if secs <= 0 || a < 0 || b < 0 {
		return nil
	}
	n := int(math.Ceil((a+b)/2*secs - 1e-9)) // 1e-9: a whole N(d) is not one more
	k := (b - a) / secs
	out := make([]time.Duration, 0, max(n, 0))
	for i := range n {
		t := rampTime(a, k, float64(i))
		if t >= secs {
			break
		}
		out = append(out, time.Duration(math.Round(t*1e9)))
	}
	return out
}

// rampTime solves a·t + k·t²/2 = i for the first t ≥ 0, written as
// 2i / (a + √(a² + 2ki)), which stays exact when k is 0 or tiny (the
// textbook (−a + √…)/k divides by k).
func rampTime(a, k, i float64) float64 {
	if i == 0 {
		return 0
	}
	disc := max(a*a+2*k*i, 0) // a decreasing ramp's last arrival can round below 0
	den := a + math.Sqrt(disc)
	if den <= 0 {
		return math.Inf(1)
	}
	return 2 * i / den
}

// evenOffsets spreads n starts evenly over the window: window×i/n.
func evenOffsets(n int, window time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(window) * float64(i) / float64(n))
	}
	return out
}

// poissonOffsets places n starts at uniform random offsets in [0, window),
// sorted: the arrival times of a Poisson process conditioned on n arrivals
// in the window. The generator is PCG (its output is specified, so a seed
// gives the same schedule on every Go version), and the float is built
// from its bits here rather than by rand.Rand, whose methods may change.
func poissonOffsets(n int, window time.Duration, seed uint64) []time.Duration {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	out := make([]time.Duration, n)
	for i := range out {
		u := float64(src.Uint64()>>11) / (1 << 53)
		out[i] = time.Duration(u * float64(window))
	}
	slices.Sort(out)
	return out
}
