// Command scheduler is the scheduler Lambda: EventBridge Scheduler invokes
// it at 09:35 New York time on weekdays; it publishes WorkflowStarted.
package main

import (
	"context"
	_ "time/tzdata" // the workflow's trading date is a New York date

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() { wiring.Run("scheduler", build) }

func build(_ context.Context, _ aws.Config, deps handlers.Deps) (handlers.Func, error) {
	return (&handlers.Scheduler{Deps: deps}).Handle, nil
}
