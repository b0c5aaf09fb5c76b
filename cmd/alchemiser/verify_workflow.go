package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/internal/console"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/topology"
)

// workflowPoll is how often verify looks for the triggered workflow.
const workflowPoll = 2 * time.Second

// workflowEnd is the terminal log line of a workflow (notifications'
// "workflow ended").
type workflowEnd struct {
	CorrelationID, Status, Outcome, Step, Reason string
}

// checkWorkflow starts a dry run (--trigger) or finds the last workflow
// that ended since --since, and checks that it completed.
func (v *verifier) checkWorkflow(ctx context.Context) (string, verifyRow) {
	row := verifyRow{Check: "workflow", Status: verifyPass}
	var id string
	var end *workflowEnd
	var err error
	if v.trigger {
		id, end, err = v.triggerWorkflow(ctx)
	} else {
		end, err = v.lastWorkflow(ctx)
		if end != nil {
			id = end.CorrelationID
		}
	}
	switch {
	case err != nil:
		row.fail("%v", err)
		row.Runbook = v.runbook("workflow-stuck")
	case end == nil && !v.trigger:
		row.Status, row.skipOK = verifySkip, true
		row.evidence("no workflow ended since %s; --trigger starts a dry run", v.since.UTC().Format(time.RFC3339))
	case end == nil:
		row.fail("workflow %s did not end within --wait %s", id, v.wait)
		row.Runbook = v.runbook("workflow-stuck")
	case end.Status != "completed":
		row.fail("workflow %s %s at step %s: %s", id, end.Status, end.Step, end.Reason)
		row.Runbook = v.runbook("workflow-failed")
	case v.trigger && end.Outcome != events.OutcomeDryRun:
		row.fail("workflow %s completed with outcome %q, not %q: the execution function did not honour the dry run", id, end.Outcome, events.OutcomeDryRun)
	default:
		row.evidence("workflow %s completed, outcome %q", id, end.Outcome)
	}
	return id, row
}

// triggerWorkflow invokes the scheduler function with trigger verify,
// finds the workflow it started and waits for its end.
func (v *verifier) triggerWorkflow(ctx context.Context) (string, *workflowEnd, error) {
	fn := v.physical[schedulerLogicalID(v.top)]
	if fn == "" {
		return "", nil, fmt.Errorf("the stack has no scheduler function")
	}
	at := clock.Now()
	// The run id finds this run's workflow, not another verify's started
	// at the same time.
	runID := newRunID()
	payload, _ := json.Marshal(handlers.ScheduleInput{Trigger: handlers.TriggerVerify, ScheduledTime: at.UTC(), RunID: runID})
	in := &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload}
	// Through the alias, as the schedule invokes it: the deployed version,
	// not $LATEST.
	if alias := v.top.Functions[schedulerLogicalID(v.top)].Alias; alias != "" {
		in.Qualifier, fn = aws.String(alias), fn+":"+alias
	}
	out, err := v.api.Lambda.Invoke(ctx, in)
	if err != nil {
		return "", nil, awsErr("could not invoke "+fn, err)
	}
	if out.FunctionError != nil {
		return "", nil, fmt.Errorf("%s failed: %s: %s", fn, aws.ToString(out.FunctionError), out.Payload)
	}
	fmt.Fprintf(v.progress, "verify: invoked %s (version %s) with trigger %s; waiting up to %s for the workflow\n",
		fn, aws.ToString(out.ExecutedVersion), handlers.TriggerVerify, v.wait)
	// Log lines carry their own time: look a minute before the invoke,
	// for a clock that differs from CloudWatch's.
	from := at.Add(-time.Minute)
	deadline := clock.Now().Add(v.wait)
	id := ""
	for {
		if id == "" {
			res, err := v.query(ctx, `filter message = "workflow started" and trigger = "`+handlers.TriggerVerify+`" and run_id = "`+runID+`"
| fields @timestamp, correlation_id | sort @timestamp desc | limit 1`, from, "scheduler")
			if err != nil {
				return "", nil, err
			}
			if ids := column(res, "correlation_id"); len(ids) > 0 {
				id = ids[0]
				fmt.Fprintf(v.progress, "verify: workflow %s started\n", id)
			}
		}
		if id != "" {
			end, err := v.workflowEnd(ctx, from, `and correlation_id = "`+id+`"`)
			if err != nil || end != nil {
				return id, end, err
			}
		}
		if !clock.Now().Before(deadline) {
			return id, nil, nil
		}
		fmt.Fprintf(v.progress, "verify: waiting for workflow %s to end\n", cmpOr(id, "(not started yet)"))
		if err := clock.Sleep(ctx, workflowPoll); err != nil {
			return id, nil, err
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// schedulerLogicalID is the logical id of the template's scheduler function.
func schedulerLogicalID(top *topology.Topology) string {
	for _, f := range top.OrderedFunctions() {
		if topology.FunctionName(f.LogicalID) == "scheduler" {
			return f.LogicalID
		}
	}
	return ""
}

// lastWorkflow is the last workflow that ended since --since, nil when none.
func (v *verifier) lastWorkflow(ctx context.Context) (*workflowEnd, error) {
	return v.workflowEnd(ctx, v.since, "")
}

// workflowEnd is the latest "workflow ended" line matching filter.
func (v *verifier) workflowEnd(ctx context.Context, from time.Time, filter string) (*workflowEnd, error) {
	res, err := v.query(ctx, `filter message = "workflow ended" `+filter+`
| fields @timestamp, correlation_id, status, outcome, step, reason | sort @timestamp desc | limit 1`, from, "notifications")
	if err != nil || len(res.Rows) == 0 {
		return nil, err
	}
	get := func(c string) string { return column(res, c)[0] }
	return &workflowEnd{CorrelationID: get("correlation_id"), Status: get("status"), Outcome: get("outcome"), Step: get("step"), Reason: get("reason")}, nil
}

// checkStepLogs runs the saved query workflow-trace for the workflow and
// checks that every step it went through logged: the scheduler, strategy,
// portfolio and notifications always, execution when a plan had trades.
func (v *verifier) checkStepLogs(ctx context.Context, id string, wf verifyRow) verifyRow {
	row := verifyRow{Check: "step logs", Status: verifyPass}
	if id == "" {
		row.Status, row.skipOK = verifySkip, wf.skipOK
		row.evidence("no workflow to trace")
		return row
	}
	saved, err := queries.Get("workflow-trace")
	if err != nil {
		row.fail("%v", err)
		return row
	}
	text, err := saved.Query(map[string]string{"correlation_id": id})
	if err != nil {
		row.fail("%v", err)
		return row
	}
	res, err := v.query(ctx, text, v.since.Add(-time.Hour))
	if err != nil {
		row.fail("workflow-trace: %v", err)
		return row
	}
	lines := map[string]int{}
	planned := false
	fns, types := column(res, "function"), column(res, "event_type")
	for i := range res.Rows {
		lines[fns[i]]++
		planned = planned || types[i] == events.TypeRebalancePlanned
	}
	want := []string{"scheduler", "strategy", "portfolio", "notifications"}
	if planned {
		want = slices.Insert(want, 3, "execution")
	}
	var counts []string
	for _, fn := range want {
		counts = append(counts, fmt.Sprintf("%s %d", fn, lines[fn]))
		if lines[fn] == 0 {
			row.fail("workflow-trace finds no line of step %s for workflow %s", fn, id)
			row.Runbook = v.runbook("workflow-stuck")
		}
	}
	row.Evidence = append([]string{fmt.Sprintf("workflow-trace: %d lines (%s)", len(res.Rows), strings.Join(counts, ", "))}, row.Evidence...)
	groups, _ := v.st.logGroups(nil)
	row.Console = append(row.Console, console.LogsInsights(v.region, text, groups, console.Range{Start: v.since.Add(-time.Hour), End: clock.Now()}))
	return row
}

// newRunID names one verify run (handlers.ScheduleInput.RunID).
func newRunID() string { return events.NewIDs(clock.Now, rand.Reader).New() }
