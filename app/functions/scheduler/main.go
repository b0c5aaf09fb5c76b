// Command scheduler is the scheduler Lambda: EventBridge Scheduler invokes
// it at 09:35 New York time on weekdays, and publishes WorkflowStarted;
// and every five minutes of the session as the workflow watchdog.
package main

import (
	_ "time/tzdata" // the workflow's trading date is a New York date

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
)

func main() { wiring.Run("scheduler", nil) }
