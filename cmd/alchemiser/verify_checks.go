package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/internal/console"
	"github.com/alchemiser/alchemiser/queries/insights"
	"github.com/alchemiser/alchemiser/topology"
)

// verifier runs verify's checks on one stack.
type verifier struct {
	api       verifyAPI
	region    string
	stackName string
	since     time.Time
	trigger   bool
	wait      time.Duration
	progress  io.Writer

	st       *stack
	top      *topology.Topology
	physical map[string]string
	alarms   []cwAlarm         // the stack's alarms as DescribeAlarms answers
	runbooks map[string]string // runbook URL by its base name (event-dead-lettered)
}

// run runs every check; a check that cannot run is a FAIL row, and the
// checks that need the stack are FAIL when it cannot be read.
func (v *verifier) run(ctx context.Context) *verifyReport {
	rep := &verifyReport{Stack: v.stackName, Region: v.region, At: clock.Now().UTC(), Since: v.since.UTC(), Triggered: v.trigger}
	row := v.checkStack(ctx)
	rep.Rows = append(rep.Rows, row)
	if v.st == nil {
		return rep
	}
	v.loadAlarms(ctx)
	rep.Rows = append(rep.Rows, v.checkKillSwitch(ctx))
	wf, wfRow := v.checkWorkflow(ctx)
	rep.Workflow = wf
	rep.Rows = append(rep.Rows, wfRow, v.checkStepLogs(ctx, wf, wfRow),
		v.checkQueries(ctx), v.checkMetrics(ctx), v.checkAlarms(), v.checkQueues(ctx), v.checkCost(ctx))
	rep.Passed = len(rep.failed()) == 0
	return rep
}

// checkStack: the stack is complete and has every resource of the
// template, and those SAM's transform adds for gradual deploys.
func (v *verifier) checkStack(ctx context.Context) verifyRow {
	row := verifyRow{Check: "stack", Status: verifyPass}
	out, err := v.api.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(v.stackName)})
	if err != nil || len(out.Stacks) == 0 {
		row.fail("%v", awsErr("could not describe stack "+v.stackName, err))
		return row
	}
	s := out.Stacks[0]
	// A rollback also ends in *_COMPLETE, with the previous template or
	// none: only these three mean the template deployed
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes).
	status := s.StackStatus
	if !slices.Contains([]cfntypes.StackStatus{cfntypes.StackStatusCreateComplete, cfntypes.StackStatusUpdateComplete, cfntypes.StackStatusImportComplete}, status) {
		row.fail("status %s (want CREATE_COMPLETE, UPDATE_COMPLETE or IMPORT_COMPLETE): %s", status, aws.ToString(s.StackStatusReason))
	} else {
		row.evidence("status %s", status)
	}
	st, err := resolveStack(ctx, v.api.CFN, v.stackName)
	if err != nil {
		row.fail("%v", err)
		return row
	}
	v.st = st
	params := map[string]string{}
	for _, p := range s.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	if v.top, err = topology.Load("template.yaml", alchemiser.Template,
		topology.Options{StackName: v.stackName, Region: st.Region, Account: st.Account, Parameters: params}); err != nil {
		row.fail("could not resolve template.yaml: %v", err)
		return row
	}
	if v.physical, err = stackResources(ctx, v.api.CFN, v.stackName); err != nil {
		row.fail("%v", err)
		return row
	}
	missing, deployed := missingResources(v.top, v.physical)
	if len(missing) > 0 {
		row.fail("%d of %d resources (the template's and those SAM generates for gradual deploys) missing: %s", len(missing), len(v.top.Resources)+deployed, strings.Join(missing, ", "))
	} else {
		row.evidence("%d of %d template resources present, with the %d SAM generates for gradual deploys", len(v.top.Resources), len(v.top.Resources), deployed)
	}
	row.Console = append(row.Console, console.Home(v.region))
	return row
}

// checkKillSwitch reads the trading parameter. Both values pass: halted
// is how a new stack starts, and enabled is the owner's deliberate act;
// the evidence says which, and how to change it. Any other value fails
// (the execution function reads it as halted, fail-closed, and the owner
// meant something else).
func (v *verifier) checkKillSwitch(ctx context.Context) verifyRow {
	row := verifyRow{Check: "kill switch", Status: verifyPass}
	if v.st.TradingParameter == "" {
		row.fail("the stack has no trading parameter (the kill switch)")
		return row
	}
	out, err := v.api.Params.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(v.st.TradingParameter)})
	if err != nil {
		row.fail("%v", awsErr("could not read "+v.st.TradingParameter, err))
		return row
	}
	val := aws.ToString(out.Parameter.Value)
	if val == "true" {
		row.evidence("%s = %q: trading enabled", v.st.TradingParameter, val)
		return row
	}
	if val == "false" {
		row.evidence("%s = %q: trading halted (as a new stack starts), scheduled workflows complete with outcome halted and no order; "+
			"alchemiser trading resume --stack %s enables it", v.st.TradingParameter, val, v.stackName)
		return row
	}
	row.fail("%s = %q: neither \"true\" nor \"false\"; the execution function treats it as halted. "+
		"alchemiser trading halt|resume --stack %s sets a valid value", v.st.TradingParameter, val, v.stackName)
	return row
}

// cwAlarm is an alarm as verify compares it with the template.
type cwAlarm struct {
	Name, Type, State, Runbook string
	Props                      map[string]any // comparable settings, as the template writes them
	Metrics                    int            // metrics it reads (billed each), 0 for a composite
}

// loadAlarms reads the stack's alarms, and the runbooks their
// descriptions link, which the failing rows point to.
func (v *verifier) loadAlarms(ctx context.Context) {
	v.runbooks = map[string]string{}
	for names := v.st.Alarms; len(names) > 0; names = names[min(100, len(names)):] {
		// At most 100 AlarmNames; without AlarmTypes only metric alarms
		// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
		p := cloudwatch.NewDescribeAlarmsPaginator(v.api.Metrics, &cloudwatch.DescribeAlarmsInput{AlarmNames: names[:min(100, len(names))],
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				fmt.Fprintf(v.progress, "%v\n", awsErr("could not describe the alarms", err))
				return
			}
			for _, a := range page.MetricAlarms {
				v.addAlarm(cwAlarm{Name: aws.ToString(a.AlarmName), Type: "metric", State: string(a.StateValue),
					Runbook: alarms.DescriptionLinks(aws.ToString(a.AlarmDescription)).Runbook, Props: metricAlarmProps(a), Metrics: alarmMetrics(a)})
			}
			for _, a := range page.CompositeAlarms {
				v.addAlarm(cwAlarm{Name: aws.ToString(a.AlarmName), Type: "composite", State: string(a.StateValue),
					Runbook: alarms.DescriptionLinks(aws.ToString(a.AlarmDescription)).Runbook, Props: map[string]any{}})
			}
		}
	}
}

func (v *verifier) addAlarm(a cwAlarm) {
	v.alarms = append(v.alarms, a)
	if a.Runbook != "" {
		base := a.Runbook[strings.LastIndex(a.Runbook, "/")+1:]
		v.runbooks[strings.TrimSuffix(base, ".md")] = a.Runbook
	}
}

func metricAlarmProps(a cwtypes.MetricAlarm) map[string]any {
	p := map[string]any{"ComparisonOperator": string(a.ComparisonOperator)}
	if a.EvaluationPeriods != nil {
		p["EvaluationPeriods"] = float64(*a.EvaluationPeriods)
	}
	if a.Threshold != nil {
		p["Threshold"] = *a.Threshold
	}
	if a.MetricName != nil {
		p["MetricName"] = *a.MetricName
	}
	return p
}

// runbook is the URL of the runbook named base, as the alarms link it.
func (v *verifier) runbook(base string) []string {
	if u := v.runbooks[base]; u != "" {
		return []string{u}
	}
	return nil
}

// checkAlarms: every alarm of the template exists as configured, none
// in ALARM.
func (v *verifier) checkAlarms() verifyRow {
	row := verifyRow{Check: "alarms", Status: verifyPass}
	byName := map[string]cwAlarm{}
	for _, a := range v.alarms {
		byName[a.Name] = a
	}
	states := map[string]int{}
	for _, id := range sortedKeys(v.top.Resources) {
		r := v.top.Resources[id]
		if r.Type != "AWS::CloudWatch::Alarm" && r.Type != "AWS::CloudWatch::CompositeAlarm" {
			continue
		}
		name := v.physical[id]
		a, ok := byName[name]
		if !ok {
			row.fail("alarm %s (%s) does not exist", id, name)
			continue
		}
		states[a.State]++
		for _, key := range []string{"ComparisonOperator", "EvaluationPeriods", "Threshold", "MetricName"} {
			want, ok := r.Properties[key]
			if !ok || a.Props[key] == nil || sameValue(want, a.Props[key]) {
				continue
			}
			row.fail("alarm %s: %s is %v, the template says %v", name, key, a.Props[key], want)
		}
		if a.State == string(cwtypes.StateValueAlarm) {
			row.fail("alarm %s is in ALARM", name)
			row.Console = append(row.Console, console.Alarm(v.region, name))
			if a.Runbook != "" {
				row.Runbook = append(row.Runbook, a.Runbook)
			}
		}
	}
	row.evidence("%d alarms: %d OK, %d INSUFFICIENT_DATA, %d ALARM", len(v.alarms), states["OK"], states["INSUFFICIENT_DATA"], states["ALARM"])
	return row
}

// sameValue compares a template value (string or number as YAML gives
// it) with CloudWatch's.
func sameValue(want, got any) bool {
	return fmt.Sprint(want) == fmt.Sprint(got)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkQueues: the DLQs and on-failure destinations are empty.
func (v *verifier) checkQueues(ctx context.Context) verifyRow {
	row := verifyRow{Check: "queues", Status: verifyPass}
	qs := append(slices.Clone(v.st.EventsDLQs), v.st.OnFailure...)
	if len(qs) == 0 {
		row.fail("the stack has no dead-letter queue")
		return row
	}
	var counts []string
	for _, q := range qs {
		out, err := v.api.Queues.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q.URL),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			row.fail("%v", awsErr("could not read queue "+q.Name(), err))
			continue
		}
		n := out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)]
		counts = append(counts, q.Name()+": "+n)
		if n != "0" && n != "" {
			row.fail("%s holds %s message(s): alchemiser dlq list --stack %s", q.Name(), n, v.stackName)
			row.Runbook = v.runbook("event-dead-lettered")
		}
	}
	row.Evidence = append([]string{strings.Join(counts, ", ")}, row.Evidence...)
	return row
}

// query runs text over the stack's groups (by function name, all when
// none) from since to now.
func (v *verifier) query(ctx context.Context, text string, since time.Time, functions ...string) (*insights.Result, error) {
	groups, err := v.st.logGroups(functions)
	if err != nil {
		return nil, err
	}
	return runLogsQuery(ctx, v.api.Logs, logsQuery{Text: text, Groups: groups, Start: since, End: clock.Now(), Wait: v.wait}, v.progress)
}

// column is the values of a column of res, "" where absent.
func column(res *insights.Result, name string) []string {
	i := slices.Index(res.Columns, name)
	out := make([]string, len(res.Rows))
	for r, row := range res.Rows {
		if i >= 0 {
			out[r] = row[i]
		}
	}
	return out
}

// alarmMetrics is how many metrics an alarm reads: one, or each metric of
// its metric math (https://aws.amazon.com/cloudwatch/pricing/).
func alarmMetrics(a cwtypes.MetricAlarm) int {
	n := 0
	for _, m := range a.Metrics {
		if m.MetricStat != nil {
			n++
		}
	}
	return max(n, 1)
}

// missingResources are the logical ids of the template's resources, and
// of those SAM generates for its functions' aliases and deployments
// (topology.Generated, and a version per alias, whose id ends in a hash
// of the code: <Function>Version<sha>), that physical (the stack's
// resources) lacks, sorted; deployed counts the generated ones.
func missingResources(top *topology.Topology, physical map[string]string) (missing []string, deployed int) {
	for id := range top.Resources {
		if physical[id] == "" {
			missing = append(missing, id)
		}
	}
	for _, g := range top.Generated() {
		deployed++
		if physical[g.LogicalID] == "" {
			missing = append(missing, g.LogicalID)
		}
	}
	for _, f := range top.Functions {
		if f.Alias == "" {
			continue
		}
		deployed++
		if !hasPrefixKey(physical, f.LogicalID+"Version") {
			missing = append(missing, f.LogicalID+"Version…")
		}
	}
	sort.Strings(missing)
	return missing, deployed
}

func hasPrefixKey(m map[string]string, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
