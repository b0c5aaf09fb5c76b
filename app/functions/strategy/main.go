// Command strategy is the strategy Lambda: WorkflowStarted in,
// SignalGenerated out.
package main

import "github.com/alchemiser/alchemiser/app/functions/internal/wiring"

func main() { wiring.Run("strategy", nil) }
