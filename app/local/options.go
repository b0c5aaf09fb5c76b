package local

import (
	"context"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"net"
	"net/http"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/topology"
)

// Option changes how New assembles the stack: what the load test and
// the chaos scenarios change, each documented with its default.
type Option func(*options)

type options struct {
	template   []byte
	editTop    []func(*topology.Topology)
	dataset    *marketdata.Dataset
	account    *paper.AccountConfig
	day        time.Time
	dates      []time.Time
	store      idempotency.Store
	lease      time.Duration
	httpClient *http.Client
	executor   []func(*execution.Config)
	publisher  []eventbridge.Option
	emulator   []emulator.Option
	middleware map[string][]namedMiddleware
	initDelay  map[string]time.Duration
	skipDates  map[string]bool
	noWatchdog bool
	network    Network
	trading    func(ctx context.Context) (bool, error)
	session    func() time.Time
	stale      bool
	budgets    func(read cwalarm.QueryValues) handlers.Budgets
	describe   func(alarmName string) (string, bool)
}

// Middleware wraps a function's handler; d are the function's handler
// dependencies (its logger, metrics, publisher).
type Middleware func(d handlers.Deps, next handlers.Func) handlers.Func

type namedMiddleware struct {
	name string
	mw   Middleware
}

func newOptions(opts []Option) options {
	o := options{middleware: map[string][]namedMiddleware{}, initDelay: map[string]time.Duration{}, skipDates: map[string]bool{}}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithTemplate builds the stack from src instead of the embedded
// template.yaml.
func WithTemplate(src []byte) Option { return func(o *options) { o.template = src } }

// WithTopology edits the template's model before the emulator is built
// from it (a function's timeout, its on-failure destination).
func WithTopology(edit func(*topology.Topology)) Option {
	return func(o *options) { o.editTop = append(o.editTop, edit) }
}

// WithoutDestinations removes every function's on-failure destination, as
// a template without EventInvokeConfig would: an event that fails all of
// Lambda's attempts is dropped.
func WithoutDestinations() Option {
	return WithTopology(func(top *topology.Topology) {
		for _, f := range top.Functions {
			f.Async.OnFailure = ""
		}
	})
}

// WithDataset trades on ds instead of the bundled synthetic data set.
func WithDataset(ds *marketdata.Dataset) Option { return func(o *options) { o.dataset = ds } }

// WithAccount is the paper account's starting state instead of Run's
// (StartingCash, a seed-chosen 30% of it in three positions).
func WithAccount(a paper.AccountConfig) Option { return func(o *options) { o.account = &a } }

// WithDay trades session day only, instead of the data set's last
// Config.Workflows sessions.
func WithDay(day time.Time) Option { return func(o *options) { o.day = day } }

// WithDates runs one workflow per New York date of dates, in order,
// instead of the data set's last Config.Workflows sessions: weekends and
// exchange holidays included, which end market_closed.
func WithDates(dates ...time.Time) Option { return func(o *options) { o.dates = dates } }

// WithIdempotencyStore keeps the idempotency records and the ledger in
// store instead of the run directory's idempotency.json.
func WithIdempotencyStore(store idempotency.Store) Option {
	return func(o *options) { o.store = store }
}

// WithIdempotencyLease is the guards' in-progress lease instead of
// handlers.IdempotencyLease; negative for none.
func WithIdempotencyLease(d time.Duration) Option { return func(o *options) { o.lease = d } }

// WithHTTPClient is the broker's and market data's HTTP client to the
// paper exchange instead of http.DefaultClient.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// Network is an in-memory network the paper exchange can serve on
// instead of 127.0.0.1 (internal/memnet's Listener): its listener, and
// how clients dial it.
type Network interface {
	net.Listener
	Dial(ctx context.Context, network, addr string) (net.Conn, error)
}

// WithNetwork serves the paper exchange on n instead of 127.0.0.1, and
// gives the broker and market data a connection pool that dials n,
// closed with the stack (a client of WithHTTPClient must dial n itself).
// On an in-memory network a testing/synctest bubble can hold the whole
// stack, its waits, timeouts and latencies on the bubble's virtual
// clock: make n inside the bubble.
func WithNetwork(n Network) Option { return func(o *options) { o.network = n } }

// WithExecutorConfig edits the execution function's executor
// configuration (execution.Config's defaults otherwise).
func WithExecutorConfig(edit func(*execution.Config)) Option {
	return func(o *options) { o.executor = append(o.executor, edit) }
}

// WithPublisherOptions are given to every function's publisher after the
// stack's own (the metrics observer, the claim-check store).
func WithPublisherOptions(opts ...eventbridge.Option) Option {
	return func(o *options) { o.publisher = append(o.publisher, opts...) }
}

// WithEmulatorOptions are given to the emulator after the stack's own
// (its directory, seed, time scale, duplicates, log and metrics).
func WithEmulatorOptions(opts ...emulator.Option) Option {
	return func(o *options) { o.emulator = append(o.emulator, opts...) }
}

// WithHandlerMiddleware adds mw, called name, to function fn's chain
// (compose.WithMiddleware: inside the telemetry wrap).
func WithHandlerMiddleware(fn, name string, mw Middleware) Option {
	return func(o *options) { o.middleware[fn] = append(o.middleware[fn], namedMiddleware{name, mw}) }
}

// WithInitDelay adds d to function fn's initialisation (its cold start).
func WithInitDelay(fn string, d time.Duration) Option {
	return func(o *options) { o.initDelay[fn] = d }
}

// WithoutSchedule does not fire the workflow schedule on these trading
// dates (YYYY-MM-DD): their workflows are not started.
func WithoutSchedule(dates ...string) Option {
	return func(o *options) {
		for _, d := range dates {
			o.skipDates[d] = true
		}
	}
}

// WithoutWatchdog never fires the watchdog schedule, as if it were
// disabled.
func WithoutWatchdog() Option { return func(o *options) { o.noWatchdog = true } }

// WithTradingEnabled is the execution function's kill switch
// (compose.Deps.TradingEnabled), read before every plan as Lambda reads
// the SSM parameter KILL_SWITCH_PARAMETER names; none (trading enabled)
// by default.
func WithTradingEnabled(f func(ctx context.Context) (bool, error)) Option {
	return func(o *options) { o.trading = f }
}

// WithSessionClock is the market's clock (handlers.Deps.Session) outside
// the sessions Run replays: the local endpoint's clock, on which its
// schedules and manual runs start today's workflows. Without it, the
// clock goes on from the last replayed session (or the stack's first
// session, before Run), so an event redriven after Run is judged
// against that session.
func WithSessionClock(now func() time.Time) Option { return func(o *options) { o.session = now } }

// WithStaleEvents turns the handlers' stale-event check off
// (handlers.Deps.AcceptStale): a redriven event of an earlier session is
// acted on. For chaos tests showing what the check protects; never in a
// real run.
func WithStaleEvents() Option { return func(o *options) { o.stale = true } }

// WithBudgets gives the notifications function its error budgets,
// reading the metrics the run has written so far through read (the stack
// keeps them as CloudWatch would: cwalarm.MetricStore);
// budgets.Reader(spec, read) is the Lambda's. Without it the stack reads
// none: the summaries carry no budget and ErrorBudgetRemaining is not
// recorded.
func WithBudgets(b func(read cwalarm.QueryValues) handlers.Budgets) Option {
	return func(o *options) { o.budgets = b }
}

// WithAlarmDescriptions gives the notifications function the generated
// alarms' descriptions by name (alarms.Spec.Description, with the stack's
// prefix), so that an incident alarm's notification links its triggering
// child's runbook and saved query, as the Lambda's does.
func WithAlarmDescriptions(describe func(alarmName string) (string, bool)) Option {
	return func(o *options) { o.describe = describe }
}
