package local

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/alchemiser/alchemiser/topology"
)

// Stack is a running local stack. Its fields are set by New and not
// changed after; the services behind them are safe for concurrent use.
type Stack struct {
	Dir      string
	Days     []time.Time // the sessions Run trades, one workflow each
	Dataset  *marketdata.Dataset
	Exchange *paper.Exchange
	Top      *topology.Topology
	Bus      *emulator.EventBridge
	Queues   *emulator.Queues
	Archive  *emulator.Archive
	Outbox   *notify.Outbox

	cfg     Config
	opts    options
	ids     *events.IDs // the scheduler's event ids (seeded)
	busLog  *slog.Logger
	chains  map[string][]string // by function: compose.Function.Chain
	claims  bus.DirClaims       // the claim-check bucket
	plans   *planIndex
	key     string
	secret  string
	logs    []*os.File
	metrics cwalarm.MetricStore // what the run's metrics hold, for the error budgets
	traces  *lockedFile
	tels    []*telemetry.Telemetry
	stopBus func() bool
	pool    *http.Transport // the clients' connections to the exchange on a Network
	session *sessionClock   // the handlers' market clock
}

// New assembles a stack in cfg's run directory: the paper exchange on
// 127.0.0.1 with the starting account, the emulator built from the
// template, and the five functions composed as in Lambda
// (compose.Build). When ctx ends, the emulator stops (emulator.Stop):
// retries end and invocations in flight are cancelled. Close releases it.
func New(ctx context.Context, cfg Config, opts ...Option) (*Stack, error) {
	o := newOptions(opts)
	cfg = cfg.withDefaults()
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, err
	}
	if o.dataset != nil {
		ds = o.dataset
	}
	day := o.day
	if !cfg.Date.IsZero() {
		if err := CheckDate(ds, cfg.Date); err != nil {
			return nil, err
		}
		day = cfg.Date
	}
	days, err := sessions(ds, cfg.Workflows, day)
	if len(o.dates) > 0 {
		days, err = o.dates, nil
	}
	if err != nil {
		return nil, err
	}
	account, err := StartingAccount(ds, days[0], cfg.Seed)
	if err != nil {
		return nil, err
	}
	if o.account != nil {
		account = *o.account
	}
	dir, err := cfg.runDir()
	if err != nil {
		return nil, err
	}
	s := &Stack{Dir: dir, Days: days, Dataset: ds, cfg: cfg, opts: o, chains: map[string][]string{}, session: &sessionClock{after: o.session},
		Outbox: &notify.Outbox{Dir: filepath.Join(dir, "outbox")}, plans: &planIndex{byClientID: map[string]intent{}},
		ids: events.NewIDs(nil, mrand.NewChaCha8(seedBytes(cfg.Seed)))}
	if err := s.start(ctx, account); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// CheckDate reports whether Config.Date may be date on ds: in its range,
// after the first Warmup sessions.
func CheckDate(ds *marketdata.Dataset, date time.Time) error {
	if _, _, err := ds.Session(date); err != nil {
		return fmt.Errorf("could not run on %s: %w", date.Format(time.DateOnly), err)
	}
	days := ds.TradingDays()
	if first := days[min(Warmup, len(days)-1)]; date.Before(first) {
		return fmt.Errorf("could not run on %s: the strategies need %d sessions of history, so the first date is %s",
			date.Format(time.DateOnly), Warmup, first.Format(time.DateOnly))
	}
	return nil
}

// sessions are the last n sessions of ds, or day alone when set.
func sessions(ds *marketdata.Dataset, n int, day time.Time) ([]time.Time, error) {
	if !day.IsZero() {
		return []time.Time{day}, nil
	}
	days := ds.TradingDays()
	if n < 1 || n > len(days)-Warmup {
		return nil, fmt.Errorf("could not run: %d workflows, want 1 to %d", n, len(days)-Warmup)
	}
	return days[len(days)-n:], nil
}

// start starts the exchange and the emulator, and wires the functions.
func (s *Stack) start(ctx context.Context, account paper.AccountConfig) error {
	s.session.set(scheduledAt(s.Days[0]))
	x, err := paper.New(paper.Config{Dataset: s.Dataset, Day: s.Days[0], Seed: s.cfg.Seed})
	if err != nil {
		return err
	}
	s.Exchange = x
	s.key, s.secret = "LOCAL"+rand.Text(), rand.Text()
	if err := x.AddAccount(s.key, s.secret, account); err != nil {
		return err
	}
	base, err := s.serveExchange()
	if err != nil {
		return err
	}
	if err := s.emulate(); err != nil {
		return err
	}
	s.stopBus = context.AfterFunc(ctx, s.Bus.Stop)
	s.Bus.Tap(s.plans.record)
	return s.wire(alpaca.Config{BaseURL: base, DataURL: base, KeyID: s.key, Secret: s.secret, PollInterval: 20 * time.Millisecond,
		HTTPClient: s.opts.httpClient})
}

// serveExchange starts the exchange on 127.0.0.1, or on the network of
// WithNetwork with a pool that dials it unless WithHTTPClient gave a
// client, and returns its base URL.
func (s *Stack) serveExchange() (string, error) {
	n := s.opts.network
	if n == nil {
		return s.Exchange.Start()
	}
	if s.opts.httpClient == nil {
		s.pool = &http.Transport{DialContext: n.Dial}
		s.opts.httpClient = &http.Client{Transport: s.pool}
	}
	return s.Exchange.StartOn(n), nil
}

// emulate builds the emulator from the template.
func (s *Stack) emulate() error {
	src := s.opts.template
	if src == nil {
		src = alchemiser.Template
	}
	top, err := topology.Load("template.yaml", src, topology.Options{})
	if err != nil {
		return err
	}
	for _, edit := range s.opts.editTop {
		edit(top)
	}
	f, err := s.logFile("eventbridge")
	if err != nil {
		return err
	}
	s.busLog = slog.New(slog.NewJSONHandler(f, nil)).With("service", "eventbridge")
	s.Top, s.claims = top, bus.DirClaims{Dir: s.Dir} // keys start with claim-checks/
	opts := append([]emulator.Option{emulator.WithDir(s.Dir), emulator.WithSeed(s.cfg.Seed),
		emulator.WithTimeScale(s.cfg.TimeScale), emulator.WithDuplicates(s.cfg.Duplicates),
		emulator.WithLogger(s.busLog), emulator.WithMetrics(io.MultiWriter(f, s.metrics.Writer()))}, s.opts.emulator...)
	if s.Bus, err = emulator.New(top, opts...); err != nil {
		return err
	}
	s.Queues, s.Archive = s.Bus.Queues(), s.Bus.Archive()
	return nil
}

// wire composes each function (compose.Build, as in Lambda) and
// registers it with the emulator.
func (s *Stack) wire(cfg alpaca.Config) error {
	store, err := s.idempotencyStore()
	if err != nil {
		return err
	}
	ledger := &handlers.Ledger{Store: store}
	logs := filepath.Join(s.Dir, "logs")
	budgets := s.budgets()
	for _, fn := range s.Top.FunctionNames() {
		d, err := s.deps(fn)
		if err != nil {
			return err
		}
		d.Alpaca, d.Idempotency, d.Lease, d.Ledger = cfg, store, s.opts.lease, ledger
		d.TradingEnabled = s.opts.trading
		for _, edit := range s.opts.executor {
			edit(&d.Executor)
		}
		d.Notifier, d.LogLocation, d.Budgets, d.Describe = s.Outbox, func(string) string { return logs }, budgets, s.opts.describe
		if fn == "scheduler" {
			d.Handler.IDs = s.ids
		}
		var opts []compose.Option
		for _, m := range s.opts.middleware[fn] {
			opts = append(opts, compose.WithMiddleware(m.name, func(next handlers.Func) handlers.Func { return m.mw(d.Handler, next) }))
		}
		f, err := compose.Build(fn, d, opts...)
		if err != nil {
			return err
		}
		if err := s.register(fn, f); err != nil {
			return err
		}
	}
	return nil
}

// budgets reads the SLOs' error budgets (WithBudgets) from the metrics
// the run has written so far (s.metrics, fed by every function's log
// output and the emulator's platform metrics), as the function reads
// CloudWatch's; nil without the option.
func (s *Stack) budgets() handlers.Budgets {
	if s.opts.budgets == nil {
		return nil
	}
	return s.opts.budgets(s.metrics.Values(s.Top.Resolve))
}

func (s *Stack) idempotencyStore() (idempotency.Store, error) {
	if s.opts.store != nil {
		return s.opts.store, nil
	}
	return idempotency.NewFileStore(filepath.Join(s.Dir, "idempotency.json"))
}

// deps are function fn's telemetry, metrics and publisher, as its Lambda
// environment would have them.
func (s *Stack) deps(fn string) (compose.Deps, error) {
	tel, err := s.telemetry(fn)
	if err != nil {
		return compose.Deps{}, err
	}
	rec, err := metrics.New(tel.MeterProvider(), fn)
	if err != nil {
		return compose.Deps{}, err
	}
	rec.Log = tel.Logger()
	return compose.Deps{Telemetry: tel, Claims: s.claims, Handler: handlers.Deps{Log: tel.Logger(), Metrics: rec, Session: s.session.Now, AcceptStale: s.opts.stale,
		Adopt: telemetry.AdoptCorrelation, Publisher: metrics.Publisher{Next: s.publisher(fn, rec), Recorder: rec}}}, nil
}

// publisher is function fn's publisher: the real EventBridge publisher,
// putting events on the emulated bus.
func (s *Stack) publisher(fn string, rec *metrics.Recorder) bus.Publisher {
	name := s.Top.Functions[topology.LogicalID(fn)].Env["EVENT_BUS_NAME"]
	opts := append([]eventbridge.Option{eventbridge.WithObserver(rec), eventbridge.WithClaimCheck(s.claims)}, s.opts.publisher...)
	return eventbridge.New(s.Bus, name, events.Source(fn), opts...)
}

// register gives function fn's composed handler to the emulator, which
// invokes it with a Lambda context.
func (s *Stack) register(fn string, f *compose.Function) error {
	s.chains[fn] = f.Chain
	return s.Bus.Register(topology.LogicalID(fn), func(ctx context.Context, raw json.RawMessage) error {
		return telemetry.Invoke(ctx, f.Handler, raw)
	})
}

// Chain names the middleware around function fn's handler, outermost
// first (compose.Function.Chain).
func (s *Stack) Chain(fn string) []string { return s.chains[fn] }

// telemetry initialises fn's telemetry as its Lambda environment would,
// writing logs and EMF to logs/<fn>.log and its log group, and spans to
// traces.jsonl.
func (s *Stack) telemetry(fn string) (*telemetry.Telemetry, error) {
	began := time.Now()
	f, err := s.logFile(fn)
	if err != nil {
		return nil, err
	}
	group := s.Bus.LogGroup(topology.LogicalID(fn))
	defer func() { group.SetInitDuration(time.Since(began)) }()
	time.Sleep(s.opts.initDelay[fn])
	if s.traces == nil {
		tf, err := os.Create(filepath.Join(s.Dir, "traces.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("could not create traces file: %w", err)
		}
		s.traces = &lockedFile{f: tf}
	}
	// The variables Lambda sets, from the function's template properties
	// (its telemetry resource names the memory it is deployed with).
	def := s.Top.Functions[topology.LogicalID(fn)]
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": fn, "AWS_REGION": s.Top.Region, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(def.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_LOG_LEVEL": "INFO",
	}
	tel, err := telemetry.Init(context.Background(), nil, telemetry.WithEnv(func(k string) string { return env[k] }),
		telemetry.WithOutput(io.MultiWriter(f, group, s.metrics.Writer())), telemetry.WithSpanExporter(telemetry.NewOTLPFileExporter(s.traces)),
		telemetry.WithSecrets(s.secret), telemetry.WithEventBus(def.Env["EVENT_BUS_NAME"]))
	if err != nil {
		return nil, err
	}
	s.tels = append(s.tels, tel)
	return tel, nil
}

// logFile opens logs/<name>.log.
func (s *Stack) logFile(name string) (*os.File, error) {
	dir := filepath.Join(s.Dir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("could not create log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("could not open log: %w", err)
	}
	s.logs = append(s.logs, f)
	return f, nil
}

// Close stops the exchange and the emulator, flushes telemetry and
// closes the logs. The emulator closes last: it lets the invocations
// emulator.Crash parked exit, and what they run on their way out (their
// deferred calls) must find the logs closed.
func (s *Stack) Close() {
	if s.Exchange != nil {
		_ = s.Exchange.Close()
	}
	if s.pool != nil {
		s.pool.CloseIdleConnections()
	}
	for _, t := range s.tels {
		_ = t.Shutdown(context.Background())
	}
	if s.traces != nil {
		_ = s.traces.f.Close()
	}
	if s.Bus != nil {
		s.stopBus()
	}
	for _, f := range s.logs {
		_ = f.Close()
	}
	if s.Bus != nil {
		_ = s.Bus.Close()
	}
}

// Orders returns the orders the paper exchange received on the stack's
// account.
func (s *Stack) Orders() []paper.Order { return s.Exchange.Orders(s.key) }

// DuplicateOrders are accepted orders beyond the first for one order of
// one workflow, among orders: a client order id accepted twice, or a
// workflow's (symbol, side) accepted under more than one client order id
// (a second plan for the same workflow traded again). The workflows'
// orders are known from the RebalancePlanned events on the bus.
func (s *Stack) DuplicateOrders(orders []paper.Order) int { return s.plans.duplicates(orders) }

// lockedFile serialises writes of several exporters to one file.
type lockedFile struct {
	mu sync.Mutex
	f  *os.File
}

func (l *lockedFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}
