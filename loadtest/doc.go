// Package loadtest drives the trading workflow at a multiple of its
// expected load, measures the end-to-end latency of the asynchronous
// pipeline without coordinated omission, checks SLO thresholds and
// reports.
//
// # Profiles
//
// A profile is the expected load as data. profiles/daily.yaml, the
// default, is this system: one account's trading day at the open (the
// scheduled workflow, a manual run, the watchdog, redeliveries, broker
// errors) at 2x, through the execution function's reserved concurrency.
// profiles/multitenant.yaml is a burst of 50 accounts, one stack each;
// profiles/smoke.yaml a tiny one for tests.
//
//	name: daily
//	description: ...
//	multiplier: 2               # default 2; applies to rates, burst sizes and the watchdog
//	orders_per_workflow: 6      # expected, for the cost estimate
//	drain: 30s                  # wait for ends after the last start; default 60s
//	broker:
//	  latency: 50ms             # or a bare number of milliseconds
//	  error_rates: {500: 0.01, 429: 0.005}
//	redeliveries: 0.05          # share of EventBridge deliveries made twice; default 0
//	watchdog: 5m                # the watchdog schedule's interval; default never
//	execution_concurrency: 0    # replaces template.yaml's ExecutionReservedConcurrency (0: none)
//	phases:
//	  - {name: background, shape: constant, rate: 0.5, duration: 60s}
//	  - {name: warm-up, shape: ramping, from: 0, to: 2, duration: 30s, start: 10s}
//	  - {name: open, shape: burst, workflows: 50, window: 10s, spread: poisson, seed: 935}
//	thresholds: ["p(99) < 60s", "lost == 0"]
//
// Phases schedule workflow starts. redeliveries, watchdog and
// execution_concurrency shape the local stack instead (LocalConfig.WithProfile):
// the deployed stack has its own schedules, delivery and concurrency.
//
// Shapes: constant (rate per second for duration), ramping (from → to per
// second, linearly, over duration) and burst (workflows within window;
// duration, if given, is the phase's length and must hold the window).
// start offsets a phase from the run's start. The i-th arrival of a
// constant or ramping phase is due when its expected count (the integral
// of the rate) reaches i, so the first is at the phase's start and there
// are ⌈integral⌉ of them. A burst spreads its starts evenly (spread: even,
// the default: window×i/N) or at N seeded uniform random offsets, sorted
// (spread: poisson: a Poisson process conditioned on N arrivals, the same
// for the same seed). The multiplier scales rates, and burst sizes
// rounded to the nearest whole start. Profile.Schedule is deterministic.
//
// Profiles are parsed from YAML nodes so that every error, all of them at
// once, says file:line:col: unknown or repeated fields, fields a shape does
// not take, negative rates, unknown shapes or spreads, a window longer
// than its phase, a multiplier <= 0, durations without a unit, error rates
// or redeliveries outside [0, 1], error rates adding up past 1, an
// execution_concurrency that is negative or not whole, bad thresholds (pointing at the
// character), schedules of more than MaxArrivals (1,000,000) and phases
// ending after MaxDuration (24 h).
//
// # The executor
//
// Run is an open model, like k6's constant- and ramping-arrival-rate
// executors and Gatling's open injection: arrivals are fixed before the
// run and start whatever the system does. Run schedules, allocates, and
// collects the garbage of doing so (runtime.GC) before it fixes the
// start, Lead (100 ms) later; a collection cycle in the run's first
// milliseconds otherwise showed as schedule lag. One scheduler goroutine
// sleeps until Spin (2 ms) before each arrival, then watches the clock to
// its intended time: Go's timers wake up to ~1.1 ms late on Linux, because
// the netpoller's wait is in whole milliseconds. It hands the arrival to one of
// MaxInFlightStarts (256) starter goroutines through an unbuffered
// channel; if none is free within HandoffBudget (1 ms) the arrival is
// dropped, never queued behind a stall (k6's dropped_iterations). A
// starter records the schedule lag (its Start call's time − the intended
// time) and calls Target.Start.
//
// Latency runs from the intended start to the Outcome's Ended time, so a
// stall — of the system or of the generator — is in the latency of every
// workflow it delayed. Only completed workflows have a latency (the
// workflow-latency SLO is about completed workflows); failures count in
// error_rate. Ends are collected until every started workflow ended or
// the drain after the last start passed; the rest are lost.
//
// The generator watches itself: a start more than LateAfter (1 ms) after
// its time is late; a run with a dropped arrival, or whose p99 schedule
// lag exceeds MaxLagP99 (5 ms), is invalid — the generator fell behind,
// and the run says nothing about the system's limit. Workflows take
// seconds, so 5 ms of lag changes no latency that matters, while more
// means the generator itself is saturated (its own CPU, GC, a target
// whose Start blocks). An invalid run fails whatever its thresholds say.
//
// One goroutine (the recorder) owns every histogram: hdrhistogram-go is
// not safe for concurrent writes, and a few thousand records a second
// need no sharding. Histograms are in microseconds from 1 µs to 1 h (longer
// values are recorded as 1 h) with 3 significant digits; the timeline's
// per-interval ones keep 2. The timeline has 1 s intervals (wider for
// runs over 10 minutes: at most 600); Samples keep every workflow up to
// MaxSamples (10,000), with its status: completed, failed, lost,
// dropped, start_error or not_started.
//
// # Thresholds
//
// Thresholds are k6-like expressions: p(N), avg and max of the latency
// (with a duration: "p(99) < 60s", "p(95) <= 2500ms", "max < 2m"),
// error_rate (with a percentage: "error_rate < 1%"), and the counts dlq,
// duplicate_orders, duplicate_notifications, dropped and lost ("dlq ==
// 0"); operators < <= > >= == !=. error_rate is (failed + lost + start
// errors) / (started + start errors): a workflow the system refused to
// start failed too. The defaults come from alarms/slos.yaml
// (LoadDefaultThresholds): the WorkflowDuration latency SLO gives
// p(<objective>) < <threshold_ms>, the WorkflowsCompleted success SLO
// error_rate < <100 − objective>%, plus dlq == 0 and duplicate_orders ==
// 0; a profile's thresholds replace the defaults of the same metric, and
// SkipThresholds removes them. A threshold on a count the target does not
// measure (TargetStats.Unmeasured: the aws target's dlq, duplicate_orders
// and duplicate_notifications) is not measured, and fails: a run never
// passes on what it did not see. Result.Passed is true when the run is
// valid and every threshold passed.
//
// # Queueing
//
// The local target's emulator throttles a function's invocations beyond
// its reserved concurrency and keeps asynchronous events in Lambda's
// queue, retried with Lambda's backoff (package emulator); TargetStats.Queueing
// reports, per function that reserves some, the throttles and the time
// each invocation was queued, as the deployed stack would have them.
//
// # Limits
//
// The scheduler spins for up to Spin before every arrival: at thousands of
// arrivals a second it keeps one core busy, and its precision is that of
// the core it gets. BenchmarkGenerator (5,000 starts/s on a 2-vCPU VM):
// p99 lag 42-84 µs while the other vCPU was free; 1-94 ms while other
// processes saturated both (such a run is marked invalid past MaxLagP99).
// Spin < 0 sleeps on timers only, also while waiting for a free starter:
// 1-3 ms p99 lag at best, and the mode of the package's tests, which run
// in testing/synctest bubbles (a goroutine watching the clock would keep
// a bubble's virtual clock from advancing). Memory is about 200 KB per
// run histogram, 55 KB per timeline interval, and one map entry per
// workflow in flight. The Noop target measures the generator alone
// (BenchmarkGenerator).
package loadtest
