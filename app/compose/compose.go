package compose

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/alchemiser/alchemiser/app/strategy"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/aws/aws-lambda-go/lambda"
)

// The chain's middleware names (Function.Chain).
const (
	Telemetry   = "telemetry"
	ClaimCheck  = "claim-check"
	Idempotency = "idempotency"
)

// Deps are what a function's handler is built from. Each field says
// which functions use it.
type Deps struct {
	// Handler are every handler's publisher, logger, metrics and ids.
	Handler handlers.Deps
	// Alpaca reaches the broker (portfolio, execution), its market clock
	// and calendar (scheduler) and market data (strategy).
	Alpaca alpaca.Config
	// Executor configures execution's executor; its Observer and
	// OnBreakerStateChange default to Handler.Metrics.
	Executor execution.Config
	// TradingEnabled is execution's kill switch; nil trades.
	TradingEnabled func(ctx context.Context) (bool, error)
	// Notifier sends notifications' summaries; LogLocation says where a
	// workflow's logs are, Dashboard names the alarm notifications' link.
	Notifier    notify.Notifier
	LogLocation func(correlationID string) string
	Dashboard   string
	// Query resolves a saved query for the alarm notifications' Logs
	// Insights link (the notifications function resolves the saved queries); nil links Logs Insights empty.
	Query func(name string) (text string, groups []string, ok bool)
	// Describe gives an alarm's description by name, for the incident
	// alarms' notifications (handlers.Notifications.Describe).
	Describe func(alarmName string) (string, bool)
	// RunbookBaseURL and Region link failed workflows' summaries to the
	// runbook and the dashboard.
	RunbookBaseURL, Region string
	// Budgets reads the SLOs' error budgets (notifications); nil reads
	// none (app/budgets makes one).
	Budgets handlers.Budgets
	// Ledger is the scheduled workflows' ledger (scheduler,
	// notifications); nil without an idempotency table.
	Ledger *handlers.Ledger
	// Idempotency is the event consumers' idempotency store; nil leaves
	// them unguarded. Lease is the guards' in-progress lease
	// (handlers.IdempotencyLease when zero, none when negative).
	Idempotency idempotency.Store
	Lease       time.Duration
	// Claims holds the details moved to claim checks (event consumers);
	// nil fails an event that has one.
	Claims bus.ClaimStore
	// Telemetry wraps the handler; nil runs it bare.
	Telemetry *telemetry.Telemetry
}

// Function is a composed function.
type Function struct {
	Handler lambda.Handler
	// Chain names the middleware around the handler, outermost first.
	Chain []string
}

// Option adds to the chain.
type Option func(*config)

type config struct{ extras []middleware }

type middleware struct {
	name string
	wrap func(handlers.Func) handlers.Func
}

// WithMiddleware adds mw, called name in Function.Chain, inside the
// telemetry wrap and outside claim-check resolution (see the package
// comment). Options add in order: the first given is the outermost.
func WithMiddleware(name string, mw func(handlers.Func) handlers.Func) Option {
	return func(c *config) { c.extras = append(c.extras, middleware{name, mw}) }
}

// Build makes function fn's handler from d and wraps it in the chain. fn
// is one of template.yaml's functions (topology.Topology.FunctionNames).
func Build(fn string, d Deps, opts ...Option) (*Function, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	h, err := handler(fn, d)
	if err != nil {
		return nil, fmt.Errorf("could not build the %s handler: %w", fn, err)
	}
	var chain []string // innermost first, reversed at the end
	wrap := func(name string, mw func(handlers.Func) handlers.Func) {
		h = mw(h)
		chain = append(chain, name)
	}
	if consumesEvents(fn) {
		if d.Idempotency != nil {
			guard := idempotency.New(d.Idempotency, idempotency.Config{Lease: lease(d.Lease)})
			wrap(Idempotency, func(next handlers.Func) handlers.Func { return handlers.Idempotent(guard, fn, d.Handler, next) })
		}
		wrap(ClaimCheck, func(next handlers.Func) handlers.Func { return handlers.ResolvingClaims(d.Claims, next) })
	}
	for _, mw := range slices.Backward(c.extras) {
		wrap(mw.name, mw.wrap)
	}
	f := &Function{Handler: lambda.NewHandler(h)}
	if d.Telemetry != nil {
		var opts []telemetry.WrapOption
		if !consumesEvents(fn) {
			opts = append(opts, telemetry.WithTrigger(scheduleTrigger))
		}
		f.Handler = d.Telemetry.Wrap(telemetry.HandlerFunc(h), opts...)
		chain = append(chain, Telemetry)
	}
	slices.Reverse(chain)
	f.Chain = chain
	return f, nil
}

// scheduleTrigger reads the scheduler's input for its invocation span:
// EventBridge Scheduler's schedules (triggers "schedule" and "watchdog",
// template.yaml) are timers, with the schedule's expression and time;
// anything else (verify, manual, loadtest: an operator's or a harness's
// invoke) is another trigger.
func scheduleTrigger(raw []byte) telemetry.Trigger {
	var in handlers.ScheduleInput
	_ = json.Unmarshal(raw, &in) // the handler refuses what it cannot read
	timer := in.Trigger == "schedule" || in.Trigger == "watchdog"
	return telemetry.Trigger{Timer: timer, Cron: in.Cron, Time: in.ScheduledTime, Name: in.Trigger}
}

// consumesEvents is false for the scheduler, whose input is EventBridge
// Scheduler's, not an event.
func consumesEvents(fn string) bool { return fn != "scheduler" }

func lease(d time.Duration) time.Duration {
	if d == 0 {
		return handlers.IdempotencyLease
	}
	return max(d, 0)
}

// handler builds fn's bare handler.
func handler(fn string, d Deps) (handlers.Func, error) {
	switch fn {
	case "scheduler":
		return (&handlers.Scheduler{Deps: d.Handler, Ledger: d.Ledger, Market: alpaca.New(d.Alpaca)}).Handle, nil
	case "strategy":
		return strategyHandler(d)
	case "portfolio":
		planner, err := portfolio.New(portfolio.Config{})
		if err != nil {
			return nil, err
		}
		return (&handlers.Portfolio{Deps: d.Handler, Broker: alpaca.New(d.Alpaca), Planner: planner}).Handle, nil
	case "execution":
		return executionHandler(d)
	case "notifications":
		return (&handlers.Notifications{Deps: d.Handler, Notifier: d.Notifier, Ledger: d.Ledger, Budgets: d.Budgets, Dashboard: d.Dashboard,
			Query: d.Query, LogLocation: d.LogLocation, Describe: d.Describe,
			RunbookBaseURL: d.RunbookBaseURL, Region: d.Region}).Handle, nil
	}
	return nil, fmt.Errorf("no function %q", fn)
}

func strategyHandler(d Deps) (handlers.Func, error) {
	strategies, err := strategy.DefaultConfig()
	if err != nil {
		return nil, err
	}
	engine, err := strategy.NewEngine(strategies)
	if err != nil {
		return nil, err
	}
	prices := marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: d.Alpaca.DataURL,
		KeyID: d.Alpaca.KeyID, Secret: d.Alpaca.Secret, HTTPClient: d.Alpaca.HTTPClient})
	return (&handlers.Strategy{Deps: d.Handler, Engine: engine, Prices: prices}).Handle, nil
}

func executionHandler(d Deps) (handlers.Func, error) {
	cfg := d.Executor
	if rec := d.Handler.Metrics; rec != nil {
		if cfg.Observer == nil {
			cfg.Observer = rec
		}
		if cfg.OnBreakerStateChange == nil {
			cfg.OnBreakerStateChange = rec.BreakerStateChange
		}
	}
	b := alpaca.New(d.Alpaca)
	exec, err := execution.New(b, cfg)
	if err != nil {
		return nil, err
	}
	return (&handlers.Execution{Deps: d.Handler, Broker: b, Executor: exec, TradingEnabled: d.TradingEnabled}).Handle, nil
}
