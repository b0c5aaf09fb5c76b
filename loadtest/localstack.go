package loadtest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/topology"
)

// localStackConfig configures newLocalStack: a stack for load tests,
// where many workflows run at once on one trading day of the bundled data
// set.
type localStackConfig struct {
	RunDir string    // the run directory, created; must not exist
	Day    time.Time // the session every workflow trades; the data set's last when zero
	Seed   uint64    // fixes the starting account, the emulator's jitter and duplicates, the exchange's faults
	// Account is the starting state of each workflow's paper account; when
	// zero, local.Run's: $100,000, of which a seed-chosen 30% sits in
	// three positions, so every plan sells and buys.
	Account paper.AccountConfig
	// SharedAccount makes every workflow trade on one account, as in
	// production, instead of one account each. Plans made at the same
	// time from the same snapshot then compete for its cash and shares:
	// after the first executions, the others' orders are refused or
	// scaled to nothing and their workflows fail, whatever the cash.
	SharedAccount bool
	// TimeScale compresses EventBridge's and Lambda's retry waits;
	// local.DefaultTimeScale when zero.
	TimeScale  float64
	Duplicates float64      // share of EventBridge deliveries made twice, 0..1
	Faults     paper.Faults // the paper exchange's injected latency and errors
	// DurableIdempotency keeps the idempotency records in the file store
	// local.Run uses, which rewrites and syncs idempotency.json under one
	// lock at every change: every function of every workflow waits for
	// it. By default the records are kept in memory and idempotency.json
	// is written once, by Close.
	DurableIdempotency bool
	// Network is the paper exchange's network (local.WithNetwork), which
	// the stack's pool then dials; 127.0.0.1 when nil.
	Network local.Network
	// ExecutionConcurrency replaces the template's reserved concurrency
	// of the execution function (0 reserves none); the template's when nil.
	ExecutionConcurrency *int
}

// localStack is a local stack for load tests: startWorkflow starts a
// workflow and returns its correlation id, counts says what the stack
// counted beyond the bus's Stats. Its methods are safe for concurrent
// use.
type localStack struct {
	*local.Stack
	store     *countingStore
	memory    *idempotency.MemoryStore // nil with DurableIdempotency
	transport *http.Transport
	broker    *brokerTransport
	starts    pendingStarts
}

// newLocalStack starts a load-test stack in cfg.RunDir: the local stack
// with a pooled HTTP transport that counts order requests (and gives each
// workflow its own account unless SharedAccount), a counted idempotency
// store, and a scheduler that tells startWorkflow the id it assigned.
func newLocalStack(ctx context.Context, cfg localStackConfig) (*localStack, error) {
	if cfg.RunDir == "" {
		return nil, errors.New("could not start the load-test stack: no run directory")
	}
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, err
	}
	if cfg.Day.IsZero() {
		days := ds.TradingDays()
		cfg.Day = days[len(days)-1]
	}
	if cfg.Account.Cash.IsZero() && len(cfg.Account.Positions) == 0 {
		if cfg.Account, err = local.StartingAccount(ds, cfg.Day, cfg.Seed); err != nil {
			return nil, err
		}
	}
	if err := newRunDir(cfg.RunDir); err != nil {
		return nil, err
	}
	t := loadTransport()
	s := &localStack{transport: t, broker: &brokerTransport{next: t}, starts: pendingStarts{ids: map[int64]string{}}}
	if s.store, s.memory, err = newLoadStore(cfg); err != nil {
		return nil, err
	}
	opts := []local.Option{local.WithIdempotencyStore(s.store), local.WithHTTPClient(&http.Client{Transport: s.broker}),
		local.WithExecutorConfig(func(c *execution.Config) { c.Rand = jitter() }),
		local.WithHandlerMiddleware("scheduler", "load-start", s.recordStart),
		local.WithDataset(ds), local.WithDay(cfg.Day), local.WithAccount(cfg.Account)}
	if n := cfg.ExecutionConcurrency; n != nil {
		opts = append(opts, local.WithTopology(func(top *topology.Topology) {
			// As the template's ReservesConcurrency condition: 0 reserves none.
			top.Functions["ExecutionFunction"].ReservedConcurrency = cmp.Or(*n, -1)
		}))
	}
	if cfg.Network != nil {
		t.DialContext = cfg.Network.Dial
		opts = append(opts, local.WithNetwork(cfg.Network))
	}
	st, err := local.New(ctx, local.Config{RunDir: cfg.RunDir, Seed: cfg.Seed, TimeScale: cfg.TimeScale,
		Duplicates: cfg.Duplicates}, opts...)
	if err != nil {
		return nil, err
	}
	s.Stack = st
	if !cfg.SharedAccount {
		s.broker.accounts = &workflowAccounts{x: st.Exchange, start: cfg.Account, keys: map[string][2]string{}}
	}
	st.Exchange.SetFaults(cfg.Faults)
	return s, nil
}

// newRunDir creates exactly dir, which must not exist.
func newRunDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("could not create run directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("run directory %s already exists", dir)
		}
		return fmt.Errorf("could not create run directory: %w", err)
	}
	return nil
}

// newLoadStore is the idempotency store behind the request counter, and
// the memory store Close saves (nil when the file store saves itself).
func newLoadStore(cfg localStackConfig) (*countingStore, *idempotency.MemoryStore, error) {
	if cfg.DurableIdempotency {
		fs, err := idempotency.NewFileStore(filepath.Join(cfg.RunDir, "idempotency.json"))
		if err != nil {
			return nil, nil, err
		}
		return &countingStore{next: fs}, nil, nil
	}
	m := idempotency.NewMemoryStore()
	return &countingStore{next: m}, m, nil
}

// Close waits for everything in flight (deliveries, retries, starts)
// until ctx ends, then stops the stack (flushing telemetry and closing
// the logs) and writes idempotency.json. After ctx ends, what is still in
// flight loses what it writes.
func (s *localStack) Close(ctx context.Context) error {
	idle := make(chan struct{})
	go func() { s.Bus.Wait(); close(idle) }()
	var err error
	select {
	case <-idle:
	case <-ctx.Done():
		err = fmt.Errorf("could not wait for the stack to settle: %w", ctx.Err())
	}
	s.Stack.Close()
	s.transport.CloseIdleConnections()
	if s.memory != nil {
		err = errors.Join(err, writeRecords(filepath.Join(s.Dir, "idempotency.json"), s.memory.Records()))
	}
	return err
}

// writeRecords writes the idempotency records as the file store does:
// one JSON record a line, by key.
func writeRecords(path string, records []idempotency.Record) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("could not write idempotency records: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return fmt.Errorf("could not write idempotency records: %w", err)
		}
	}
	return f.Close()
}

// loadTransport is the load stack's connection pool to the paper
// exchange. http.DefaultTransport keeps two idle connections per host, so
// dozens of concurrent workflows would open (and leave in TIME_WAIT) a
// connection per request; each Lambda environment keeps its own pool.
func loadTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 512, 512
	return t
}
