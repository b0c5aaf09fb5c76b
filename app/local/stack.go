package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/alchemiser/alchemiser/app/strategy"
)

// Functions are the names of the workflow's functions.
var Functions = []string{"strategy", "portfolio", "execution", "notifications"}

// Stack is a running local stack.
type Stack struct {
	Dir      string
	Dataset  *marketdata.Dataset
	Exchange *paper.Exchange
	Router   *Router
	DLQ      *DLQ
	Outbox   *notify.Outbox
	key      string
	logs     []*os.File
}

// stackConfig is what a stack is built from.
type stackConfig struct {
	dir     string
	account paper.AccountConfig
	day     time.Time
	seed    uint64
}

// newStack starts the paper exchange and wires the four handlers.
func newStack(ctx context.Context, c stackConfig) (*Stack, error) {
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, err
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
	s := &Stack{Dir: c.dir, Dataset: ds, Exchange: x, key: key,
		DLQ: &DLQ{Path: filepath.Join(c.dir, "dlq.jsonl")}, Outbox: &notify.Outbox{Dir: filepath.Join(c.dir, "outbox")}}
	s.Router = NewRouter(ctx, s.DLQ)
	if err := s.wire(alpaca.Config{BaseURL: base, DataURL: base, KeyID: key, Secret: secret, PollInterval: 20 * time.Millisecond}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// wire builds each function's handler and subscribes it.
func (s *Stack) wire(cfg alpaca.Config) error {
	b := alpaca.New(cfg)
	engineCfg, err := strategy.DefaultConfig()
	if err != nil {
		return err
	}
	engine, err := strategy.NewEngine(engineCfg)
	if err != nil {
		return err
	}
	planner, err := portfolio.New(portfolio.Config{})
	if err != nil {
		return err
	}
	exec, err := execution.New(b, execution.Config{})
	if err != nil {
		return err
	}
	deps := map[string]handlers.Deps{}
	for _, fn := range Functions {
		log, err := s.logger(fn)
		if err != nil {
			return err
		}
		deps[fn] = handlers.Deps{Publisher: s.Router.Publisher(events.Source(fn)), Log: log}
	}
	prices := marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: cfg.DataURL, KeyID: cfg.KeyID, Secret: cfg.Secret})
	logs := filepath.Join(s.Dir, "logs")
	s.subscribe("strategy", (&handlers.Strategy{Deps: deps["strategy"], Engine: engine, Prices: prices}).Handle, events.TypeWorkflowStarted)
	s.subscribe("portfolio", (&handlers.Portfolio{Deps: deps["portfolio"], Broker: b, Planner: planner}).Handle, events.TypeSignalGenerated)
	s.subscribe("execution", (&handlers.Execution{Deps: deps["execution"], Broker: b, Executor: exec}).Handle, events.TypeRebalancePlanned)
	s.subscribe("notifications", (&handlers.Notifications{Deps: deps["notifications"], Notifier: s.Outbox,
		LogLocation: func(string) string { return logs }}).Handle, events.TypeWorkflowCompleted, events.TypeWorkflowFailed)
	return nil
}

func (s *Stack) subscribe(fn string, h Handler, types ...string) {
	for _, t := range types {
		s.Router.Subscribe(t, Target{Function: fn, Handle: h})
	}
}

// logger returns a JSON logger writing to logs/<fn>.log.
func (s *Stack) logger(fn string) (*slog.Logger, error) {
	dir := filepath.Join(s.Dir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("could not create log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, fn+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("could not open log: %w", err)
	}
	s.logs = append(s.logs, f)
	return slog.New(slog.NewJSONHandler(f, nil)).With("function", fn), nil
}

// Close stops the exchange and closes the logs.
func (s *Stack) Close() {
	_ = s.Exchange.Close()
	for _, f := range s.logs {
		_ = f.Close()
	}
}

// Orders returns the orders the paper exchange received.
func (s *Stack) Orders() []paper.Order { return s.Exchange.Orders(s.key) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
