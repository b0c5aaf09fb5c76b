package localaws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alchemiser/alchemiser/app/budgets"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/ssm"
	"github.com/alchemiser/alchemiser/topology"
)

// DefaultAddr is where the endpoint listens by default: LocalStack's
// port, so tools that know it find it.
const DefaultAddr = "127.0.0.1:4566"

// Config configures Up.
type Config struct {
	// Addr is the listen address, on loopback only (CheckAddr);
	// DefaultAddr when empty; port 0 picks a free one.
	Addr string
	// OutDir is the parent of a new run directory; "runs" when empty.
	OutDir string
	// RunDir is the run directory itself; it overrides OutDir.
	RunDir string
	// Workflows is how many workflows Endpoint.Run runs; 1 when zero, the
	// scenario's own count with Scenario.
	Workflows int
	// Seed is the local stack's seed (local.Config.Seed).
	Seed uint64
	// Scenario, when set, names a chaos scenario whose fault the stack
	// runs with (chaos.Prepare); its invariants are not checked.
	Scenario string
	// Progress gets one line per workflow; silent when nil.
	Progress io.Writer
	// Log gets what the endpoint itself does (schedules fired or not);
	// discarded when nil.
	Log *slog.Logger
	// TradingEnabled is the execution function's kill switch
	// (local.WithTradingEnabled); when nil, the kill-switch parameter of
	// the endpoint's SSM (localaws/ssm), read as Lambda reads it, so that
	// `aws ssm put-parameter` and `alchemiser trading halt` stop trading.
	TradingEnabled func(ctx context.Context) (bool, error)
	// Trading starts the kill-switch parameter at "true" (trading
	// resumed), for a run directory that has none yet; otherwise it starts
	// as template.yaml declares it, "false", and the workflows complete
	// with outcome halted, placing no order, until `alchemiser trading
	// resume`.
	Trading bool
	// Clock is the stack's clock (emulator.WithClock), whose Now the
	// services read; the stack's default (emulator.ScaledClock) when nil.
	Clock emulator.Clock
	// Now is what time the APIs say it is: query ranges, visibility
	// timeouts, the alarms' evaluation; Clock's Now when nil. A test moves
	// it forward to see the alarms after time has passed.
	Now func() time.Time
	// NoSchedules keeps the template's schedules from firing on the wall
	// clock (a test that must not meet 09:35 New York, or the watchdog's
	// five minutes, halfway through); Run still runs the workflows.
	NoSchedules bool
	// Network serves the paper exchange on an in-memory network
	// (local.WithNetwork); 127.0.0.1 when nil.
	Network local.Network
}

// Endpoint is a running local stack serving the AWS APIs.
type Endpoint struct {
	// URL is the endpoint's base URL (http://127.0.0.1:4566), for
	// AWS_ENDPOINT_URL and --endpoint-url.
	URL string
	// RunDir is the stack's run directory.
	RunDir string
	// Stack is the local stack the services serve.
	Stack *local.Stack

	cfg     Config
	now     func() time.Time
	srv     *http.Server
	served  chan error
	cancel  context.CancelFunc // the stack's and the loops' context
	loops   sync.WaitGroup
	stops   []func() error          // the services' own shutdowns, in order
	params  atomic.Pointer[ssm.SSM] // the kill switch's store, once the services are built
	after   func(ctx context.Context) error
	running sync.Mutex // Run and Close
	closed  bool
}

// Up listens on cfg.Addr, builds the local stack (or the scenario's) and
// the services on it, and serves them; it returns once the listener
// accepts requests. The schedules fire on the stack's clock until Close.
// Up does not run the workflows: Run does.
func Up(ctx context.Context, cfg Config) (*Endpoint, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if err := CheckAddr(cfg.Addr); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ln, err := listen(cfg.Addr)
	if err != nil {
		return nil, err
	}
	e := &Endpoint{URL: "http://" + ln.Addr().String(), cfg: cfg, served: make(chan error, 1), now: emulator.ScaledClock{}.Now}
	if cfg.Clock != nil {
		e.now = cfg.Clock.Now
	}
	if cfg.Now != nil {
		e.now = cfg.Now
	}
	// The stack lives until Close, not until ctx ends: Close stops it in
	// order, after the server, so that nothing in flight is lost.
	var life context.Context
	life, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := e.start(life, ln); err != nil {
		_ = ln.Close()
		return nil, errors.Join(err, e.Close())
	}
	return e, nil
}

// listen opens addr, saying so when another process holds the port.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("could not listen on %s: the port is in use (another local stack?); pick another with --addr", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("could not listen on %s: %w", addr, err)
	}
	return ln, nil
}

// start builds the stack, the services and the schedules, and serves.
func (e *Endpoint) start(ctx context.Context, ln net.Listener) error {
	if err := e.stack(ctx); err != nil {
		return err
	}
	services, err := e.services(ctx)
	if err != nil {
		return err
	}
	api, err := awsapi.NewServer(services)
	if err != nil {
		return err
	}
	sched, err := newSchedules(e.Stack.Top)
	if err != nil {
		return err
	}
	e.srv = &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go func() { e.served <- e.srv.Serve(ln) }()
	s := &schedules{now: e.now, wait: sleep, list: sched, log: e.cfg.Log.Warn,
		fire: func(s *topology.Schedule, at time.Time) error { return e.Stack.Bus.FireSchedule(ctx, s, at) }}
	if !e.cfg.NoSchedules {
		e.loops.Go(func() { s.run(ctx) })
	}
	return nil
}

// stack builds the local stack, or the chaos scenario's.
func (e *Endpoint) stack(ctx context.Context) error {
	// Once the replayed sessions are done, the market is today's on the
	// stack's clock: the schedules and manual runs start today's
	// workflows, and an event of a replayed session redriven now is stale.
	market := emulator.ScaledClock{}.Now
	if e.cfg.Clock != nil {
		market = e.cfg.Clock.Now
	}
	slos, err := budgets.Builtin()
	if err != nil {
		return err
	}
	opts := []local.Option{local.WithTradingEnabled(e.tradingEnabled()), local.WithSessionClock(market), local.WithBudgets(slos)}
	if e.cfg.Clock != nil {
		opts = append(opts, local.WithEmulatorOptions(emulator.WithClock(e.cfg.Clock)))
	}
	if e.cfg.Network != nil {
		opts = append(opts, local.WithNetwork(e.cfg.Network))
	}
	if e.cfg.Scenario == "" {
		s, err := local.New(ctx, local.Config{Workflows: e.cfg.Workflows, Seed: e.cfg.Seed, OutDir: e.cfg.OutDir,
			RunDir: e.cfg.RunDir, Progress: e.cfg.Progress}, opts...)
		if err != nil {
			return err
		}
		e.Stack, e.RunDir = s, s.Dir
		return nil
	}
	sc, err := chaos.Named(e.cfg.Scenario)
	if err != nil {
		return err
	}
	sc.Seed = e.cfg.Seed
	dir, err := scenarioDir(e.cfg, sc.Name)
	if err != nil {
		return err
	}
	cs, err := chaos.Prepare(ctx, sc, chaos.Options{Dir: dir, Workflows: e.cfg.Workflows, Progress: e.cfg.Progress}, opts...)
	if err != nil {
		return err
	}
	e.Stack, e.RunDir = cs.Stack, dir
	if sc.After != nil {
		e.after = func(ctx context.Context) error { return sc.After(ctx, cs) }
	}
	return nil
}

// tradingEnabled is Config.TradingEnabled, or the kill-switch parameter
// of the endpoint's SSM. The stack is built before its services, so the
// parameter is looked up at each call; no workflow runs before the
// services exist.
func (e *Endpoint) tradingEnabled() func(ctx context.Context) (bool, error) {
	if e.cfg.TradingEnabled != nil {
		return e.cfg.TradingEnabled
	}
	return func(ctx context.Context) (bool, error) {
		store := e.params.Load()
		if store == nil {
			return false, errors.New("the kill switch's parameter store is not built yet")
		}
		name, err := killSwitchParameter(e.Stack.Top)
		if err != nil {
			return false, err
		}
		return store.KillSwitch(name)(ctx)
	}
}

// scenarioDir is RunDir, or a new directory under OutDir named by time
// and scenario.
func scenarioDir(cfg Config, name string) (string, error) {
	if cfg.RunDir != "" {
		return cfg.RunDir, nil
	}
	out := cfg.OutDir
	if out == "" {
		out = "runs"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("could not create run directory: %w", err)
	}
	dir, err := os.MkdirTemp(out, time.Now().UTC().Format("20060102T150405Z")+"-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("could not create run directory: %w", err)
	}
	return dir, nil
}

// Run runs the stack's workflows, one a session, then the scenario's
// action (a redrive, a replay) when it has one; the report is also the
// run directory's run.json. The endpoint serves meanwhile and after.
func (e *Endpoint) Run(ctx context.Context) (*local.Report, error) {
	e.running.Lock()
	defer e.running.Unlock()
	if e.closed {
		return nil, errors.New("the endpoint is closed")
	}
	rep, err := e.Stack.Run(ctx)
	if err == nil && e.after != nil {
		err = e.after(ctx)
		e.Stack.Bus.Wait()
	}
	return rep, err
}

// Close stops the schedules and the stack's work in flight, stops
// serving (requests in progress end first), and closes the stack, which
// flushes its telemetry and log groups, having waited (at most
// closeWait) for the invocations it cancelled to end: every file of the
// run directory is complete, and nothing writes there once Close
// returns. It is idempotent.
func (e *Endpoint) Close() error {
	e.cancel() // the schedules stop, the emulator stops waiting and cancels invocations
	e.loops.Wait()
	var errs []error
	if e.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, e.srv.Shutdown(ctx))
		cancel()
		if err := <-e.served; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		e.srv = nil
	}
	e.running.Lock() // a Run in progress ends once the emulator has stopped
	defer e.running.Unlock()
	if e.closed {
		return errors.Join(errs...)
	}
	e.closed = true
	for _, stop := range e.stops {
		errs = append(errs, stop())
	}
	if e.Stack != nil {
		// The emulator has stopped (the stack's context ended): what was
		// in flight winds down at once. Wait for it before the files
		// close, so that its last writes land in the run directory and
		// nothing writes there after Close returns.
		errs = append(errs, quiesce(e.Stack.Bus, closeWait))
		e.Stack.Close()
	}
	return errors.Join(errs...)
}

// closeWait bounds how long Close waits for the invocations in flight.
const closeWait = 10 * time.Second

// quiesce waits until bus has nothing in flight, at most wait. The
// endpoint's context has stopped the bus (its retries end, its
// invocations are cancelled) but nothing waits for them: a cancelled
// invocation still records its failure (idempotency.json, the on-failure
// queue) in the run directory, which must be done with before the files
// close and Close returns.
func quiesce(bus *emulator.EventBridge, wait time.Duration) error {
	done := make(chan struct{})
	go func() { bus.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(wait):
		return fmt.Errorf("the stack's invocations still ran %v after it closed", wait)
	}
}
