package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune the executor; zero values take the defaults.
type Options struct {
	// MaxInFlightStarts is the number of starter goroutines: how many
	// Start calls may be in flight at once. Default 256.
	MaxInFlightStarts int
	// HandoffBudget is how long the scheduler waits for a free starter
	// before it drops an arrival. Default 1ms.
	HandoffBudget time.Duration
	// LateAfter is the schedule lag past which a start counts as late.
	// Default 1ms.
	LateAfter time.Duration
	// MaxLagP99 is the p99 schedule lag past which the run is invalid.
	// Default 5ms.
	MaxLagP99 time.Duration
	// Spin is the window before each arrival in which the scheduler
	// watches the clock instead of sleeping on a timer, whose wake-up is
	// ~1 ms late on Linux (the netpoller waits in whole milliseconds).
	// Default 2ms; negative: sleep only, also when waiting for a free
	// starter (as tests in a testing/synctest bubble must: a goroutine
	// watching the clock there never lets it advance).
	Spin time.Duration
	// Lead is the time from the end of Run's preparation (scheduling,
	// allocating, collecting garbage) to the first arrival. Default 100ms.
	Lead time.Duration
	// Interval is the timeline's interval. Default 1s, widened for runs
	// over 10 minutes so that the timeline has at most 600 intervals.
	Interval time.Duration
	// MaxSamples bounds Result.Samples. Default 10,000; negative: none.
	MaxSamples int
	// CloseTimeout bounds Target.Close. Default 30s.
	CloseTimeout time.Duration
	// Thresholds are the default thresholds (LoadDefaultThresholds); the
	// profile's own replace those of the same metric. None by default.
	Thresholds []Threshold
	// Prices price the run (EstimateCost). Default: DefaultPrices.
	Prices *Prices
	// Progress, when set, gets a progress line: redrawn 5 times a second
	// when it is a terminal, a plain line every 5 s otherwise.
	Progress io.Writer
}

// Executor defaults.
const (
	DefaultMaxInFlightStarts = 256
	DefaultHandoffBudget     = time.Millisecond
	DefaultLateAfter         = time.Millisecond
	DefaultMaxLagP99         = 5 * time.Millisecond
	DefaultSpin              = 2 * time.Millisecond
	DefaultLead              = 100 * time.Millisecond
	DefaultMaxSamples        = 10_000
	DefaultCloseTimeout      = 30 * time.Second
	maxIntervals             = 600
)

// Sample statuses: a workflow's outcome, or why it has none.
const (
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusLost       = "lost"        // started; no end before the drain deadline
	StatusDropped    = "dropped"     // no starter was free in time
	StatusStartError = "start_error" // Start returned an error
	StatusNotStarted = "not_started" // the run was interrupted first
)

// ReasonGeneratorBehind is the first of InvalidReasons when the generator
// could not keep to its schedule; the reasons after it say how.
const ReasonGeneratorBehind = "the generator fell behind; this run says nothing about the system's limit"

func (o Options) withDefaults(p *Profile) Options {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if o.MaxInFlightStarts <= 0 {
		o.MaxInFlightStarts = DefaultMaxInFlightStarts
	}
	def(&o.HandoffBudget, DefaultHandoffBudget)
	def(&o.LateAfter, DefaultLateAfter)
	def(&o.MaxLagP99, DefaultMaxLagP99)
	def(&o.Spin, DefaultSpin)
	def(&o.Lead, DefaultLead)
	def(&o.CloseTimeout, DefaultCloseTimeout)
	def(&o.Interval, max(time.Second, (p.Duration()+p.drain())/maxIntervals))
	o.Spin = max(o.Spin, 0)
	switch {
	case o.MaxSamples == 0:
		o.MaxSamples = DefaultMaxSamples
	case o.MaxSamples < 0:
		o.MaxSamples = 0
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"HandoffBudget", o.HandoffBudget}, {"LateAfter", o.LateAfter}, {"MaxLagP99", o.MaxLagP99},
		{"Lead", o.Lead}, {"Interval", o.Interval}, {"CloseTimeout", o.CloseTimeout}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("loadtest: Options.%s is %v: cannot be negative", d.name, d.v))
		}
	}
	return errors.Join(errs...)
}

// Run drives the profile's schedule against the target in an open model:
// each workflow starts at its intended time whatever happened to the
// others, and its latency runs from that intended time to its terminal
// event, so a stall of the system or the generator shows in the latency
// of every workflow it delayed (no coordinated omission).
//
// One scheduler goroutine waits for each arrival's time and hands it to a
// free starter goroutine; when none is free within HandoffBudget the
// arrival is dropped, never queued. Ends are collected until every
// started workflow ended or the drain after the last start passed; the
// rest are lost. Then the target is closed, the thresholds evaluated and
// the run judged: it is invalid if any arrival was dropped or the p99
// schedule lag exceeds MaxLagP99.
//
// When ctx is cancelled the schedule stops and Run returns what it
// measured so far (invalid) together with ctx's error. A target Close
// error is returned with the result.
func Run(ctx context.Context, p *Profile, t Target, opts Options) (*Result, error) {
	res, _, err := run(ctx, p, t, opts)
	return res, err
}

func run(ctx context.Context, p *Profile, t Target, opts Options) (*Result, *recorder, error) {
	if p == nil || t == nil {
		return nil, nil, errors.New("loadtest: Run needs a profile and a target")
	}
	cfg := opts.withDefaults(p)
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	work, starts := make(chan Arrival), make(chan startEvent, 1024)
	go startAll(ctx, t, cfg.MaxInFlightStarts, work, starts)
	arrivals, rec := prepare(p, cfg)
	sched := &scheduler{arrivals: arrivals, spin: cfg.Spin, budget: cfg.HandoffBudget, done: make(chan struct{})}
	go sched.run(ctx, work)
	rec.collect(ctx, starts, t.Ends(), sched)
	<-sched.done
	rec.finish(sched)

	stats, closeErr := closeTarget(ctx, t, cfg.CloseTimeout)
	res, err := rec.result(p, t, stats)
	if rec.interrupted {
		err = errors.Join(err, ctx.Err())
	}
	return res, rec, errors.Join(closeErr, err)
}

// prepare schedules the arrivals and readies the recorder, then collects
// the garbage of doing so: left to itself, that collection cycle ran in
// the run's first milliseconds and showed as schedule lag. The start is
// fixed after it, Lead from then, so that it makes no arrival late.
func prepare(p *Profile, cfg Options) ([]Arrival, *recorder) {
	arrivals := p.Schedule(time.Time{})
	rec := newRecorder(p, cfg, len(arrivals))
	runtime.GC()
	start := time.Now().Add(cfg.Lead)
	for i := range arrivals {
		arrivals[i].Intended = start.Add(arrivals[i].Intended.Sub(time.Time{}))
	}
	rec.begin(start, arrivals)
	return arrivals, rec
}

// startEvent is a starter's report of one Start call.
type startEvent struct {
	a   Arrival
	at  time.Time // when Start was called
	id  string
	err error
}

// startAll runs n starters over work and closes out when all have
// returned (work is closed).
func startAll(ctx context.Context, t Target, n int, work <-chan Arrival, out chan<- startEvent) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for a := range work {
				at := time.Now()
				id, err := t.Start(ctx, a)
				out <- startEvent{a: a, at: at, id: id, err: err}
			}
		})
	}
	wg.Wait()
	close(out)
}

// scheduler hands each arrival to a starter at its intended time.
type scheduler struct {
	arrivals []Arrival
	spin     time.Duration
	budget   time.Duration

	nDropped atomic.Int64 // for the progress line
	done     chan struct{}
	dropped  []int // seqs; written by run, read once done is closed
}

func (s *scheduler) run(ctx context.Context, work chan<- Arrival) {
	defer close(s.done)
	defer close(work)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for _, a := range s.arrivals {
		if !s.wait(ctx, timer, a.Intended) {
			return
		}
		switch s.handoff(ctx, work, a) {
		case handedOver:
		case noStarter:
			s.dropped = append(s.dropped, a.Seq)
			s.nDropped.Add(1)
		case cancelled:
			return
		}
	}
}

// wait sleeps until spin before due, then watches the clock until due.
func (s *scheduler) wait(ctx context.Context, timer *time.Timer, due time.Time) bool {
	if d := time.Until(due) - s.spin; d > 0 {
		timer.Reset(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return false
		}
	}
	for time.Now().Before(due) {
		runtime.Gosched()
	}
	return ctx.Err() == nil
}

type handoffResult int

const (
	handedOver handoffResult = iota
	noStarter
	cancelled
)

// handoff gives a to a free starter, waiting at most the budget for one
// (watching the clock: a timer could not wait less than a millisecond),
// or on a timer when the scheduler may not spin.
func (s *scheduler) handoff(ctx context.Context, work chan<- Arrival, a Arrival) handoffResult {
	if s.spin == 0 {
		return s.handoffOnTimer(ctx, work, a)
	}
	var since time.Time
	for {
		select {
		case work <- a:
			return handedOver
		case <-ctx.Done():
			return cancelled
		default:
		}
		switch {
		case since.IsZero():
			since = time.Now()
		case time.Since(since) > s.budget:
			return noStarter
		}
		runtime.Gosched()
	}
}

// handoffOnTimer is handoff waiting on a timer for the budget.
func (s *scheduler) handoffOnTimer(ctx context.Context, work chan<- Arrival, a Arrival) handoffResult {
	select {
	case work <- a:
		return handedOver
	default:
	}
	budget := time.NewTimer(s.budget)
	defer budget.Stop()
	select {
	case work <- a:
		return handedOver
	case <-ctx.Done():
		return cancelled
	case <-budget.C:
		return noStarter
	}
}

// flight is a started workflow awaiting its end.
type flight struct {
	seq      int
	intended time.Time
}

// intervalStats is one interval of the timeline, while it is recorded.
type intervalStats struct {
	starts, completions, failures int
	latency, lag                  *histogram // nil until needed
}

// recorder owns every measurement: it alone reads the starters' reports
// and the target's ends, so its histograms need no lock.
type recorder struct {
	cfg      Options
	start    time.Time
	drain    time.Duration
	total    time.Duration // lead + schedule + drain, for the progress line
	arrivals int

	latency, lag *histogram
	intervals    []*intervalStats
	inflight     map[string]flight
	early        map[string]Outcome // ends that came before their start's report
	samples      []Sample

	started, startErrs, completed, failed, late, lost, dropped int

	lastStart   time.Time // of the latest Start call
	end         time.Time // when collection ended
	interrupted bool
	progress    *progress
}

func newRecorder(p *Profile, cfg Options, arrivals int) *recorder {
	r := &recorder{
		cfg: cfg, drain: p.drain(), arrivals: arrivals,
		total:    cfg.Lead + p.Duration() + p.drain(),
		latency:  newHistogram(),
		lag:      newHistogram(),
		inflight: map[string]flight{},
		early:    map[string]Outcome{},
		samples:  make([]Sample, min(arrivals, cfg.MaxSamples)),
	}
	if cfg.Progress != nil {
		r.progress = newProgress(cfg.Progress)
	}
	return r
}

// begin fixes the run's start, once the arrivals are at their times.
func (r *recorder) begin(start time.Time, arrivals []Arrival) {
	r.start = start
	for i := range r.samples {
		r.samples[i] = Sample{Seq: arrivals[i].Seq, Intended: arrivals[i].Intended, Status: StatusNotStarted}
	}
}

// collect records start reports and ends until every started workflow
// ended, the drain deadline passed, or ctx is done; start reports are
// read to the end in any case, so that no starter is left blocked.
func (r *recorder) collect(ctx context.Context, starts <-chan startEvent, ends <-chan Outcome, s *scheduler) {
	var deadline <-chan time.Time
	var tick <-chan time.Time
	if r.progress != nil {
		t := time.NewTicker(r.progress.every)
		defer t.Stop()
		tick = t.C
	}
	done := ctx.Done()
	expired := false
	for starts != nil || (ends != nil && len(r.inflight) > 0 && !expired && !r.interrupted) {
		select {
		case ev, ok := <-starts:
			if !ok {
				starts = nil
				deadline = time.After(time.Until(r.lastStart.Add(r.drain)))
				continue
			}
			r.onStart(ev)
		case o, ok := <-ends:
			if !ok {
				ends = nil
				continue
			}
			r.onEnd(o)
		case <-deadline:
			expired = true
		case <-tick:
			r.progress.draw(r, s.nDropped.Load(), false)
		case <-done:
			r.interrupted, done = true, nil
		}
	}
	r.end = time.Now()
	if r.progress != nil {
		r.progress.draw(r, s.nDropped.Load(), true)
	}
}

func (r *recorder) onStart(ev startEvent) {
	lag := ev.at.Sub(ev.a.Intended)
	r.lag.record(lag)
	if lag > r.cfg.LateAfter {
		r.late++
	}
	iv := r.interval(ev.at)
	if iv.lag == nil {
		iv.lag = newIntervalHistogram()
	}
	iv.lag.record(lag)
	if ev.at.After(r.lastStart) {
		r.lastStart = ev.at
	}
	smp := r.sample(ev.a.Seq)
	smp.Started = ev.at
	if ev.err != nil {
		r.startErrs++
		smp.Status = StatusStartError
		return
	}
	r.started++
	iv.starts++
	smp.CorrelationID, smp.Status = ev.id, StatusLost // until it ends
	f := flight{seq: ev.a.Seq, intended: ev.a.Intended}
	if o, ok := r.early[ev.id]; ok {
		delete(r.early, ev.id)
		r.ended(f, o)
		return
	}
	r.inflight[ev.id] = f
}

func (r *recorder) onEnd(o Outcome) {
	f, ok := r.inflight[o.CorrelationID]
	if !ok {
		r.early[o.CorrelationID] = o
		return
	}
	delete(r.inflight, o.CorrelationID)
	r.ended(f, o)
}

// ended records a workflow's end; its latency counts from its intended
// start, and only completed workflows have one (as for the SLO).
func (r *recorder) ended(f flight, o Outcome) {
	lat := o.Ended.Sub(f.intended)
	iv := r.interval(o.Ended)
	status := StatusFailed
	if o.Status == StatusCompleted {
		status = StatusCompleted
		r.completed++
		iv.completions++
		r.latency.record(lat)
		if iv.latency == nil {
			iv.latency = newIntervalHistogram()
		}
		iv.latency.record(lat)
	} else {
		r.failed++
		iv.failures++
	}
	smp := r.sample(f.seq)
	smp.Ended, smp.Status, smp.LatencyMs = o.Ended, status, float64(lat)/float64(time.Millisecond)
}

// sample is the sample of seq, or a scratch one past the limit.
func (r *recorder) sample(seq int) *Sample {
	if seq < len(r.samples) {
		return &r.samples[seq]
	}
	return &Sample{}
}

// interval is the timeline interval holding t; times outside the run
// (another clock's skew) go to the first or last.
func (r *recorder) interval(t time.Time) *intervalStats {
	last := int(r.total / r.cfg.Interval)
	i := min(max(int(t.Sub(r.start)/r.cfg.Interval), 0), last)
	for len(r.intervals) <= i {
		r.intervals = append(r.intervals, &intervalStats{})
	}
	return r.intervals[i]
}

// finish counts what never ended or never started, once the scheduler is
// done and collection over.
func (r *recorder) finish(s *scheduler) {
	r.dropped = len(s.dropped)
	for _, seq := range s.dropped {
		r.sample(seq).Status = StatusDropped
	}
	r.lost = len(r.inflight)
}

func (r *recorder) result(p *Profile, t Target, stats TargetStats) (*Result, error) {
	res := &Result{
		Profile: p.Name, Target: t.Name(), Multiplier: p.multiplier(),
		Start: r.start, End: r.end,
		Scheduled: r.arrivals, Started: r.started, Dropped: r.dropped, Late: r.late,
		Completed: r.completed, Failed: r.failed, Lost: r.lost, StartErrs: r.startErrs,
		Latency: r.latency.summary(), ScheduleLag: r.lag.summary(),
		Distribution: r.latency.buckets(), Timeline: r.timeline(),
		Stats: stats, Samples: r.samples,
	}
	res.Valid, res.InvalidReasons = r.validity(res)
	prices := r.cfg.Prices
	var errs []error
	if prices == nil {
		var err error
		if prices, err = DefaultPrices(); err != nil {
			errs = append(errs, fmt.Errorf("could not price the run: %w", err))
		}
	}
	res.Cost = EstimateCost(stats, res.Started, prices)
	var err error
	res.Thresholds, err = evaluate(&measured{r: res, latency: r.latency}, MergeThresholds(r.cfg.Thresholds, p.Thresholds))
	return res, errors.Join(append(errs, err)...)
}

// validity judges the generator: a run it could not drive on schedule
// says nothing about the system.
func (r *recorder) validity(res *Result) (bool, []string) {
	var why []string
	if res.Dropped > 0 {
		why = append(why, fmt.Sprintf("%d of %d arrivals dropped: no starter free within %v (MaxInFlightStarts %d)",
			res.Dropped, res.Scheduled, r.cfg.HandoffBudget, r.cfg.MaxInFlightStarts))
	}
	if p99 := res.ScheduleLag.P99; p99 > float64(r.cfg.MaxLagP99)/float64(time.Millisecond) {
		why = append(why, fmt.Sprintf("p99 schedule lag %.3g ms is over the budget of %v", p99, r.cfg.MaxLagP99))
	}
	if len(why) > 0 {
		why = append([]string{ReasonGeneratorBehind}, why...)
	}
	if r.interrupted {
		why = append(why, fmt.Sprintf("interrupted: %d of %d arrivals were not reached", res.Scheduled-r.reachedCount(res), res.Scheduled))
	}
	return len(why) == 0, why
}

func (r *recorder) reachedCount(res *Result) int { return res.Started + res.StartErrs + res.Dropped }

func (r *recorder) timeline() []Interval {
	n := max(len(r.intervals), int(r.end.Sub(r.start)/r.cfg.Interval)+1)
	n = max(min(n, int(r.total/r.cfg.Interval)+1), 0)
	out := make([]Interval, n)
	for i := range out {
		out[i].At = r.start.Add(time.Duration(i) * r.cfg.Interval)
		if i >= len(r.intervals) {
			continue
		}
		iv := r.intervals[i]
		out[i].Starts, out[i].Completions, out[i].Failures = iv.starts, iv.completions, iv.failures
		if iv.latency != nil {
			out[i].LatencyP50, out[i].LatencyP99 = iv.latency.quantileMs(50), iv.latency.quantileMs(99)
		}
		if iv.lag != nil {
			out[i].LagP99 = iv.lag.quantileMs(99)
		}
	}
	return out
}

// closeTarget closes t within timeout even when ctx is done, reading (and
// discarding) its late ends meanwhile so that a target that delivers
// while it closes is not blocked by the reader that went away.
func closeTarget(ctx context.Context, t Target, timeout time.Duration) (TargetStats, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func(ends <-chan Outcome) {
		for {
			select {
			case _, ok := <-ends:
				if !ok {
					return
				}
			case <-stop:
				return
			}
		}
	}(t.Ends())
	stats, err := t.Close(cctx)
	if err != nil {
		return stats, fmt.Errorf("could not close the %s target: %w", t.Name(), err)
	}
	return stats, nil
}

// progress draws the one-line progress of a run.
type progress struct {
	w     io.Writer
	tty   bool
	every time.Duration
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.every = true, 200*time.Millisecond
		}
	}
	return p
}

func (p *progress) draw(r *recorder, dropped int64, final bool) {
	elapsed := max(time.Since(r.start.Add(-r.cfg.Lead)), 0)
	frac := min(float64(elapsed)/float64(r.total), 1)
	if final {
		frac = 1
	}
	const width = 20
	bar := strings.Repeat("=", int(frac*width)) + strings.Repeat(" ", width-int(frac*width))
	line := fmt.Sprintf("[%s] %s/%s  started %d  ended %d  in flight %d  dropped %d  p99 %s",
		bar, elapsed.Round(time.Second), r.total.Round(time.Second), r.started, r.completed+r.failed,
		len(r.inflight), dropped, roundForHumans(time.Duration(r.latency.quantileMs(99)*float64(time.Millisecond))))
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}

// roundForHumans keeps about three significant digits.
func roundForHumans(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	case d < time.Minute:
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}
