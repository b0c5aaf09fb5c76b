// Command execution is the execution Lambda: RebalancePlanned in,
// TradeExecuted and WorkflowCompleted or WorkflowFailed out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
)

func main() { wiring.Run("execution", build) }

func build(_ context.Context, env wiring.Env) (handlers.Func, error) {
	b := alpaca.New(env.Alpaca)
	exec, err := execution.New(b, execution.Config{Observer: env.Deps.Metrics, OnBreakerStateChange: env.Deps.Metrics.BreakerStateChange})
	if err != nil {
		return nil, err
	}
	return (&handlers.Execution{Deps: env.Deps, Broker: b, Executor: exec, TradingEnabled: wiring.KillSwitch(env.AWS)}).Handle, nil
}
