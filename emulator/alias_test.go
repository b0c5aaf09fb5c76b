package emulator

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// A rule and a schedule invoke the alias they target: the function runs,
// and its Lambda context names the alias's ARN, as Lambda's does; the
// Invoke API's unqualified call names the function.
func TestTargetsInvokeTheFunctionThroughItsAlias(t *testing.T) {
	e, _ := bareBus(t, t.TempDir())
	var mu sync.Mutex
	invoked := map[string]string{} // function -> invoked ARN
	for _, id := range []string{"ExecutionFunction", "SchedulerFunction", "StrategyFunction"} {
		if err := e.Register(id, func(ctx context.Context, _ json.RawMessage) error {
			lc, _ := lambdacontext.FromContext(ctx)
			mu.Lock()
			defer mu.Unlock()
			invoked[id] = lc.InvokedFunctionArn
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(t, e, "alchemiser.portfolio", "RebalancePlanned")
	if err := e.FireSchedule(context.Background(), e.top.Schedule("WorkflowSchedule"), time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := e.InvokeSync("StrategyFunction", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	e.Wait()
	const prefix = "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-"
	for id, want := range map[string]string{"ExecutionFunction": prefix + "execution:live", "SchedulerFunction": prefix + "scheduler:live",
		"StrategyFunction": prefix + "strategy"} {
		if invoked[id] != want {
			t.Errorf("%s invoked as %q, want %q", id, invoked[id], want)
		}
	}
}
