// Command execution is the execution Lambda: RebalancePlanned in,
// TradeExecuted and WorkflowCompleted or WorkflowFailed out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
)

func main() { wiring.Run("execution", build) }

// build reads the kill switch's parameter.
func build(_ context.Context, env wiring.Env, d *compose.Deps) error {
	d.TradingEnabled = wiring.KillSwitch(env.AWS)
	return nil
}
