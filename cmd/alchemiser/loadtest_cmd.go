package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/loadtest"
	"github.com/alchemiser/alchemiser/loadtest/report"
	"github.com/spf13/cobra"
)

// errThresholds is the exit status 1 of a load test that failed a
// threshold or whose generator fell behind.
var errThresholds = errors.New("the load test failed")

type loadtestFlags struct {
	profile, target, out, slos string
	multiplier                 float64
	brokerLatency, maxLag      time.Duration
	brokerErrors, thresholds   []string
	skip                       []string
	stack, awsProfile, region  string
	yes, asJSON                bool
}

func newLoadtestCmd() *cobra.Command {
	var f loadtestFlags
	cmd := &cobra.Command{
		Use:   "loadtest [--profile FILE] [--target local|aws --stack NAME --yes]",
		Short: "Drive the workflow at a multiple of its expected load and check the SLOs",
		Long: `loadtest runs a load profile (loadtest/profiles/*.yaml, built into the binary:
--profile smoke names one, --profile FILE reads a file) with an open-loop
generator: every workflow start is scheduled in advance, independently of how
the system responds, and its latency is measured from that intended start to its
WorkflowCompleted or WorkflowFailed, so a stall cannot hide itself (coordinated
omission). The generator watches itself: a start it could not make in time is
dropped and counted, and a run whose generator fell behind is reported INVALID,
never as the system's limit.

The default profile, daily.yaml, is one account's trading day at the open,
doubled: the scheduled workflow and a manual run, the watchdog every five
minutes, EventBridge redeliveries and broker errors, through the execution
function's reserved concurrency (template.yaml: 1), so the report shows the
queueing the deployed stack has (throttles, time queued). multitenant.yaml is
the 50-account burst, one stack per account.

Thresholds come from alarms/slos.yaml (p(99) under the latency SLO, error rate
under the success SLO's budget, no dead letters, no duplicate orders), replaced
or extended by the profile's own and --threshold. A threshold the target cannot
measure is reported "not measured" and fails the run; --skip-threshold METRIC
removes it.

--target local (the default) runs the embedded stack with the paper exchange;
--broker-latency and --broker-error-rate STATUS=P override the profile's fault
knobs.

--target aws puts WorkflowStarted events on a deployed stack (--stack): its bus,
and the results queue EnableLoadTest=true creates, are read from its resources.
It refuses, before the first event, a stack that is not a load-test stage (its
LoadTestBrokerUrl parameter routes every function to a paper exchange or a stub
broker instead of the account in its Alpaca secret), a missing stack, missing
credentials, and a run without --yes. It cannot count dead letters, duplicate
orders or notifications, or what the run cost: those thresholds are not
measured, and the cost is unknown.

Writes loadtest.json and loadtest.html (plots, thresholds, queueing, the cost
estimate) to --out and prints a summary; --json prints the result instead.
Progress goes to stderr.

Exit status: 0 when every threshold passed on a valid run, 1 when one failed or
the run is invalid, 2 on bad usage, an invalid profile, or a stack it refuses.`,
		Example: "  alchemiser loadtest\n" +
			"  alchemiser loadtest --profile loadtest/profiles/smoke.yaml --broker-latency 2s\n" +
			"  alchemiser loadtest --target aws --stack alchemiser-loadtest --yes --skip-threshold dlq --skip-threshold duplicate_orders --skip-threshold duplicate_notifications",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLoadtest(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "daily", "load profile: a file, or a built-in profile's name ("+strings.Join(loadtest.BuiltinProfiles(), ", ")+")")
	fl.StringVar(&f.target, "target", "local", "local (embedded stack) or aws (a deployed stack)")
	fl.Float64Var(&f.multiplier, "multiplier", 0, "replaces the profile's multiplier")
	fl.StringVar(&f.out, "out", "", "directory for loadtest.json and loadtest.html; local: also the run directory, which must not exist (default: a new run directory under runs/)")
	fl.StringVar(&f.slos, "slos", "", "SLO spec the default thresholds come from (default: the built-in alarms/slos.yaml)")
	fl.DurationVar(&f.brokerLatency, "broker-latency", -1, "local: replaces the profile's broker latency")
	fl.StringArrayVar(&f.brokerErrors, "broker-error-rate", nil, "local: STATUS=P, e.g. 500=0.2; replaces the profile's error rates (repeatable)")
	fl.StringArrayVar(&f.thresholds, "threshold", nil, "a threshold such as 'p(99) < 60s' or 'error_rate < 1%'; replaces the profile's and the default of the same metric (repeatable)")
	fl.StringArrayVar(&f.skip, "skip-threshold", nil, "removes the thresholds on METRIC (dlq, duplicate_orders, p(99), ...) from the run, e.g. one the target cannot measure (repeatable)")
	fl.StringVar(&f.stack, "stack", "", "aws: the CloudFormation stack to load, a load-test stage (LoadTestBrokerUrl set, EnableLoadTest=true)")
	fl.StringVar(&f.awsProfile, "aws-profile", "", "aws: AWS shared-config profile (default: AWS_PROFILE, or the default profile)")
	fl.StringVar(&f.region, "region", "", "aws: AWS region (default: AWS_REGION, or the profile's)")
	fl.BoolVar(&f.yes, "yes", false, "aws: proceed: put the profile's workflows on the stack's bus")
	fl.DurationVar(&f.maxLag, "max-lag-p99", 0, "p99 schedule lag past which the run is invalid (default 5ms; 20ms on the local target)")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON instead of a summary")
	return cmd
}

// loadProfile reads the profile file at name or, when there is no such
// file, the built-in profile of that name (daily, or its repository path
// loadtest/profiles/daily.yaml): the load test runs from any directory.
func loadProfile(name string) (*loadtest.Profile, error) {
	if _, err := os.Stat(name); err == nil {
		return loadtest.LoadProfile(name)
	}
	if p, ok, err := loadtest.BuiltinProfile(name); ok {
		return p, err
	}
	return loadtest.LoadProfile(name)
}

func runLoadtest(cmd *cobra.Command, f loadtestFlags) error {
	p, err := loadProfile(f.profile)
	if err != nil {
		return usageError{err}
	}
	if f.multiplier < 0 {
		return usageError{fmt.Errorf("--multiplier must be above 0, got %g", f.multiplier)}
	}
	if f.multiplier > 0 {
		p.Multiplier = f.multiplier
	}
	if f.brokerLatency >= 0 {
		p.Broker.Latency = f.brokerLatency
	}
	if f.brokerErrors != nil {
		if p.Broker.ErrorRates, err = errorRates(f.brokerErrors); err != nil {
			return usageError{err}
		}
	}
	spec, err := loadSpec(f.slos)
	if err != nil {
		return usageError{fmt.Errorf("--slos: %w", err)}
	}
	defaults, err := loadtest.DefaultThresholds(spec)
	if err != nil {
		return usageError{fmt.Errorf("--slos: %w", err)}
	}
	var own []loadtest.Threshold
	for _, expr := range f.thresholds {
		t, err := loadtest.ParseThreshold(expr)
		if err != nil {
			return usageError{fmt.Errorf("--threshold: %w", err)}
		}
		t.Source = "command line"
		own = append(own, t)
	}
	p.Thresholds = loadtest.MergeThresholds(p.Thresholds, own)
	all := loadtest.MergeThresholds(defaults, p.Thresholds)
	if all, err = loadtest.SkipThresholds(all, f.skip); err != nil {
		return usageError{fmt.Errorf("--skip-threshold: %w", err)}
	}
	// The run's thresholds are all in the profile's now: the defaults
	// it did not replace, less the skipped.
	p.Thresholds, defaults = all, nil
	ctx := cmd.Context()
	var target loadtest.Target
	switch f.target {
	case "local":
		target, err = loadtest.NewLocal(ctx, loadtest.LocalConfig{RunDir: f.out}.WithProfile(p))
	case "aws":
		target, err = awsLoadTarget(ctx, f, p, cmd.ErrOrStderr())
	default:
		return usageError{fmt.Errorf("--target %q: local or aws", f.target)}
	}
	if err != nil {
		return err
	}
	// Run returns what it measured even with an error (interrupted, a
	// target that would not close): report it, then fail.
	opts := loadtest.Options{Thresholds: defaults, Progress: cmd.ErrOrStderr()}
	if f.target == "local" {
		// The local stack shares the process and the CPUs with the
		// generator; its workflows take seconds, so 20 ms of schedule lag
		// is under 1% of what is measured. (The generator alone keeps
		// p99 under 0.1 ms: BenchmarkGenerator.)
		opts.MaxLagP99 = 20 * time.Millisecond
	}
	if f.maxLag > 0 {
		opts.MaxLagP99 = f.maxLag
	}
	res, runErr := loadtest.Run(ctx, p, target, opts)
	if res == nil {
		return runErr
	}
	dir := f.out
	if dir == "" {
		dir = res.Stats.RunDir
	}
	if dir == "" {
		dir = filepath.Join("runs", "loadtest-"+time.Now().UTC().Format("20060102T150405Z"))
	}
	if err := writeReports(dir, res); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if f.asJSON {
		err = report.WriteJSON(w, res)
	} else {
		err = printLoadtest(w, res, dir)
	}
	if err != nil || runErr != nil {
		return errors.Join(err, runErr)
	}
	if !res.Passed() {
		return errThresholds
	}
	return nil
}

// thresholdMetric is the metric an expression is on: what
// --skip-threshold takes.
func thresholdMetric(expr string) string {
	if t, err := loadtest.ParseThreshold(expr); err == nil {
		return t.Metric
	}
	return expr
}

// errorRates parses STATUS=P flags.
func errorRates(flags []string) (map[int]float64, error) {
	out := map[int]float64{}
	for _, s := range flags {
		k, v, ok := strings.Cut(s, "=")
		status, err1 := strconv.Atoi(k)
		p, err2 := strconv.ParseFloat(v, 64)
		if !ok || err1 != nil || err2 != nil || status < 400 || status > 599 || p < 0 || p > 1 {
			return nil, fmt.Errorf("--broker-error-rate %q: want STATUS=P with STATUS 400-599 and P between 0 and 1", s)
		}
		out[status] = p
	}
	return out, nil
}

func writeReports(dir string, res *loadtest.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var j, h bytes.Buffer
	if err := report.WriteJSON(&j, res); err != nil {
		return err
	}
	if err := report.WriteHTML(&h, res); err != nil {
		return err
	}
	return errors.Join(os.WriteFile(filepath.Join(dir, "loadtest.json"), j.Bytes(), 0o644),
		os.WriteFile(filepath.Join(dir, "loadtest.html"), h.Bytes(), 0o644))
}

func printLoadtest(w io.Writer, r *loadtest.Result, dir string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: profile %s ×%g on %s, %s\n", report.Verdict(r), r.Profile, r.Multiplier, r.Target, r.End.Sub(r.Start).Round(time.Millisecond))
	if !r.Valid {
		fmt.Fprintf(&b, "INVALID RUN: %s\n", strings.Join(r.InvalidReasons, "; "))
	}
	fmt.Fprintf(&b, "workflows: %d scheduled, %d started, %d completed, %d failed, %d lost, %d dropped, %d late starts\n",
		r.Scheduled, r.Started, r.Completed, r.Failed, r.Lost, r.Dropped, r.Late)
	l := r.Latency
	fmt.Fprintf(&b, "latency from intended start (ms): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", l.P50, l.P90, l.P99, l.P999, l.Max)
	fmt.Fprintf(&b, "schedule lag (ms): p50 %.3f  p99 %.3f  max %.3f\n", r.ScheduleLag.P50, r.ScheduleLag.P99, r.ScheduleLag.Max)
	for _, t := range r.Thresholds {
		mark := "pass"
		if !t.Pass {
			mark = "FAIL"
		}
		if t.NoData {
			fmt.Fprintf(&b, "  %s  %-28s no data (%s)\n", mark, t.Expr, t.Source)
			continue
		}
		if t.NotMeasured {
			fmt.Fprintf(&b, "  %s  %-28s not measured on %s (%s; --skip-threshold %s removes it)\n", mark, t.Expr, r.Target, t.Source, thresholdMetric(t.Expr))
			continue
		}
		fmt.Fprintf(&b, "  %s  %-28s value %g %s (%s)\n", mark, t.Expr, t.Value, t.Unit, t.Source)
	}
	if n := r.Stats.WatchdogChecks; n > 0 {
		fmt.Fprintf(&b, "watchdog: %d checks during the run\n", n)
	}
	for _, q := range r.Stats.Queueing {
		fmt.Fprintf(&b, "queueing: %s (reserved concurrency %d): %d throttles, %d of %d invocations queued, queued (ms) p50 %.0f  p99 %.0f  max %.0f, %d expired\n",
			q.Function, q.ReservedConcurrency, q.Throttles, q.Queued, q.Invocations, q.QueuedMs.P50, q.QueuedMs.P99, q.QueuedMs.Max, q.Expired)
	}
	switch c := r.Cost; {
	case c != nil && len(c.Unknown) > 0:
		fmt.Fprintf(&b, "estimated AWS cost: unknown: %s not measured on %s (the measured lines come to $%.6f)\n", strings.Join(c.Unknown, ", "), r.Target, c.TotalUSD)
	case c != nil:
		fmt.Fprintf(&b, "estimated AWS cost: $%.6f for the run, $%.8f per workflow (prices as of %s)\n", c.TotalUSD, c.PerWorkflow, c.PricesAsOf)
	}
	abs, _ := filepath.Abs(filepath.Join(dir, "loadtest.html"))
	fmt.Fprintf(&b, "report: file://%s (and loadtest.json)\n", abs)
	_, err := io.WriteString(w, b.String())
	return err
}
