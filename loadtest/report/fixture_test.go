package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/loadtest"
)

// realisticResult is a five-minute run built here, independently of the
// executor: arrivals ramping up to about two a second, lognormal
// latencies of a few seconds with a tail, a few failures and lost
// workflows, 64 intervals of 5 s (the last 8 the drain) and log-spaced
// buckets.
func realisticResult(t testing.TB, seed uint64) *loadtest.Result {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	start := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	const arrivals, drain, step = 56, 8, 5 * time.Second // intervals of arrivals, then of the drain
	r := &loadtest.Result{Profile: "ramp-to-peak", Target: "aws", Multiplier: 2, Start: start, End: start.Add((arrivals + drain) * step), Valid: true}
	for at := time.Duration(0); at < arrivals*step; {
		rate := math.Min(2, 0.2+at.Seconds()/100) // arrivals a second
		at += time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
		if at >= arrivals*step {
			break
		}
		r.Samples = append(r.Samples, sample(rng, len(r.Samples), start.Add(at), at))
	}
	r.Timeline = timelineOf(r.Samples, start, step, arrivals+drain)
	r.Distribution = bucketsOf(r.Samples)
	r.Latency = summaryOf(r.Samples, func(s loadtest.Sample) (float64, bool) { return s.LatencyMs, !s.Ended.IsZero() })
	r.ScheduleLag = summaryOf(r.Samples, func(s loadtest.Sample) (float64, bool) { return ms(s.Started.Sub(s.Intended)), true })
	for _, s := range r.Samples {
		r.Scheduled++
		r.Started++
		switch s.Status {
		case "completed":
			r.Completed++
		case "failed":
			r.Failed++
		case "lost":
			r.Lost++
		}
		if s.Started.Sub(s.Intended) > 50*time.Millisecond {
			r.Late++
		}
	}
	failedRate := 100 * float64(r.Failed) / float64(r.Started)
	r.Thresholds = []loadtest.ThresholdResult{
		{Expr: "p(99) < 60s", Value: r.Latency.P99, Unit: "ms", Pass: r.Latency.P99 < 60000, Source: "profile"},
		{Expr: "p(50) < 5s", Value: r.Latency.P50, Unit: "ms", Pass: r.Latency.P50 < 5000, Source: "profile"},
		{Expr: "failed < 5%", Value: failedRate, Unit: "%", Pass: failedRate < 5, Source: "slos.yaml"},
		{Expr: "lost == 0", Value: float64(r.Lost), Unit: "count", Pass: r.Lost == 0, Source: "profile"},
	}
	r.Stats = loadtest.TargetStats{Invocations: 5 * r.Started, LambdaGBSeconds: 0.25 * 0.4 * float64(5*r.Started),
		EventsPublished: 7 * r.Started, LogBytes: int64(r.Started) * 48 << 10, CustomMetricValues: 30 * r.Started,
		CustomMetrics: 46, CustomMetricHours: 92, DynamoDBRequests: 6 * r.Started}
	prices, err := loadtest.DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	r.Cost = loadtest.EstimateCost(r.Stats, r.Started, prices)
	return r
}

func sample(rng *rand.Rand, seq int, intended time.Time, at time.Duration) loadtest.Sample {
	lag := time.Duration(rng.ExpFloat64() * float64(3*time.Millisecond))
	if at > 200*time.Second && at < 215*time.Second { // a stall of the generator
		lag += 120 * time.Millisecond
	}
	load := 1 + at.Seconds()/300                                                                         // slower as the load rises
	latency := time.Duration(math.Exp(rng.NormFloat64()*0.45) * 2200 * load * float64(time.Millisecond)) // median ≈ 2.2 s
	if rng.Float64() < 0.02 {
		latency *= 6 // the tail: retries
	}
	s := loadtest.Sample{Seq: seq, CorrelationID: fmt.Sprintf("wf-%08x-%04d", rng.Uint32(), seq), Intended: intended, Started: intended.Add(lag), Status: "completed"}
	switch u := rng.Float64(); {
	case u < 0.004:
		s.Status = "lost"
		return s
	case u < 0.035:
		s.Status = "failed"
	}
	s.Ended = intended.Add(latency)
	s.LatencyMs = ms(latency)
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func timelineOf(samples []loadtest.Sample, start time.Time, step time.Duration, n int) []loadtest.Interval {
	out := make([]loadtest.Interval, n)
	lat := make([][]float64, n)
	lag := make([][]float64, n)
	for i := range out {
		out[i].At = start.Add(time.Duration(i) * step)
	}
	index := func(t time.Time) int { return min(n-1, int(t.Sub(start)/step)) }
	for _, s := range samples {
		i := index(s.Started)
		out[i].Starts++
		lag[i] = append(lag[i], ms(s.Started.Sub(s.Intended)))
		if s.Ended.IsZero() {
			continue
		}
		j := index(s.Ended)
		if s.Status == "failed" {
			out[j].Failures++
		} else {
			out[j].Completions++
		}
		lat[j] = append(lat[j], s.LatencyMs)
	}
	for i := range out {
		out[i].LatencyP50, out[i].LatencyP99 = quantile(lat[i], 0.5), quantile(lat[i], 0.99)
		out[i].LagP99 = quantile(lag[i], 0.99)
	}
	return out
}

func bucketsOf(samples []loadtest.Sample) []loadtest.Bucket {
	var out []loadtest.Bucket
	for upper := 250.0; upper <= 128000; upper *= math.Sqrt2 {
		out = append(out, loadtest.Bucket{UpperMs: math.Round(upper)})
	}
	for _, s := range samples {
		if s.Ended.IsZero() {
			continue
		}
		i, _ := slices.BinarySearchFunc(out, s.LatencyMs, func(b loadtest.Bucket, v float64) int {
			switch {
			case b.UpperMs < v:
				return -1
			case b.UpperMs > v:
				return 1
			}
			return 0
		})
		out[min(i, len(out)-1)].Count++
	}
	return out
}

func summaryOf(samples []loadtest.Sample, value func(loadtest.Sample) (float64, bool)) loadtest.Summary {
	var v []float64
	for _, s := range samples {
		if x, ok := value(s); ok {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return loadtest.Summary{}
	}
	slices.Sort(v)
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return loadtest.Summary{Count: int64(len(v)), Min: v[0], Mean: sum / float64(len(v)), P50: quantile(v, 0.5), P90: quantile(v, 0.9),
		P95: quantile(v, 0.95), P99: quantile(v, 0.99), P999: quantile(v, 0.999), Max: v[len(v)-1]}
}

// quantile is the nearest-rank quantile of v (0 for none).
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(q*float64(len(s))))-1)]
}

// emptyResult is a run that recorded nothing: no timeline, no buckets.
func emptyResult() *loadtest.Result {
	start := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	return &loadtest.Result{Profile: "smoke", Target: "noop", Multiplier: 1, Start: start, End: start.Add(time.Second), Valid: true}
}
