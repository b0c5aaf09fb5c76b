package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeTarget is a target whose behaviour each test writes: start decides
// a workflow's fate and may deliver its end with end.
type fakeTarget struct {
	start func(ctx context.Context, a Arrival, end func(Outcome)) (string, error)
	ends  chan Outcome
	stats TargetStats

	mu     sync.Mutex
	closed bool
}

var _ Target = (*fakeTarget)(nil)

func newFake(start func(ctx context.Context, a Arrival, end func(Outcome)) (string, error)) *fakeTarget {
	return &fakeTarget{start: start, ends: make(chan Outcome, 100_000)}
}

func (f *fakeTarget) Name() string { return "fake" }
func (f *fakeTarget) Start(ctx context.Context, a Arrival) (string, error) {
	return f.start(ctx, a, func(o Outcome) { f.ends <- o })
}
func (f *fakeTarget) Ends() <-chan Outcome { return f.ends }
func (f *fakeTarget) Close(context.Context) (TargetStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return f.stats, nil
}

func wfID(a Arrival) string { return fmt.Sprintf("wf-%d", a.Seq) }

// completeNow is a start that completes the workflow at once.
func completeNow(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
	end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
	return wfID(a), nil
}

// The tests that run the executor run in testing/synctest bubbles: its
// timers, the targets' sleeps, and so the lags and latencies it measures
// are virtual, the same on any machine. Their options must not let the
// scheduler spin (Spin negative): a goroutine watching the clock would
// keep the bubble's from advancing.

// lenient does not judge the generator's lag: tests that are about
// something else must not fail on it. (In a bubble a start is late only
// when a test makes it so.)
var lenient = Options{MaxLagP99: time.Second, Spin: -1}

// inBubble runs a subtest in a testing/synctest bubble.
func inBubble(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) { synctest.Test(t, f) }
}

func statuses(r *Result) map[string]int {
	out := map[string]int{}
	for _, s := range r.Samples {
		out[s.Status]++
	}
	return out
}

func TestRunNoop(t *testing.T) { synctest.Test(t, testRunNoop) }

func testRunNoop(t *testing.T) {
	p, err := LoadProfile("profiles/smoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	opts := lenient
	opts.Progress = &progress
	res, err := Run(context.Background(), p, NewNoop(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// smoke: 2/s for 2 s and a burst of 4, × 2.
	if res.Scheduled != 16 || res.Started != 16 || res.Completed != 16 || res.Dropped+res.Lost+res.Failed+res.StartErrs != 0 {
		t.Errorf("counts: %+v", res)
	}
	if !res.Valid || !res.Passed() || res.Profile != "smoke" || res.Target != "noop" || res.Multiplier != 2 {
		t.Errorf("valid %v passed %v (%v), profile %q target %q multiplier %v", res.Valid, res.Passed(), res.InvalidReasons, res.Profile, res.Target, res.Multiplier)
	}
	if res.Latency.Count != 16 || res.ScheduleLag.Count != 16 || len(res.Distribution) == 0 {
		t.Errorf("latency %+v lag %+v distribution %v", res.Latency, res.ScheduleLag, res.Distribution)
	}
	if st := statuses(res); len(res.Samples) != 16 || st[StatusCompleted] != 16 {
		t.Errorf("samples: %d, statuses %v", len(res.Samples), st)
	}
	for _, s := range res.Samples {
		if s.Started.Before(s.Intended) || s.Ended.Before(s.Intended) || s.LatencyMs != float64(s.Ended.Sub(s.Intended))/1e6 {
			t.Fatalf("sample %+v: latency must run from the intended start", s)
		}
	}
	var starts, completions int
	for _, iv := range res.Timeline {
		starts += iv.Starts
		completions += iv.Completions
	}
	if starts != 16 || completions != 16 || len(res.Timeline) < 2 {
		t.Errorf("timeline: %d intervals, %d starts, %d completions", len(res.Timeline), starts, completions)
	}
	if len(res.Thresholds) != 1 || res.Thresholds[0].Expr != "lost == 0" || res.Thresholds[0].Source != SourceProfile {
		t.Errorf("thresholds: %+v", res.Thresholds)
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "started 16  ended 16  in flight 0  dropped 0") {
		t.Errorf("progress: %q", progress.String())
	}
}

func constantProfile(t testing.TB, rate float64, d time.Duration, extra string) *Profile {
	return mustProfile(t, fmt.Sprintf("multiplier: 1\ndrain: 5s\nphases: [{name: c, shape: constant, rate: %g, duration: %s}]\n%s", rate, d, extra))
}

// A target whose Start blocks for 50 ms: the generator must notice that
// it cannot keep to the schedule, and say the run is worthless.
func TestRunNoticesItFellBehind(t *testing.T) {
	slow := func(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
		time.Sleep(50 * time.Millisecond)
		end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
		return wfID(a), nil
	}
	t.Run("too few starters: drops", inBubble(func(t *testing.T) {
		p := constantProfile(t, 200, time.Second, "thresholds: [\"dropped == 0\"]")
		res, err := Run(context.Background(), p, newFake(slow), Options{MaxInFlightStarts: 2, Spin: -1})
		if err != nil {
			t.Fatal(err)
		}
		// 2 starters × 20 starts/s cannot keep 200/s.
		if res.Dropped == 0 || res.Valid || res.Passed() {
			t.Fatalf("dropped %d, valid %v, passed %v", res.Dropped, res.Valid, res.Passed())
		}
		if res.InvalidReasons[0] != ReasonGeneratorBehind || !strings.Contains(res.InvalidReasons[1], "arrivals dropped") {
			t.Errorf("reasons: %q", res.InvalidReasons)
		}
		if st := statuses(res); st[StatusDropped] != res.Dropped || res.Started+res.Dropped != res.Scheduled || res.Scheduled != 200 {
			t.Errorf("scheduled %d started %d dropped %d, statuses %v", res.Scheduled, res.Started, res.Dropped, st)
		}
		if res.Thresholds[0].Pass {
			t.Error("dropped == 0 passed")
		}
	}))
	t.Run("waiting for a starter: lag", inBubble(func(t *testing.T) {
		p := constantProfile(t, 100, 500*time.Millisecond, "")
		res, err := Run(context.Background(), p, newFake(slow), Options{MaxInFlightStarts: 1, HandoffBudget: 10 * time.Second, Spin: -1})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing dropped, but 50 starts of 50 ms each take 2.5 s for a
		// 0.5 s schedule: the last ones start ~2 s late.
		if res.Dropped != 0 || res.Valid || res.Late == 0 || res.ScheduleLag.P99 < 500 {
			t.Fatalf("dropped %d valid %v late %d lag %+v", res.Dropped, res.Valid, res.Late, res.ScheduleLag)
		}
		if !strings.Contains(strings.Join(res.InvalidReasons, "\n"), "p99 schedule lag") {
			t.Errorf("reasons: %q", res.InvalidReasons)
		}
	}))
	t.Run("enough starters: slow is the system's business", inBubble(func(t *testing.T) {
		p := constantProfile(t, 100, 500*time.Millisecond, "")
		res, err := Run(context.Background(), p, newFake(slow), lenient)
		if err != nil {
			t.Fatal(err)
		}
		// Each workflow takes at least 50 ms; the histogram keeps 3
		// significant digits, so its minimum may read up to 0.1% lower.
		if res.Dropped != 0 || res.Completed != 50 || res.Latency.Min < 50*(1-0.001) {
			t.Errorf("dropped %d completed %d latency %+v", res.Dropped, res.Completed, res.Latency)
		}
	}))
}

// stallTarget freezes once: the Start of arrival at stalls everything for
// d — it and every Start during the stall return when it ends — and each
// workflow completes when its Start returns.
type stallTarget struct {
	at       int
	d        time.Duration
	mu       sync.Mutex
	from, to time.Time
	over     chan struct{}
}

func (s *stallTarget) start(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
	if a.Seq == s.at {
		s.mu.Lock()
		s.from = time.Now()
		s.mu.Unlock()
		time.Sleep(s.d)
		s.mu.Lock()
		s.to = time.Now()
		s.mu.Unlock()
		close(s.over)
	}
	s.mu.Lock()
	stalled := !s.from.IsZero() && s.to.IsZero()
	s.mu.Unlock()
	if stalled {
		<-s.over
	}
	end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
	return wfID(a), nil
}

// The coordinated-omission test: a stall must be in the latency of every
// arrival scheduled during it, measured from its intended start — whether
// the system held the workflows (many starters: each started on time and
// waited) or the generator could not start them (one starter: they started
// late, and their Ended − Started is short, which is what a closed-loop
// generator would have reported).
func TestRunLatencyFromIntendedStart(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"the system stalls", lenient},
		{"the generator stalls", Options{MaxInFlightStarts: 1, HandoffBudget: 10 * time.Second, Spin: -1}},
	} {
		t.Run(tc.name, inBubble(func(t *testing.T) {
			st := &stallTarget{at: 20, d: 300 * time.Millisecond, over: make(chan struct{})}
			p := constantProfile(t, 100, 1500*time.Millisecond, "")
			res, err := Run(context.Background(), p, newFake(st.start), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Completed != 150 {
				t.Fatalf("completed %d of 150", res.Completed)
			}
			during, service := 0, time.Duration(0)
			for _, s := range res.Samples {
				if s.Intended.Before(st.from) || !s.Intended.Before(st.to) {
					continue
				}
				during++
				if rest := float64(st.to.Sub(s.Intended)) / 1e6; s.LatencyMs < rest {
					t.Errorf("arrival %d scheduled %v into the stall: latency %.1f ms, less than the %.1f ms of stall left",
						s.Seq, s.Intended.Sub(st.from), s.LatencyMs, rest)
				}
				service = max(service, s.Ended.Sub(s.Started))
			}
			t.Logf("%d arrivals during the stall; latency max %.1f ms; the longest Ended − Started among them %v", during, res.Latency.Max, service)
			// 300 ms at 100/s: about 30 arrivals, the first ~290 ms from the end.
			if during < 20 || res.Latency.Max < 250 || res.Latency.P99 < 250 {
				t.Errorf("%d arrivals during the stall; latency %+v", during, res.Latency)
			}
			if tc.opts.MaxInFlightStarts == 1 && (res.Valid || res.ScheduleLag.Max < 250) {
				t.Errorf("the generator stalled: valid %v, lag %+v", res.Valid, res.ScheduleLag)
			}
		}))
	}
}

func TestRunLostAfterDrain(t *testing.T) { synctest.Test(t, testRunLostAfterDrain) }

func testRunLostAfterDrain(t *testing.T) {
	evenOnly := func(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
		if a.Seq%2 == 0 {
			end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
		}
		return wfID(a), nil
	}
	p := mustProfile(t, "multiplier: 1\ndrain: 200ms\nphases: [{name: c, shape: constant, rate: 20, duration: 1s}]\nthresholds: [\"lost == 0\"]")
	res, err := Run(context.Background(), p, newFake(evenOnly), lenient)
	if err != nil {
		t.Fatal(err)
	}
	if res.Lost != 10 || res.Completed != 10 || res.Started != 20 {
		t.Fatalf("lost %d completed %d started %d", res.Lost, res.Completed, res.Started)
	}
	var lastStart time.Time
	for _, s := range res.Samples {
		if want := map[bool]string{true: StatusCompleted, false: StatusLost}[s.Seq%2 == 0]; s.Status != want {
			t.Errorf("sample %d: %s, want %s", s.Seq, s.Status, want)
		}
		if s.Status == StatusLost && !s.Ended.IsZero() {
			t.Errorf("lost sample %d has an end", s.Seq)
		}
		if s.Started.After(lastStart) {
			lastStart = s.Started
		}
	}
	if res.End.Sub(lastStart) < 200*time.Millisecond {
		t.Errorf("gave up %v after the last start: the drain is 200ms", res.End.Sub(lastStart))
	}
	if !res.Valid || res.Passed() || res.Thresholds[0].Pass || res.Thresholds[0].Value != 10 {
		t.Errorf("valid %v passed %v thresholds %+v", res.Valid, res.Passed(), res.Thresholds)
	}
}

func TestRunFailuresAndStartErrors(t *testing.T) { synctest.Test(t, testRunFailuresAndStartErrors) }

func testRunFailuresAndStartErrors(t *testing.T) {
	mixed := func(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
		switch a.Seq % 4 {
		case 1:
			return "", errors.New("refused")
		case 2:
			end(Outcome{CorrelationID: wfID(a), Status: StatusFailed, Ended: time.Now()})
		default:
			end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
		}
		return wfID(a), nil
	}
	f := newFake(mixed)
	f.stats = TargetStats{DeadLettered: 2, DuplicateOrders: 1}
	defaults, err := LoadDefaultThresholds("../alarms/slos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opts := lenient
	opts.Thresholds = defaults
	res, err := Run(context.Background(), constantProfile(t, 40, time.Second, ""), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.StartErrs != 10 || res.Failed != 10 || res.Completed != 20 || res.Started != 30 || res.Latency.Count != 20 {
		t.Fatalf("start errors %d failed %d completed %d started %d latencies %d", res.StartErrs, res.Failed, res.Completed, res.Started, res.Latency.Count)
	}
	if st := statuses(res); st[StatusStartError] != 10 || st[StatusFailed] != 10 {
		t.Errorf("statuses %v", st)
	}
	if !f.closed || !reflect.DeepEqual(res.Stats, f.stats) {
		t.Errorf("closed %v stats %+v", f.closed, res.Stats)
	}
	got := map[string]ThresholdResult{}
	for _, tr := range res.Thresholds {
		got[tr.Expr] = tr
	}
	// (10 failed + 10 refused) / (30 started + 10 refused)
	if tr := got["error_rate < 1%"]; tr.Value != 50 || tr.Pass || tr.Source != SourceSLOs {
		t.Errorf("error_rate: %+v", tr)
	}
	if got["dlq == 0"].Pass || got["duplicate_orders == 0"].Pass || !got["p(99) < 120s"].Pass || res.Passed() {
		t.Errorf("thresholds: %+v", res.Thresholds)
	}
}

// An end may come before the Start call that caused it returns.
func TestRunEndBeforeStartReturns(t *testing.T) { synctest.Test(t, testRunEndBeforeStartReturns) }

func testRunEndBeforeStartReturns(t *testing.T) {
	early := func(_ context.Context, a Arrival, end func(Outcome)) (string, error) {
		end(Outcome{CorrelationID: wfID(a), Status: StatusCompleted, Ended: time.Now()})
		time.Sleep(20 * time.Millisecond)
		return wfID(a), nil
	}
	res, err := Run(context.Background(), constantProfile(t, 20, 500*time.Millisecond, ""), newFake(early), lenient)
	if err != nil {
		t.Fatal(err)
	}
	if res.Completed != 10 || res.Lost != 0 {
		t.Errorf("completed %d lost %d", res.Completed, res.Lost)
	}
}

func TestRunCancelled(t *testing.T) { synctest.Test(t, testRunCancelled) }

func testRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	cancelAtFifth := func(ctx context.Context, a Arrival, end func(Outcome)) (string, error) {
		if a.Seq == 4 {
			once.Do(cancel)
		}
		return completeNow(ctx, a, end)
	}
	res, err := Run(ctx, constantProfile(t, 20, 10*time.Second, ""), newFake(cancelAtFifth), lenient)
	if !errors.Is(err, context.Canceled) || res == nil {
		t.Fatalf("want the partial result and context.Canceled, got %v, %v", res, err)
	}
	st := statuses(res)
	if res.Valid || st[StatusNotStarted] == 0 || res.Started >= 200 {
		t.Errorf("valid %v, statuses %v, reasons %q", res.Valid, st, res.InvalidReasons)
	}
	if !slices.ContainsFunc(res.InvalidReasons, func(r string) bool { return strings.HasPrefix(r, "interrupted") }) {
		t.Errorf("reasons: %q", res.InvalidReasons)
	}
}

func TestRunMaxSamples(t *testing.T) { synctest.Test(t, testRunMaxSamples) }

func testRunMaxSamples(t *testing.T) {
	opts := lenient
	opts.MaxSamples = 5
	res, err := Run(context.Background(), constantProfile(t, 50, 200*time.Millisecond, ""), NewNoop(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != 5 || res.Completed != 10 {
		t.Errorf("%d samples, %d completed", len(res.Samples), res.Completed)
	}
}

func TestRunRefusesWhatItCannotRun(t *testing.T) {
	if _, err := Run(context.Background(), nil, NewNoop(), Options{}); err == nil {
		t.Error("ran without a profile")
	}
	p := constantProfile(t, 1, time.Second, "")
	if _, err := Run(context.Background(), p, NewNoop(), Options{MaxLagP99: -time.Millisecond}); err == nil || !strings.Contains(err.Error(), "MaxLagP99") {
		t.Errorf("a negative MaxLagP99: %v", err)
	}
}

func TestOptionsDefaults(t *testing.T) {
	p := constantProfile(t, 1, time.Hour, "")
	o := Options{Spin: -1, MaxSamples: -1}.withDefaults(p)
	if o.MaxInFlightStarts != 256 || o.HandoffBudget != time.Millisecond || o.LateAfter != time.Millisecond ||
		o.MaxLagP99 != 5*time.Millisecond || o.Spin != 0 || o.MaxSamples != 0 || o.Lead != 100*time.Millisecond {
		t.Errorf("defaults: %+v", o)
	}
	// An hour and 5 s of drain in at most 600 intervals.
	if o.Interval != (time.Hour+5*time.Second)/600 {
		t.Errorf("interval %v", o.Interval)
	}
	if o := (Options{}).withDefaults(constantProfile(t, 1, time.Minute, "")); o.Interval != time.Second || o.Spin != 2*time.Millisecond || o.MaxSamples != 10_000 {
		t.Errorf("short run: %+v", o)
	}
}
