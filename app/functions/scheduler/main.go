// Command scheduler is the scheduler Lambda: EventBridge Scheduler invokes
// it at 09:35 New York time on weekdays, and publishes WorkflowStarted;
// and every five minutes of the session as the workflow watchdog.
package main

import (
	"context"
	_ "time/tzdata" // the workflow's trading date is a New York date

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
)

func main() { wiring.Run("scheduler", build) }

func build(_ context.Context, env wiring.Env) (handlers.Func, error) {
	return (&handlers.Scheduler{Deps: env.Deps, Ledger: env.Ledger}).Handle, nil
}
