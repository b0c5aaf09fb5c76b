package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// Scenario is one injected incident and how it must show.
type Scenario struct {
	Name        string
	Incident    string // the incident id of docs/INCIDENTS.md; "" for clean
	Description string
	Workflows   int // the default number of workflows
	Seed        uint64
	Duplicates  float64 // share of deliveries made twice
	Dust        int     // dust positions in the account (StackConfig.Dust)
	CashOnly    bool    // the account starts with cash only: the first plan buys
	// TimeScale compresses the bus's and Lambda's retry waits;
	// local.DefaultTimeScale/10 when zero.
	TimeScale float64
	// Chaos returns the stack's faults for the sessions the run trades.
	Chaos func(days []time.Time) Knobs
	// Setup injects faults on the stack before the run.
	Setup func(s *Stack)
	// After acts on the stack once the workflows have run (a redrive, a
	// replay); the checks see what it caused.
	After func(ctx context.Context, s *Stack) error
	// Alarms must reach ALARM; when empty, no alarm may.
	Alarms []string
	// Notifications are what the humans must receive from the run's
	// alarms (CountNotifications): one page or one ticket for an
	// incident, none (the zero value) for a clean run or an absorbed
	// fault.
	Notifications Notifications
	// Racy alarms fire or not with the machine's timing (a throttle when
	// deliveries happen to overlap): their notifications are reported
	// but not held to Notifications.
	Racy []string
	// Quiet alarms must not fire: the system recovered by itself, so
	// the alarm of the unrecovered case would be a false page.
	Quiet []string
	// Absorbed names the metric that shows a fault the system absorbed
	// (publish retries, claim checks): no alarm may fire, no incident query
	// may find anything, and the metric must have counted it.
	Absorbed string
	// Spec adjusts the SLO spec before the alarms are evaluated (a
	// threshold the local stack can reach).
	Spec func(*alarms.Spec)
	// Query is the saved query that finds the incident, with Params.
	Query  string
	Params map[string]string
	// Column names the affected workflows in Query's result; Affected, when
	// set, returns exactly the workflows it must list.
	Column   string
	Affected func(o *Observed) []string
	// Found, when set, picks the affected workflows from Query's result
	// instead of Column's distinct values.
	Found func(r *insights.Result) []string
	// NoFailedOrders adds the invariant of that name (a recovery that
	// must not trade wrongly): no order failed, and the workflows that
	// ended stale_skipped are exactly Stale's (none when Stale is nil).
	NoFailedOrders bool
	Stale          func(o *Observed) []string
	// Invariant, when set, is the scenario's own check, beside the
	// invariants every scenario is held to.
	Invariant func(o *Observed) Check
}

// ErrUnknownScenario is returned by Named for a name not in Scenarios.
var ErrUnknownScenario = errors.New("unknown chaos scenario")

// Named returns the scenario called name.
func Named(name string) (Scenario, error) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, nil
		}
	}
	return Scenario{}, fmt.Errorf("%w %q (have %v)", ErrUnknownScenario, name, Names())
}

// Names are the scenarios' names, in order.
func Names() []string {
	var out []string
	for _, s := range Scenarios() {
		out = append(out, s.Name)
	}
	return out
}

// Options tune Run.
type Options struct {
	Workflows int       // the scenario's own count when zero
	Dir       string    // the run directory, created (must not exist) and kept; a temporary one when empty
	Keep      bool      // keep the temporary run directory
	SpecFile  string    // the built-in alarms/slos.yaml when empty
	Progress  io.Writer // one line per workflow; silent when nil
	// Unguarded disables the idempotency protection (StackConfig);
	// for tests showing an invariant catch its absence.
	Unguarded bool
	// Unprotect, when set, alters the stack's configuration after the
	// scenario's: tests remove a protection with it (a timeout, a retry)
	// and show an invariant catch the regression.
	Unprotect func(*StackConfig)
	// Tamper, when set, alters the observations before they are checked;
	// for tests showing a check catch a wrong count.
	Tamper func(*Observed)
	// SpecEdit, when set, alters the SLO spec after the scenario's Spec.
	SpecEdit func(*alarms.Spec)
	// Network is the paper exchange's network (StackConfig.Network);
	// tests run scenarios in a testing/synctest bubble on internal/memnet's.
	Network local.Network
}

// Run runs sc on a fresh local stack and checks the invariants. An error
// means the run itself could not be made or read; a failed invariant is
// in the report.
func Run(ctx context.Context, sc Scenario, o Options) (*Report, error) {
	dir, cleanup, err := runDir(o)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cs, err := prepare(ctx, sc, o, dir, nil)
	if err != nil {
		return nil, err
	}
	rep, err := cs.Run(ctx)
	if err == nil && sc.After != nil {
		err = sc.After(ctx, cs)
		cs.Bus.Wait()
	}
	if err == nil {
		var spec *alarms.Spec
		if spec, err = scenarioSpec(sc, o); err == nil {
			err = deliverAlarms(ctx, cs, spec, cs.knobs)
		}
	}
	cs.Close() // flush the log groups
	if err != nil {
		return nil, fmt.Errorf("could not run scenario %s: %w", sc.Name, err)
	}
	obs, err := observe(dir, rep, cs.DuplicateOrders(), len(cs.Orders()))
	if err != nil {
		return nil, err
	}
	if o.Tamper != nil {
		o.Tamper(obs)
	}
	r, err := check(sc, o, obs)
	if err == nil && o.Dir == "" && !o.Keep {
		r.RunDir = "" // removed on return
	}
	return r, err
}

// Prepare builds sc's stack in o.Dir (created when missing; required)
// for o.Workflows workflows (the scenario's own count when 0), with its
// faults injected (its Chaos knobs and its Setup), ready for Stack.Run;
// extra are local stack options applied after the scenario's. Nothing is
// checked: the caller runs the workflows (and sc.After when it wants the
// scenario's action) and closes the stack. It is how a scenario's fault
// runs on a long-lived stack (alchemiser local up --scenario).
func Prepare(ctx context.Context, sc Scenario, o Options, extra ...local.Option) (*Stack, error) {
	if o.Dir == "" {
		return nil, errors.New("could not prepare the scenario's stack: no run directory")
	}
	return prepare(ctx, sc, o, o.Dir, extra)
}

// prepare builds and sets up sc's stack in dir.
func prepare(ctx context.Context, sc Scenario, o Options, dir string, extra []local.Option) (*Stack, error) {
	cfg, err := stackConfig(sc, o, dir)
	if err != nil {
		return nil, err
	}
	cfg.Options = extra
	if o.Unprotect != nil {
		o.Unprotect(&cfg)
	}
	cs, err := NewStack(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("could not start the stack: %w", err)
	}
	if sc.Setup != nil {
		sc.Setup(cs)
	}
	return cs, nil
}

func stackConfig(sc Scenario, o Options, dir string) (StackConfig, error) {
	n := cmp(o.Workflows, sc.Workflows)
	spec, err := scenarioSpec(sc, o)
	if err != nil {
		return StackConfig{}, err
	}
	cfg := StackConfig{Dir: dir, Workflows: n, Seed: sc.Seed, Duplicates: sc.Duplicates, TimeScale: sc.TimeScale,
		Progress: o.Progress, Unguarded: o.Unguarded, Dust: sc.Dust, CashOnly: sc.CashOnly, Network: o.Network, SLOs: spec}
	if sc.Chaos == nil {
		return cfg, nil
	}
	ds, err := marketdata.Synthetic()
	if err != nil {
		return cfg, err
	}
	days := ds.TradingDays()
	if n < 1 || n > len(days) {
		return cfg, fmt.Errorf("could not run: %d workflows", n)
	}
	cfg.Knobs = sc.Chaos(days[len(days)-n:])
	return cfg, nil
}

func cmp(a, b int) int {
	if a > 0 {
		return a
	}
	return max(b, 1)
}

// runDir returns the run directory and what removes it afterwards.
func runDir(o Options) (string, func(), error) {
	if o.Dir != "" {
		if err := os.MkdirAll(filepath.Dir(o.Dir), 0o755); err != nil {
			return "", nil, fmt.Errorf("could not create run directory: %w", err)
		}
		if err := os.Mkdir(o.Dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("could not create run directory (it must not exist): %w", err)
		}
		return o.Dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "chaos-run")
	if err != nil {
		return "", nil, fmt.Errorf("could not create run directory: %w", err)
	}
	if o.Keep {
		return dir, func() {}, nil
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

// affectedIDs returns the ids of o's results whose status is in statuses.
func affectedIDs(o *Observed, statuses ...string) []string {
	var out []string
	for _, r := range o.Results {
		if slices.Contains(statuses, r.Status) && r.CorrelationID != "" {
			out = append(out, r.CorrelationID)
		}
	}
	slices.Sort(out)
	return out
}
