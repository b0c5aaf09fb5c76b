// Command portfolio is the portfolio Lambda: SignalGenerated in,
// RebalancePlanned (or WorkflowCompleted when nothing trades) out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/portfolio"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() { wiring.Run("portfolio", build) }

func build(_ context.Context, _ aws.Config, deps handlers.Deps) (handlers.Func, error) {
	planner, err := portfolio.New(portfolio.Config{})
	if err != nil {
		return nil, err
	}
	return (&handlers.Portfolio{Deps: deps, Broker: wiring.Broker(), Planner: planner}).Handle, nil
}
