package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/localaws"
	"github.com/alchemiser/alchemiser/topology"
)

// upClean is the local endpoint on a clean run of its workflows, trading
// enabled (the workflows place orders), and the CLI pointed at it.
func upClean(t *testing.T) *scenarioEndpoint {
	t.Helper()
	s := &scenarioEndpoint{}
	var err error
	s.ep, err = localaws.Up(context.Background(), localaws.Config{Addr: "127.0.0.1:0", RunDir: filepath.Join(t.TempDir(), "run"),
		NoSchedules: true, Now: time.Now, Trading: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.ep.Close() })
	if s.rep, err = s.ep.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.cli = awsCLI(t, s.ep.URL)
	t.Setenv("AWS_REGION", s.ep.Stack.Top.Region)
	return s
}

// A clean stack passes, and the dry run it triggers places no order.
func TestVerifyPassesOnACleanStack(t *testing.T) {
	s := upClean(t)
	before := len(s.ep.Stack.Orders())
	stdout, stderr, code := s.cli("verify", "--stack", s.ep.Stack.Top.StackName, "--trigger")
	t.Logf("%s\n%s", stdout, stderr)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if after := len(s.ep.Stack.Orders()); after != before {
		t.Errorf("the dry run placed %d order(s)", after-before)
	}
	if !strings.Contains(stdout, `outcome "verified (dry run)"`) {
		t.Errorf("the report does not show the dry run's outcome")
	}
	if !strings.Contains(stdout, `"true": trading enabled`) {
		t.Errorf("the report does not say trading is enabled")
	}
}

// The kill switch's row passes halted (as a new stack starts) and says
// so; a value the execution function cannot read fails it.
func TestVerifyReadsTheKillSwitch(t *testing.T) {
	s := upClean(t)
	stack := s.ep.Stack.Top.StackName
	if _, stderr, code := s.cli("trading", "halt", "--stack", stack); code != exitOK {
		t.Fatalf("trading halt: exit %d\n%s", code, stderr)
	}
	stdout, stderr, code := s.cli("verify", "--stack", stack, "--trigger")
	if code != exitOK || !strings.Contains(stdout, `"false": trading halted (as a new stack starts)`) {
		t.Fatalf("halted: exit %d\n%s\n%s", code, stdout, stderr)
	}
	out, stderr, code := s.cli("trading", "status", "--stack", stack, "--json")
	var status struct{ Parameter string }
	if err := json.Unmarshal([]byte(out), &status); code != exitOK || err != nil || status.Parameter == "" {
		t.Fatalf("trading status: exit %d (%v)\n%s%s", code, err, out, stderr)
	}
	ssmPut(t, status.Parameter, "off")
	failed := verifyFails(t, s)
	if r, ok := failed["kill switch"]; !ok || !strings.Contains(strings.Join(r.Evidence, " "), `"off": neither "true" nor "false"`) {
		t.Errorf("kill switch: %+v", failed)
	}
}

// verifyFails runs verify on s and returns its JSON report's failed
// checks, requiring exit 1.
func verifyFails(t *testing.T, s *scenarioEndpoint, args ...string) map[string]verifyRow {
	t.Helper()
	stdout, stderr, code := s.cli(append([]string{"verify", "--stack", s.ep.Stack.Top.StackName, "--json"}, args...)...)
	var rep verifyReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != exitFailed {
		t.Fatalf("exit %d (%v)\n%s\n%s", code, err, stdout, stderr)
	}
	failed := map[string]verifyRow{}
	for _, r := range rep.Rows {
		if r.Status == verifyFail {
			failed[r.Check] = r
		}
	}
	return failed
}

func TestVerifyFailsOnAFailedWorkflow(t *testing.T) {
	failed := verifyFails(t, upScenario(t, "workflow-failed"))
	if r, ok := failed["workflow"]; !ok || !strings.Contains(strings.Join(r.Evidence, " "), "failed at step") {
		t.Errorf("no failed workflow row: %+v", failed)
	}
}

func TestVerifyFailsOnADeadLetterAndAnAlarm(t *testing.T) {
	s := upScenario(t, "event-dead-lettered")
	at := time.Now().Add(2 * time.Minute)
	s.frozen.Store(&at)
	failed := verifyFails(t, s)
	q, ok := failed["queues"]
	if !ok || !strings.Contains(strings.Join(q.Evidence, " "), "alchemiser-failed-invocations holds") ||
		len(q.Runbook) == 0 || !strings.HasSuffix(q.Runbook[0], "event-dead-lettered.md") {
		t.Errorf("queues: %+v", q)
	}
	if a, ok := failed["alarms"]; !ok || !strings.Contains(strings.Join(a.Evidence, " "), "event-dead-lettered is in ALARM") {
		t.Errorf("alarms: %+v", failed)
	}
}

// faultyAPI wraps verify's clients with one injected fault.
func faultyAPI(t *testing.T, wrap func(*verifyAPI)) {
	t.Helper()
	orig := newVerifyAPI
	newVerifyAPI = func(cfg aws.Config) verifyAPI { api := orig(cfg); wrap(&api); return api }
	t.Cleanup(func() { newVerifyAPI = orig })
}

// brokenQueryLogs deploys one saved query with text that does not parse.
type brokenQueryLogs struct{ verifyLogsAPI }

func (l brokenQueryLogs) DescribeQueryDefinitions(ctx context.Context, in *cloudwatchlogs.DescribeQueryDefinitionsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeQueryDefinitionsOutput, error) {
	out, err := l.verifyLogsAPI.DescribeQueryDefinitions(ctx, in, opts...)
	if err == nil && len(out.QueryDefinitions) > 0 {
		out.QueryDefinitions[0].QueryString = aws.String("filter (((")
	}
	return out, err
}

// undeployedAliasCFN lists the stack without the execution function's
// alias and version, as a stack deployed from a template without
// AutoPublishAlias would be.
type undeployedAliasCFN struct{ cfnAPI }

func (c undeployedAliasCFN) DescribeStackResources(ctx context.Context, in *cloudformation.DescribeStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error) {
	out, err := c.cfnAPI.DescribeStackResources(ctx, in, opts...)
	if err == nil {
		out.StackResources = slices.DeleteFunc(out.StackResources, func(r cfntypes.StackResource) bool {
			return strings.HasPrefix(aws.ToString(r.LogicalResourceId), "ExecutionFunctionAlias") ||
				strings.HasPrefix(aws.ToString(r.LogicalResourceId), "ExecutionFunctionVersion")
		})
	}
	return out, err
}

// tracelessLogs drops the strategy's lines from every query's results.
type tracelessLogs struct{ verifyLogsAPI }

func (l tracelessLogs) GetQueryResults(ctx context.Context, in *cloudwatchlogs.GetQueryResultsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetQueryResultsOutput, error) {
	out, err := l.verifyLogsAPI.GetQueryResults(ctx, in, opts...)
	if err == nil {
		out.Results = slices.DeleteFunc(out.Results, func(row []logstypes.ResultField) bool {
			return slices.ContainsFunc(row, func(f logstypes.ResultField) bool {
				return aws.ToString(f.Field) == "function" && aws.ToString(f.Value) == "strategy"
			})
		})
	}
	return out, err
}

// unemittedMetrics lists no WorkflowsStarted metric.
type unemittedMetrics struct{ verifyMetricsAPI }

func (m unemittedMetrics) ListMetrics(ctx context.Context, in *cloudwatch.ListMetricsInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	out, err := m.verifyMetricsAPI.ListMetrics(ctx, in, opts...)
	if err == nil {
		out.Metrics = slices.DeleteFunc(out.Metrics, func(m cwtypes.Metric) bool { return aws.ToString(m.MetricName) == metrics.WorkflowsStarted })
	}
	return out, err
}

func TestVerifyFailsOnInjectedFaults(t *testing.T) {
	s := upClean(t)
	for _, tc := range []struct {
		check, evidence string
		wrap            func(*verifyAPI)
	}{
		{"queries", "does not run", func(a *verifyAPI) { a.Logs = brokenQueryLogs{a.Logs} }},
		{"step logs", "no line of step strategy", func(a *verifyAPI) { a.Logs = tracelessLogs{a.Logs} }},
		{"metrics", "WorkflowsStarted{service=alchemiser} was never emitted", func(a *verifyAPI) { a.Metrics = unemittedMetrics{a.Metrics} }},
		{"stack", "gradual deploys) missing: ExecutionFunctionAliaslive, ExecutionFunctionVersion…", func(a *verifyAPI) { a.CFN = undeployedAliasCFN{a.CFN} }},
	} {
		t.Run(tc.check, func(t *testing.T) {
			faultyAPI(t, tc.wrap)
			failed := verifyFails(t, s)
			r, ok := failed[tc.check]
			if !ok || !strings.Contains(strings.Join(r.Evidence, " "), tc.evidence) {
				t.Errorf("%s: want FAIL with %q, failed: %+v", tc.check, tc.evidence, failed)
			}
		})
	}
}

// ssmPut writes a parameter with the SDK, from the environment awsCLI set.
func ssmPut(t *testing.T, name, value string) {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(context.Background(), &ssm.PutParameterInput{Name: aws.String(name),
		Value: aws.String(value), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}

// racingLambda starts a second verify run's workflow right after the
// first's, as a second operator's verify would: the later one is the
// newest "workflow started" line.
type racingLambda struct {
	verifyLambdaAPI
	runID *string // the run id of verify's own invocation
}

func (l racingLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	out, err := l.verifyLambdaAPI.Invoke(ctx, in, opts...)
	if err != nil {
		return out, err
	}
	var own handlers.ScheduleInput
	if err := json.Unmarshal(in.Payload, &own); err != nil {
		return nil, err
	}
	*l.runID = own.RunID
	other := own
	other.RunID = "another-operator"
	payload, _ := json.Marshal(other)
	if _, err := l.verifyLambdaAPI.Invoke(ctx, &lambda.InvokeInput{FunctionName: in.FunctionName, Payload: payload}, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// Two verify runs at once each report the workflow they started, found
// by the run id their invocation carries, not the newest dry run.
func TestVerifyFindsItsOwnWorkflow(t *testing.T) {
	s := upClean(t)
	var runID string
	faultyAPI(t, func(api *verifyAPI) { api.Lambda = racingLambda{api.Lambda, &runID} })
	stdout, stderr, code := s.cli("verify", "--stack", s.ep.Stack.Top.StackName, "--trigger", "--json")
	var rep verifyReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != exitOK || runID == "" {
		t.Fatalf("exit %d (%v), run id %q\n%s\n%s", code, err, runID, stdout, stderr)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lines, err := cloudwatchlogs.NewFromConfig(cfg).FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(s.ep.Stack.Top.Functions[topology.LogicalID("scheduler")].LogGroup), FilterPattern: aws.String(`{ $.message = "workflow started" }`)})
	if err != nil {
		t.Fatal(err)
	}
	started := map[string]string{} // run id -> correlation id
	for _, e := range lines.Events {
		var line struct {
			RunID         string `json:"run_id"`
			CorrelationID string `json:"correlation_id"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(e.Message)), &line); err != nil {
			t.Fatal(err)
		}
		if line.RunID != "" {
			started[line.RunID] = line.CorrelationID
		}
	}
	if len(started) != 2 || rep.Workflow == "" || rep.Workflow != started[runID] {
		t.Errorf("verify reported workflow %s; the runs started %v, its own is %s", rep.Workflow, started, runID)
	}
}
