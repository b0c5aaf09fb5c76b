// Command portfolio is the portfolio Lambda: SignalGenerated in,
// RebalancePlanned (or WorkflowCompleted when nothing trades) out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/portfolio"
)

func main() { wiring.Run("portfolio", build) }

func build(_ context.Context, env wiring.Env) (handlers.Func, error) {
	planner, err := portfolio.New(portfolio.Config{})
	if err != nil {
		return nil, err
	}
	return (&handlers.Portfolio{Deps: env.Deps, Broker: alpaca.New(env.Alpaca), Planner: planner}).Handle, nil
}
