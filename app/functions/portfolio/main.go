// Command portfolio is the portfolio Lambda: SignalGenerated in,
// RebalancePlanned (or WorkflowCompleted when nothing trades) out.
package main

import "github.com/alchemiser/alchemiser/app/functions/internal/wiring"

func main() { wiring.Run("portfolio", nil) }
