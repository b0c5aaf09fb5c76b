package local

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/shopspring/decimal"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/marketdata"
)

// ChaosConfig configures a chaos scenario's stack (package chaos): the
// incident tests' stack, exported.
type ChaosConfig struct {
	Dir        string // the run directory; created when missing
	Workflows  int    // the last Workflows sessions of the data set; 1 when zero
	Seed       uint64
	Duplicates float64 // share of deliveries made twice
	TimeScale  float64 // DefaultTimeScale/10 when zero, as the incident tests
	Chaos      Chaos
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
	// invariant catching the missing protection; never in a real run. It
	// wires the stack as a load test does (loadstart.go: a pooled HTTP
	// transport, a concurrency-safe jitter), with the forgetful store.
	Unguarded bool
}

// ChaosStack is a stack prepared for a chaos scenario.
type ChaosStack struct {
	*Stack
	Days  []time.Time // the sessions the run will trade
	plans *planIndex
}

// NewChaosStack starts a stack for c; hooks may then inject faults on it
// before RunDays.
func NewChaosStack(ctx context.Context, c ChaosConfig) (*ChaosStack, error) {
	if c.Workflows == 0 {
		c.Workflows = 1
	}
	if c.TimeScale == 0 {
		c.TimeScale = DefaultTimeScale / 10
	}
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, err
	}
	days := ds.TradingDays()
	if c.Workflows < 1 || c.Workflows > len(days)-Warmup {
		return nil, fmt.Errorf("could not run: %d workflows, want 1 to %d", c.Workflows, len(days)-Warmup)
	}
	days = days[len(days)-c.Workflows:]
	account, err := startingAccount(ds, days[0], c.Seed)
	if err != nil {
		return nil, err
	}
	if c.CashOnly {
		account = paper.AccountConfig{Cash: StartingCash, Positions: map[string]decimal.Decimal{}}
	}
	sc := stackConfig{dir: c.Dir, account: account, day: days[0], seed: c.Seed, timeScale: c.TimeScale,
		duplicates: c.Duplicates, chaos: c.Chaos}
	if c.Dust > 0 {
		if sc.dataset, err = withDust(ds, account, c.Dust); err != nil {
			return nil, err
		}
	}
	if c.Unguarded {
		h := newLoadHooks()
		h.store = &countingStore{next: forgetfulStore{}}
		sc.load = h
	}
	s, err := newStack(ctx, sc)
	if err != nil {
		return nil, err
	}
	cs := &ChaosStack{Stack: s, Days: days, plans: &planIndex{byClientID: map[string]intent{}}}
	s.Bus.Tap(cs.plans.record)
	return cs, nil
}

// RunDays runs one workflow per day of Days, as Run does.
func (c *ChaosStack) RunDays(ctx context.Context, progress io.Writer) (*Report, error) {
	return c.run(ctx, Config{Progress: progress}, c.Days)
}

// DuplicateOrders are accepted orders beyond the first for one order of
// one workflow (LoadCounts.DuplicateOrders' definition).
func (c *ChaosStack) DuplicateOrders() int { return c.plans.duplicates(c.Orders()) }

// Inject puts a raw event on bus as if a producer had, bypassing the
// publisher's validation (a poison event).
func (c *ChaosStack) Inject(bus string, raw []byte, id string) { c.Bus.put(bus, raw, id) }

// CrashOnPublish makes the function that publishes an event of
// detailType crash (Crash) just before its PutEvents call, the first n
// times: its side effects are done, its event is never sent. Lambda then
// retries the invocation as after any runtime exit.
func (c *ChaosStack) CrashOnPublish(detailType string, n int) {
	var left atomic.Int64
	left.Store(int64(n))
	c.Bus.BeforePut = func(ctx context.Context, in *eventbridge.PutEventsInput) {
		for _, e := range in.Entries {
			if aws.ToString(e.DetailType) == detailType && left.Add(-1) >= 0 {
				Crash(ctx)
			}
		}
	}
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
