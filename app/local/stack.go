package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/alchemiser/alchemiser/topology"
)

// Functions are the names of the workflow's functions; function f is
// template.yaml's <F>Function (LogicalID).
var Functions = []string{"scheduler", "strategy", "portfolio", "execution", "notifications"}

// LogicalID is function fn's logical id in template.yaml.
func LogicalID(fn string) string { return topology.LogicalID(fn) }

// Stack is a running local stack.
type Stack struct {
	Dir      string
	Dataset  *marketdata.Dataset
	Exchange *paper.Exchange
	Top      *topology.Topology
	Bus      *EventBridge
	Queues   *Queues
	Archive  *Archive
	Outbox   *notify.Outbox
	ids      *events.IDs         // the scheduler's event ids (seeded)
	chains   map[string][]string // by function: compose.Function.Chain
	chaos    Chaos
	claims   bus.DirClaims // the claim-check bucket
	groups   []*LogGroup
	key      string
	secret   string
	logs     []*os.File
	traces   *lockedFile
	tels     []*telemetry.Telemetry
}

// stackConfig is what a stack is built from.
type stackConfig struct {
	dir        string
	account    paper.AccountConfig
	day        time.Time
	seed       uint64
	template   []byte  // template.yaml; the embedded one when nil
	timeScale  float64 // EventBridge and Lambda waits are scaled by this
	duplicates float64 // share of deliveries made twice
	chaos      Chaos
	load       *loadHooks          // a load-test stack's wiring (loadtest.go); nil for Run
	dataset    *marketdata.Dataset // the bundled synthetic set when nil
}

// Chaos injects faults a scenario needs beyond the exchange's and the
// bus's own knobs, by function name.
type Chaos struct {
	Timeouts  map[string]time.Duration // a function's timeout, instead of the template's
	InitDelay map[string]time.Duration // added to a function's init (its cold start)
	LogNoise  map[string]int           // extra INFO lines a function logs per invocation
	SkipDays  map[string]bool          // trading dates (YYYY-MM-DD) the schedule does not fire
	// BrokerCallTimeout is the executor's per-attempt timeout instead of
	// its default (execution.Config.CallTimeout; negative for none).
	BrokerCallTimeout time.Duration
	// PublishAttempts is how often the publishers try an entry instead
	// of their default (eventbridge.WithRetry).
	PublishAttempts int
	// RandomOrderIDs gives every order attempt a fresh client order id,
	// removing the protection against placing an order twice (tests only).
	RandomOrderIDs bool
	// NoClaimCheck leaves the publishers without a claim-check store, so
	// an oversize event fails to publish (tests only).
	NoClaimCheck bool
	// NoDestinations removes every function's on-failure destination, as
	// a template without EventInvokeConfig would: an event that fails all
	// of Lambda's attempts is dropped (tests only).
	NoDestinations bool
	// NoWatchdog never fires the watchdog schedule, as if it were
	// disabled (tests only).
	NoWatchdog bool
	// NoBreaker keeps the executor's circuit breaker closed whatever
	// fails (tests only).
	NoBreaker bool
	// Lease is the idempotency guards' in-progress lease instead of
	// handlers.IdempotencyLease (scaled down with a scenario's time);
	// negative for none: a record stays in progress until its
	// invocation's deadline.
	Lease time.Duration
}

// orderIDs is the executor's client order id scheme: the default, or a
// random id per call when RandomOrderIDs removes the protection.
func (c Chaos) orderIDs() func(string, string, string, broker.Side) string {
	if !c.RandomOrderIDs {
		return nil
	}
	return func(_, _, symbol string, _ broker.Side) string {
		return "random-" + symbol + "-" + randomHex(8)
	}
}

// breakerTrips is the executor's default (0), or never when NoBreaker.
func (c Chaos) breakerTrips() uint32 {
	if c.NoBreaker {
		return math.MaxUint32
	}
	return 0
}

// newStack starts the paper exchange and wires the four handlers.
func newStack(ctx context.Context, c stackConfig) (*Stack, error) {
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, err
	}
	if c.dataset != nil {
		ds = c.dataset
	}
	x, err := paper.New(paper.Config{Dataset: ds, Day: c.day, Seed: c.seed})
	if err != nil {
		return nil, err
	}
	key, secret := "LOCAL"+randomHex(8), randomHex(16)
	if err := x.AddAccount(key, secret, c.account); err != nil {
		return nil, err
	}
	base, err := x.Start()
	if err != nil {
		return nil, err
	}
	s := &Stack{Dir: c.dir, Dataset: ds, Exchange: x, key: key, secret: secret,
		Outbox: &notify.Outbox{Dir: filepath.Join(c.dir, "outbox")},
		ids:    events.NewIDs(nil, mrand.NewChaCha8(seedBytes(c.seed))), chains: map[string][]string{}}
	if err := s.emulate(ctx, c); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.wire(alpaca.Config{BaseURL: base, DataURL: base, KeyID: key, Secret: secret, PollInterval: 20 * time.Millisecond,
		HTTPClient: c.load.httpClient()}, c.load); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// emulate builds the local EventBridge from the template.
func (s *Stack) emulate(ctx context.Context, c stackConfig) error {
	src := c.template
	if src == nil {
		src = alchemiser.Template
	}
	top, err := topology.Load("template.yaml", src, topology.Options{})
	if err != nil {
		return err
	}
	s.Top = top
	s.claims = bus.DirClaims{Dir: c.dir} // keys start with claim-checks/
	s.Queues = NewQueues(top, filepath.Join(c.dir, "queues"))
	s.Archive = &Archive{Dir: filepath.Join(c.dir, "archive")}
	if s.Bus, err = NewEventBridge(ctx, top, s.Queues, s.Archive); err != nil {
		return err
	}
	s.Bus.TimeScale, s.Bus.Duplicates = c.timeScale, c.duplicates
	s.Bus.Groups = map[string]*LogGroup{}
	s.chaos = c.chaos
	for fn, d := range c.chaos.Timeouts {
		top.Functions[LogicalID(fn)].Timeout = d
	}
	for _, f := range top.Functions {
		if c.chaos.NoDestinations {
			f.Async.OnFailure = ""
		}
	}
	s.Bus.SetSeed(c.seed)
	f, err := s.logFile("eventbridge")
	if err != nil {
		return err
	}
	s.Bus.Log = slog.New(slog.NewJSONHandler(f, nil)).With("service", "eventbridge")
	s.Bus.Metrics = f
	return nil
}

// publisher is function fn's publisher: the real EventBridge publisher,
// putting events on the emulated bus.
func (s *Stack) publisher(fn string, rec *metrics.Recorder) bus.Publisher {
	name := s.Top.Functions[LogicalID(fn)].Env["EVENT_BUS_NAME"]
	opts := []eventbridge.Option{eventbridge.WithObserver(rec)}
	if !s.chaos.NoClaimCheck {
		opts = append(opts, eventbridge.WithClaimCheck(s.claims))
	}
	if n := s.chaos.PublishAttempts; n > 0 {
		opts = append(opts, eventbridge.WithRetry(n, 50*time.Millisecond, 2*time.Second))
	}
	return eventbridge.New(s.Bus, name, events.Source(fn), opts...)
}

// wire builds each function's handler (compose.Build, as in Lambda) and
// registers it.
func (s *Stack) wire(cfg alpaca.Config, load *loadHooks) error {
	store, err := load.idempotencyStore(filepath.Join(s.Dir, "idempotency.json"))
	if err != nil {
		return err
	}
	ledger := &handlers.Ledger{Store: store}
	logs := filepath.Join(s.Dir, "logs")
	var errs []error
	for _, fn := range Functions {
		d, err := s.deps(fn, cfg)
		if err != nil {
			return err
		}
		d.Alpaca, d.Idempotency, d.Lease, d.Ledger = cfg, store, s.chaos.Lease, ledger
		d.Executor = execution.Config{Rand: load.jitter(), CallTimeout: s.chaos.BrokerCallTimeout,
			OrderID: s.chaos.orderIDs(), BreakerTrips: s.chaos.breakerTrips()}
		d.Notifier, d.LogLocation = s.Outbox, func(string) string { return logs }
		if fn == "scheduler" {
			d.Handler.IDs, d.Handler.Adopt = s.ids, load.adopt(telemetry.AdoptCorrelation)
		}
		var opts []compose.Option
		if n := s.chaos.LogNoise[fn]; n > 0 {
			opts = append(opts, compose.WithMiddleware("log-noise", func(h handlers.Func) handlers.Func { return noisy(d.Telemetry, n, h) }))
		}
		if fn == "scheduler" && load != nil {
			opts = append(opts, compose.WithMiddleware("load-start", load.scheduler))
		}
		f, err := compose.Build(fn, d, opts...)
		if err != nil {
			return err
		}
		errs = append(errs, s.register(fn, f))
	}
	return errors.Join(errs...)
}

// deps are function fn's telemetry, metrics and publisher, as its Lambda
// environment would have them.
func (s *Stack) deps(fn string, cfg alpaca.Config) (compose.Deps, error) {
	tel, err := s.telemetry(fn)
	if err != nil {
		return compose.Deps{}, err
	}
	rec, err := metrics.New(tel.MeterProvider(), fn)
	if err != nil {
		return compose.Deps{}, err
	}
	rec.Log = tel.Logger()
	return compose.Deps{Telemetry: tel, Claims: s.claims, Handler: handlers.Deps{Log: tel.Logger(), Metrics: rec,
		Adopt: telemetry.AdoptCorrelation, Publisher: metrics.Publisher{Next: s.publisher(fn, rec), Recorder: rec}}}, nil
}

// register gives function fn's composed handler to the emulator, which
// invokes it with a Lambda context.
func (s *Stack) register(fn string, f *compose.Function) error {
	s.chains[fn] = f.Chain
	return s.Bus.Register(LogicalID(fn), func(ctx context.Context, raw json.RawMessage) error {
		return telemetry.Invoke(ctx, f.Handler, raw)
	})
}

// Chain names the middleware around function fn's handler, outermost
// first (compose.Function.Chain).
func (s *Stack) Chain(fn string) []string { return s.chains[fn] }

// telemetry initialises fn's telemetry as its Lambda environment would,
// writing logs and EMF to logs/<fn>.log and spans to traces.jsonl.
func (s *Stack) telemetry(fn string) (*telemetry.Telemetry, error) {
	began := time.Now()
	f, err := s.logFile(fn)
	if err != nil {
		return nil, err
	}
	group, err := newLogGroup(s.Dir, s.Top.Functions[LogicalID(fn)], began)
	if err != nil {
		return nil, err
	}
	s.Bus.Groups[LogicalID(fn)] = group
	group.Ingested = func(name string, bytes int) {
		s.Bus.metricValue("AWS/Logs", "IncomingBytes", "Bytes", "LogGroupName", name, float64(bytes))
	}
	s.groups = append(s.groups, group)
	defer func() { group.init = time.Since(began) }()
	time.Sleep(s.chaos.InitDelay[fn])
	if s.traces == nil {
		tf, err := os.Create(filepath.Join(s.Dir, "traces.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("could not create traces file: %w", err)
		}
		s.traces = &lockedFile{f: tf}
	}
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": fn, "AWS_REGION": "us-east-1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "OTEL_SERVICE_NAME": "alchemiser", "AWS_LAMBDA_LOG_LEVEL": "INFO",
	}
	tel, err := telemetry.Init(context.Background(), nil, telemetry.WithEnv(func(k string) string { return env[k] }),
		telemetry.WithOutput(io.MultiWriter(f, group)), telemetry.WithSpanExporter(telemetry.NewOTLPFileExporter(s.traces)),
		telemetry.WithSecrets(s.secret))
	if err != nil {
		return nil, err
	}
	s.tels = append(s.tels, tel)
	return tel, nil
}

// logFile opens logs/<fn>.log, the function's CloudWatch log group.
func (s *Stack) logFile(fn string) (*os.File, error) {
	dir := filepath.Join(s.Dir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("could not create log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, fn+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("could not open log: %w", err)
	}
	s.logs = append(s.logs, f)
	return f, nil
}

// Close stops the exchange, flushes telemetry and closes the logs.
func (s *Stack) Close() {
	_ = s.Exchange.Close()
	for _, t := range s.tels {
		_ = t.Shutdown(context.Background())
	}
	if s.traces != nil {
		_ = s.traces.f.Close()
	}
	for _, g := range s.groups {
		_ = g.Close()
	}
	for _, f := range s.logs {
		_ = f.Close()
	}
}

// Orders returns the orders the paper exchange received.
func (s *Stack) Orders() []paper.Order { return s.Exchange.Orders(s.key) }

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

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// noisy makes h log n extra lines per invocation (the log-volume chaos).
func noisy(tel *telemetry.Telemetry, n int, h handlers.Func) handlers.Func {
	return func(ctx context.Context, raw json.RawMessage) error {
		for i := range n {
			tel.Logger().InfoContext(ctx, "chatty diagnostic line", "i", i, "padding", strings.Repeat("x", 100))
		}
		return h(ctx, raw)
	}
}
