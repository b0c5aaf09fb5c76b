package emulator

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// FireSchedule is EventBridge Scheduler firing schedule s at time at: it
// invokes the target function asynchronously with the schedule's Input,
// its context attributes filled in
// (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
func (e *EventBridge) FireSchedule(_ context.Context, s *topology.Schedule, at time.Time) error {
	f, ok := e.functions[s.Function]
	if !ok || f.handle == nil {
		return fmt.Errorf("schedule %s: target function %q is not registered", s.LogicalID, s.Function)
	}
	input := strings.NewReplacer(
		"<aws.scheduler.scheduled-time>", at.UTC().Format(time.RFC3339),
		"<aws.scheduler.execution-id>", uuid(),
		"<aws.scheduler.schedule-arn>", fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s", e.top.Region, e.top.Account, s.Name),
		"<aws.scheduler.attempt-number>", "1",
	).Replace(s.Input)
	arn := f.ARN
	if s.Qualifier != "" {
		arn = f.AliasARN
	}
	e.inflight.Add(1)
	go e.invokeAsync(f, arn, []byte(input))
	return nil
}
