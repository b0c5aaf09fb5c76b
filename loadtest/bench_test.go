package loadtest

import (
	"context"
	"testing"
	"time"
)

// The generator's target: 5,000 starts/s with a p99 schedule lag under
// 1 ms, on this repository's CI class of machine (2 cores).
const (
	benchRate   = 5000
	benchWindow = 2 * time.Second // 10,000 arrivals per iteration
)

// BenchmarkGenerator drives a constant 5,000 starts/s for 2 s against the
// no-op target, so that it measures the generator alone, next to two
// baselines that pace themselves:
//
//   - open_loop: Run as shipped (timer, then a 2 ms spin; 256 starters).
//   - open_loop_nospin: Run with Spin < 0: the timer alone.
//   - baseline_sleep: a closed loop, for { Start(); time.Sleep(interval) },
//     for the same 2 s window.
//   - baseline_ticker: a loop that starts one arrival per tick of a
//     time.Ticker, for the same window.
//
// Metrics: starts/s (starts made ÷ the time from the first intended start
// to one interval after the last Start call); lag-p99-µs (Start call −
// intended time, p99 over every iteration); dropped (per iteration: for
// Run, arrivals no starter took in time; for the baselines, arrivals the
// window ended before they started — which they do not count themselves).
func BenchmarkGenerator(b *testing.B) {
	b.Run("impl=open_loop", func(b *testing.B) { benchRun(b, Options{}) })
	b.Run("impl=open_loop_nospin", func(b *testing.B) { benchRun(b, Options{Spin: -1}) })
	b.Run("impl=baseline_sleep", func(b *testing.B) {
		benchBaseline(b, func(interval time.Duration) func() {
			return func() { time.Sleep(interval) }
		})
	})
	b.Run("impl=baseline_ticker", func(b *testing.B) {
		benchBaseline(b, func(interval time.Duration) func() {
			tk := time.NewTicker(interval)
			return func() { <-tk.C }
		})
	})
}

// benchTotals accumulate a sub-benchmark's iterations.
type benchTotals struct {
	lag      *histogram
	started  int
	dropped  int
	spanning time.Duration
}

func (t *benchTotals) report(b *testing.B) {
	b.ReportMetric(float64(t.started)/t.spanning.Seconds(), "starts/s")
	b.ReportMetric(float64(t.lag.h.ValueAtQuantile(99)), "lag-p99-µs")
	b.ReportMetric(float64(t.dropped)/float64(b.N), "dropped")
}

func benchRun(b *testing.B, opts Options) {
	p := constantProfile(b, benchRate, benchWindow, "")
	opts.MaxSamples = -1
	tot := benchTotals{lag: newHistogram()}
	for b.Loop() {
		res, rec, err := run(context.Background(), p, NewNoop(), opts)
		if err != nil {
			b.Fatal(err)
		}
		tot.lag.merge(rec.lag)
		tot.started += res.Started
		tot.dropped += res.Dropped
		tot.spanning += rec.lastStart.Sub(rec.start) + time.Second/benchRate
	}
	tot.report(b)
}

// benchBaseline runs a self-paced loop: start, then pace() (which waits
// about one interval), until every arrival started or the window is over.
func benchBaseline(b *testing.B, pacer func(interval time.Duration) func()) {
	const n = int(benchRate * benchWindow / time.Second)
	interval := time.Second / benchRate
	tot := benchTotals{lag: newHistogram()}
	for b.Loop() {
		target, pace := NewNoop(), pacer(interval)
		start := time.Now()
		var last time.Time
		i := 0
		for ; i < n; i++ {
			intended := start.Add(time.Duration(i) * interval)
			now := time.Now()
			if now.Sub(start) >= benchWindow {
				break
			}
			tot.lag.record(now.Sub(intended))
			if _, err := target.Start(context.Background(), Arrival{Seq: i, Intended: intended}); err != nil {
				b.Fatal(err)
			}
			last = now
			pace()
		}
		tot.started += i
		tot.dropped += n - i
		tot.spanning += last.Sub(start) + interval
	}
	tot.report(b)
}
