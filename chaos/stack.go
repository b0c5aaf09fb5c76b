package chaos

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/shopspring/decimal"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/budgets"
	ebpub "github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/topology"
)

// Knobs inject the faults a scenario needs beyond the exchange's and the
// bus's own, by function name; each removes a protection or adds a
// fault, and the zero value is the stack as Run builds it.
type Knobs struct {
	Timeouts  map[string]time.Duration // a function's timeout, instead of the template's
	InitDelay map[string]time.Duration // added to a function's init (its cold start)
	LogNoise  map[string]int           // extra INFO lines a function logs per invocation
	SkipDays  map[string]bool          // trading dates (YYYY-MM-DD) the schedule does not fire
	// BrokerCallTimeout is the executor's per-attempt timeout instead of
	// its default (execution.Config.CallTimeout; negative for none).
	BrokerCallTimeout time.Duration
	// BrokerAttempts is how often the executor tries a broker call
	// instead of its default (execution.Config.MaxAttempts).
	BrokerAttempts int
	// PublishAttempts is how often the publishers try an entry instead
	// of their default (eventbridge.WithRetry).
	PublishAttempts int
	// RandomOrderIDs gives every order attempt a fresh client order id,
	// removing the protection against placing an order twice.
	RandomOrderIDs bool
	// NoClaimCheck leaves the publishers without a claim-check store, so
	// an oversize event fails to publish.
	NoClaimCheck bool
	// NoDestinations removes every function's on-failure destination
	// (local.WithoutDestinations): an event that fails all of Lambda's
	// attempts is dropped.
	NoDestinations bool
	// NoWatchdog never fires the watchdog schedule, as if it were
	// disabled.
	NoWatchdog bool
	// Dates are the New York dates the stack runs a workflow on instead
	// of the data set's last sessions (local.WithDates): weekends and
	// holidays included.
	Dates []time.Time
	// NoBreaker keeps the executor's circuit breaker closed whatever
	// fails.
	NoBreaker bool
	// AcceptStale turns the handlers' stale-event check off: a redriven
	// event of an earlier session trades.
	AcceptStale bool
	// Failing are functions whose every invocation fails (a bad deploy):
	// the handler returns an error before it runs, so Lambda retries the
	// event and then sends it to the on-failure destination.
	Failing []string
	// NoPageSubscriptions resolves the alarm topics' subscriptions without
	// the page parameters (alertParameters): the page topic's only
	// subscriber is then the notifications function.
	NoPageSubscriptions bool
	// Lease is the idempotency guards' in-progress lease instead of
	// handlers.IdempotencyLease (scaled down with a scenario's time);
	// negative for none: a record stays in progress until its
	// invocation's deadline.
	Lease time.Duration
}

// options are the local stack's options that set k.
func (k Knobs) options() []local.Option {
	opts := []local.Option{local.WithIdempotencyLease(k.Lease), local.WithExecutorConfig(k.executor)}
	if len(k.Timeouts) > 0 {
		opts = append(opts, local.WithTopology(func(top *topology.Topology) {
			for fn, d := range k.Timeouts {
				top.Functions[topology.LogicalID(fn)].Timeout = d
			}
		}))
	}
	if k.NoDestinations {
		opts = append(opts, local.WithoutDestinations())
	}
	for fn, d := range k.InitDelay {
		opts = append(opts, local.WithInitDelay(fn, d))
	}
	for fn, n := range k.LogNoise {
		if n > 0 {
			opts = append(opts, local.WithHandlerMiddleware(fn, "log-noise", noisy(n)))
		}
	}
	for _, fn := range k.Failing {
		opts = append(opts, local.WithHandlerMiddleware(fn, "failing", failing))
	}
	for date, skip := range k.SkipDays {
		if skip {
			opts = append(opts, local.WithoutSchedule(date))
		}
	}
	if k.NoWatchdog {
		opts = append(opts, local.WithoutWatchdog())
	}
	if k.AcceptStale {
		opts = append(opts, local.WithStaleEvents())
	}
	if len(k.Dates) > 0 {
		opts = append(opts, local.WithDates(k.Dates...))
	}
	if k.NoClaimCheck {
		opts = append(opts, local.WithPublisherOptions(ebpub.WithClaimCheck(nil)))
	}
	if n := k.PublishAttempts; n > 0 {
		opts = append(opts, local.WithPublisherOptions(ebpub.WithRetry(n, 50*time.Millisecond, 2*time.Second)))
	}
	return opts
}

// executor sets the executor's per-call timeout, client order ids and
// breaker.
func (k Knobs) executor(c *execution.Config) {
	c.CallTimeout = k.BrokerCallTimeout
	if k.BrokerAttempts > 0 {
		c.MaxAttempts = k.BrokerAttempts
	}
	if k.RandomOrderIDs {
		c.OrderID = func(_, _, symbol string, _ broker.Side) string { return "random-" + symbol + "-" + rand.Text() }
	}
	if k.NoBreaker {
		c.BreakerTrips = math.MaxUint32
	}
}

// noisy makes a handler log n extra lines per invocation (the
// log-volume chaos).
func noisy(n int) local.Middleware {
	return func(d handlers.Deps, next handlers.Func) handlers.Func {
		log := d.Log
		if log == nil {
			log = slog.Default()
		}
		return func(ctx context.Context, raw json.RawMessage) error {
			for i := range n {
				log.InfoContext(ctx, "chatty diagnostic line", "i", i, "padding", strings.Repeat("x", 100))
			}
			return next(ctx, raw)
		}
	}
}

// ErrInjected is the error of a function that Knobs.Failing breaks.
var ErrInjected = errors.New("injected fault: the function fails every invocation")

// failing makes a handler fail every invocation without running.
func failing(_ handlers.Deps, _ handlers.Func) handlers.Func {
	return func(context.Context, json.RawMessage) error { return ErrInjected }
}

// StackConfig configures a scenario's stack.
type StackConfig struct {
	Dir        string // the run directory; created when missing
	Workflows  int    // the last Workflows sessions of the data set; 1 when zero
	Seed       uint64
	Duplicates float64   // share of deliveries made twice
	TimeScale  float64   // local.DefaultTimeScale/10 when zero, as the incident tests
	Progress   io.Writer // one line per workflow; silent when nil
	Knobs      Knobs
	// CashOnly starts the account with cash and no positions, so the
	// first plan only buys (buys are what a retry could repeat: the
	// exchange refuses to sell shares the account no longer holds).
	CashOnly bool
	// Dust adds that many dust positions to the account: 0.001 share,
	// worth well under a dollar, of fractionable symbols no strategy trades
	// (copies of the bundled ones, named DUST0001...). The planner holds
	// them (too small to sell), so they add no orders, but every plan item
	// and portfolio in the events lists them: a few hundred push the plan
	// and the workflow's end past PutEvents' 256 KB entry limit.
	Dust int
	// Unguarded disables the protection against redelivery: the
	// idempotency store forgets every record, so the guard and the
	// ledgers handle each delivery as new. For tests that show an
	// invariant catching the missing protection; never in a real run.
	Unguarded bool
	// Network is the paper exchange's network (local.WithNetwork);
	// 127.0.0.1 when nil.
	Network local.Network
	// Options are local stack options applied after the scenario's (a
	// long-lived stack's kill switch and clock).
	Options []local.Option
	// SLOs are the SLOs whose error budgets the notifications function
	// reads and records (local.WithBudgets); none when nil.
	SLOs *alarms.Spec
}

// Stack is a local stack prepared for a scenario: its Setup may inject
// faults on it before Run.
type Stack struct {
	*local.Stack
	putFailure atomic.Pointer[func(source, detailType string) (code, msg string)]
	beforePut  atomic.Pointer[func(ctx context.Context, in *eventbridge.PutEventsInput)]
	killSwitch atomic.Pointer[error]
	knobs      Knobs
}

// NewStack starts a stack for c.
func NewStack(ctx context.Context, c StackConfig) (*Stack, error) {
	if c.TimeScale == 0 {
		c.TimeScale = local.DefaultTimeScale / 10
	}
	s := &Stack{knobs: c.Knobs}
	opts := append(c.Knobs.options(), local.WithEmulatorOptions(emulator.WithPutFailure(s.failPut), emulator.WithBeforePut(s.seePut)),
		local.WithTradingEnabled(s.readKillSwitch))
	account, ds, err := startingState(c)
	if err != nil {
		return nil, err
	}
	if account != nil {
		opts = append(opts, local.WithAccount(*account))
	}
	if ds != nil {
		opts = append(opts, local.WithDataset(ds))
	}
	if c.Unguarded {
		opts = append(opts, local.WithIdempotencyStore(forgetfulStore{}))
	}
	if c.Network != nil {
		opts = append(opts, local.WithNetwork(c.Network))
	}
	if c.SLOs != nil {
		opts = append(opts, local.WithBudgets(budgets.For(c.SLOs)), local.WithAlarmDescriptions(describer(c.SLOs)))
	}
	opts = append(opts, c.Options...)
	if s.Stack, err = local.New(ctx, local.Config{RunDir: c.Dir, Workflows: c.Workflows, Seed: c.Seed, Duplicates: c.Duplicates,
		TimeScale: c.TimeScale, Progress: c.Progress}, opts...); err != nil {
		return nil, err
	}
	return s, nil
}

// startingState is the account and data set c needs instead of Run's;
// nil for Run's.
func startingState(c StackConfig) (*paper.AccountConfig, *marketdata.Dataset, error) {
	if !c.CashOnly && c.Dust == 0 {
		return nil, nil, nil
	}
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, nil, err
	}
	days := ds.TradingDays()
	n := max(c.Workflows, 1)
	if n > len(days)-local.Warmup {
		return nil, nil, fmt.Errorf("could not run: %d workflows, want 1 to %d", n, len(days)-local.Warmup)
	}
	account, err := local.StartingAccount(ds, days[len(days)-n], c.Seed)
	if err != nil {
		return nil, nil, err
	}
	if c.CashOnly {
		account = paper.AccountConfig{Cash: local.StartingCash, Positions: map[string]decimal.Decimal{}}
	}
	if c.Dust == 0 {
		return &account, nil, nil
	}
	dusty, err := withDust(ds, account, c.Dust)
	return &account, dusty, err
}

// SetPutFailure may fail PutEvents entries from now on (nil accepts
// them all): emulator.WithPutFailure's hook, set after the stack is
// built.
func (s *Stack) SetPutFailure(f func(source, detailType string) (code, msg string)) {
	if f == nil {
		s.putFailure.Store(nil)
		return
	}
	s.putFailure.Store(&f)
}

func (s *Stack) failPut(source, detailType string) (string, string) {
	if f := s.putFailure.Load(); f != nil {
		return (*f)(source, detailType)
	}
	return "", ""
}

// SetKillSwitchError makes the execution function's reading of the kill
// switch fail with err from now on (nil: it reads "true"), as when SSM
// cannot be reached: the function returns the error, and Lambda retries.
func (s *Stack) SetKillSwitchError(err error) {
	if err == nil {
		s.killSwitch.Store(nil)
		return
	}
	s.killSwitch.Store(&err)
}

func (s *Stack) readKillSwitch(context.Context) (bool, error) {
	if err := s.killSwitch.Load(); err != nil {
		return false, *err
	}
	return true, nil
}

func (s *Stack) seePut(ctx context.Context, in *eventbridge.PutEventsInput) {
	if f := s.beforePut.Load(); f != nil {
		(*f)(ctx, in)
	}
}

// DuplicateOrders are accepted orders beyond the first for one order of
// one workflow, on the stack's account (local.Stack.DuplicateOrders).
func (s *Stack) DuplicateOrders() int { return s.Stack.DuplicateOrders(s.Orders()) }

// CrashOnPublish makes the function that publishes an event of
// detailType crash (emulator.Crash) just before its PutEvents call, the
// first n times: its side effects are done, its event is never sent.
// Lambda then retries the invocation as after any runtime exit.
func (s *Stack) CrashOnPublish(detailType string, n int) {
	var left atomic.Int64
	left.Store(int64(n))
	f := func(ctx context.Context, in *eventbridge.PutEventsInput) {
		if slices.ContainsFunc(in.Entries, func(e types.PutEventsRequestEntry) bool {
			return aws.ToString(e.DetailType) == detailType && left.Add(-1) >= 0
		}) {
			emulator.Crash(ctx)
		}
	}
	s.beforePut.Store(&f)
}

// withDust returns ds with n dust symbols, copies of its fractionable
// ones, and puts 0.001 share of each in account.
func withDust(ds *marketdata.Dataset, account paper.AccountConfig, n int) (*marketdata.Dataset, error) {
	var frac []string
	for _, s := range ds.Symbols() {
		if ds.Fractionable(s) {
			frac = append(frac, s)
		}
	}
	copies := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("DUST%04d", i+1)
		copies[name] = frac[i%len(frac)]
		account.Positions[name] = decimal.New(1, -3)
	}
	return ds.WithCopies(copies)
}

// forgetfulStore remembers nothing: every Acquire succeeds.
type forgetfulStore struct{}

var _ idempotency.Store = forgetfulStore{}

func (forgetfulStore) Acquire(context.Context, idempotency.Record, time.Time) (*idempotency.Record, error) {
	return nil, nil
}
func (forgetfulStore) Complete(context.Context, idempotency.Record) error      { return nil }
func (forgetfulStore) Delete(context.Context, string) error                    { return nil }
func (forgetfulStore) Extend(context.Context, string, string, time.Time) error { return nil }
func (forgetfulStore) Release(context.Context, string, string) error           { return nil }
func (forgetfulStore) Get(context.Context, string) (*idempotency.Record, error) {
	return nil, nil
}
