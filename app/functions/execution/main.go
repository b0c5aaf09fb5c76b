// Command execution is the execution Lambda: RebalancePlanned in,
// TradeExecuted and WorkflowCompleted or WorkflowFailed out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() { wiring.Run("execution", build) }

func build(_ context.Context, _ aws.Config, deps handlers.Deps) (handlers.Func, error) {
	b := wiring.Broker()
	exec, err := execution.New(b, execution.Config{Observer: deps.Metrics, OnBreakerStateChange: deps.Metrics.BreakerStateChange})
	if err != nil {
		return nil, err
	}
	return (&handlers.Execution{Deps: deps, Broker: b, Executor: exec}).Handle, nil
}
