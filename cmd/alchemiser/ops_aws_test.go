package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/alchemiser/alchemiser/internal/console"
	locallogs "github.com/alchemiser/alchemiser/localaws/logs"
	"github.com/alchemiser/alchemiser/queries"
)

var now = time.Date(2026, 12, 4, 16, 40, 0, 0, time.UTC)

// --stack resolves the template's resources from CloudFormation's answer
// (localaws/cloudformation's, over awsQuery), for the stack's own name,
// region, account and parameters.
func TestStackResolution(t *testing.T) {
	f := &fakeAWS{}
	endpoint := awsEndpoint(t, f)
	f.deploy(t, "loadtest", map[string]string{"EnableLoadTest": "true"})
	awsCLI(t, endpoint)
	o := awsOptions{stack: "prod"}
	cfg, err := o.config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, err := o.loadStack(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bus != "prod-bus" || st.BusARN != "arn:aws:events:eu-west-1:123456789012:event-bus/prod-bus" ||
		st.Archive != "prod-BusArchive" || st.ArchiveARN != "arn:aws:events:eu-west-1:123456789012:archive/prod-BusArchive" {
		t.Errorf("bus %s %s, archive %s %s", st.Bus, st.BusARN, st.Archive, st.ArchiveARN)
	}
	if len(st.EventsDLQs) != 1 || st.EventsDLQs[0].URL != "https://sqs.eu-west-1.amazonaws.com/123456789012/prod-events-dlq" || st.EventsDLQs[0].Name() != "prod-events-dlq" {
		t.Errorf("events DLQs %+v", st.EventsDLQs)
	}
	if len(st.OnFailure) != 1 || st.OnFailure[0].Name() != "prod-failed-invocations" {
		t.Errorf("on-failure queues %+v", st.OnFailure)
	}
	var groups []string
	for _, g := range st.LogGroups {
		groups = append(groups, g.Function+"="+g.Name)
	}
	if want := "scheduler=/aws/lambda/prod-scheduler strategy=/aws/lambda/prod-strategy portfolio=/aws/lambda/prod-portfolio " +
		"execution=/aws/lambda/prod-execution notifications=/aws/lambda/prod-notifications"; strings.Join(groups, " ") != want {
		t.Errorf("log groups %v, want %s", groups, want)
	}
	if st.TradingParameter != "/prod/trading-enabled" {
		t.Errorf("kill switch %q", st.TradingParameter)
	}
	saved, _ := queries.Get("workflow-failed")
	all, _ := queries.All()
	if len(st.QueryDefinitions) != len(all) || st.QueryDefinitions[saved.DeployedName()] != "prod-WorkflowFailedQueryV1" {
		t.Errorf("query definitions %v", st.QueryDefinitions)
	}
	if len(st.Alarms) != len(f.alarms)/2 || !slices.Contains(st.Alarms, "prod-event-dead-lettered") || slices.Contains(st.Alarms, "loadtest-event-dead-lettered") {
		t.Errorf("%d alarms (%d deployed in two stacks): %v", len(st.Alarms), len(f.alarms), st.Alarms)
	}
	if st.Outputs["BusName"] != "prod-bus" {
		t.Errorf("outputs %v", st.Outputs)
	}

	// CloudFormation answers at most 100 resources to
	// DescribeStackResources (the local endpoint answers them all); a
	// stack cut short is listed with ListStackResources, every page.
	// The stack at the template's defaults holds fewer than 100
	// resources: the test caps DescribeStackResources lower.
	kept := describeStackResourcesCap
	describeStackResourcesCap = 30
	t.Cleanup(func() { describeStackResourcesCap = kept })
	capped := &cappedCFN{Client: cloudformation.NewFromConfig(cfg)}
	again, err := resolveStack(context.Background(), capped, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if capped.pages < 2 || !slices.Equal(again.Alarms, st.Alarms) || again.TradingParameter != st.TradingParameter || again.Archive != st.Archive {
		t.Errorf("capped: %d pages of ListStackResources, %d alarms", capped.pages, len(again.Alarms))
	}

	// A stack deployed with the load-test resources has their DLQ too:
	// the template is resolved with the stack's parameters.
	lt, err := awsOptions{stack: "loadtest"}.loadStackForTest(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, q := range lt.EventsDLQs {
		names = append(names, q.Name())
	}
	if !slices.Contains(names, "loadtest-events-dlq") || !slices.Contains(names, "loadtest-loadtest-results-dlq") {
		t.Errorf("load-test stack's events DLQs %v", names)
	}
}

func (o awsOptions) loadStackForTest(t *testing.T, cfg aws.Config) (*stack, error) {
	t.Helper()
	return resolveStack(context.Background(), cloudformation.NewFromConfig(cfg), o.stack)
}

// cappedCFN answers DescribeStackResources as CloudFormation does for a
// stack of more than 100 resources (the first 100), and pages
// ListStackResources by 40, from the local endpoint's answer.
type cappedCFN struct {
	*cloudformation.Client
	pages int
}

func (c *cappedCFN) DescribeStackResources(ctx context.Context, in *cloudformation.DescribeStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error) {
	out, err := c.Client.DescribeStackResources(ctx, in, opts...)
	if err == nil && len(out.StackResources) > describeStackResourcesCap {
		out.StackResources = out.StackResources[:describeStackResourcesCap]
	}
	return out, err
}

func (c *cappedCFN) ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	all, err := c.Client.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: in.StackName}, opts...)
	if err != nil {
		return nil, err
	}
	c.pages++
	from, _ := strconv.Atoi(aws.ToString(in.NextToken))
	out := &cloudformation.ListStackResourcesOutput{}
	for _, r := range all.StackResources[from:min(from+40, len(all.StackResources))] {
		out.StackResourceSummaries = append(out.StackResourceSummaries, cfntypes.StackResourceSummary{LogicalResourceId: r.LogicalResourceId,
			PhysicalResourceId: r.PhysicalResourceId, ResourceType: r.ResourceType, ResourceStatus: r.ResourceStatus, LastUpdatedTimestamp: r.Timestamp})
	}
	if from+40 < len(all.StackResources) {
		out.NextToken = aws.String(strconv.Itoa(from + 40))
	}
	return out, nil
}

func TestAStackThatDoesNotExist(t *testing.T) {
	cli := awsCLI(t, awsEndpoint(t, &fakeAWS{}))
	for _, args := range [][]string{{"dlq", "list", "--stack", "nope"}, {"query", "workflow-failed", "--stack", "nope"},
		{"alarms", "status", "--stack", "nope"}, {"replay", "start", "--stack", "nope", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"}} {
		_, stderr, code := cli(args...)
		if code != exitFailed || !strings.Contains(stderr, "could not describe stack nope: ValidationError: Stack with id nope does not exist") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestProfileAndRegionFlags(t *testing.T) {
	f := &fakeAWS{}
	cli := awsCLI(t, awsEndpoint(t, f))
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	_ = os.WriteFile(cfgFile, []byte("[profile ops]\nregion = ap-southeast-2\n"), 0o600)
	_ = os.WriteFile(credFile, []byte("[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = s\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	os.Unsetenv("AWS_REGION")
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	useClock(t, now)
	f.rows = [][]resultField{}
	if _, stderr, code := cli("query", "workflow-failed", "--stack", "prod", "--profile", "ops"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, stderr, code := cli("query", "workflow-failed", "--stack", "prod", "--profile", "ops", "--region", "ca-central-1"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !slices.ContainsFunc(f.scopes, func(s string) bool {
		return strings.HasPrefix(s, "AKIDOPS/") && strings.Contains(s, "/ap-southeast-2/logs/")
	}) ||
		!slices.ContainsFunc(f.scopes, func(s string) bool { return strings.Contains(s, "/ca-central-1/cloudformation/") }) {
		t.Errorf("credential scopes %v", f.scopes)
	}
	if _, stderr, code := cli("alarms", "status"); code != exitUsage || !strings.Contains(stderr, "no AWS region") {
		t.Errorf("no region: exit %d, %s", code, stderr)
	}
}

func TestQueryOnCloudWatchLogs(t *testing.T) {
	f := &fakeAWS{polls: 2, rows: [][]resultField{
		{{"@timestamp", "2026-12-04 14:00:00.000"}, {"correlation_id", "01A"}, {"step", "kill_switch"}, {"@ptr", "xyz"}},
		{{"@timestamp", "2026-12-04 15:00:00.000"}, {"correlation_id", "01B"}, {"reason", "rejected, twice"}, {"@ptr", "abc"}},
	}}
	cli := awsCLI(t, awsEndpoint(t, f))
	useClock(t, now)
	stdout, stderr, code := cli("query", "workflow-failed", "--stack", "prod", "--since", "6h", "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	want := [][]string{{"@timestamp", "correlation_id", "step", "reason"}, {"2026-12-04 14:00:00.000", "01A", "kill_switch", ""},
		{"2026-12-04 15:00:00.000", "01B", "", "rejected, twice"}}
	if err != nil || !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("csv %q (%v), want %q", rows, err, want)
	}
	q := f.queries[0]
	saved, _ := queries.Get("workflow-failed")
	text, _ := saved.Query(nil)
	if !slices.Equal(q.LogGroupNames, []string{"/aws/lambda/prod-notifications"}) || q.QueryString != text ||
		q.StartTime != now.Add(-6*time.Hour).Unix() || q.EndTime != now.Unix() {
		t.Errorf("StartQuery %+v", q)
	}
	if !strings.Contains(stderr, "query q-1 on /aws/lambda/prod-notifications, 2026-12-04T10:40:00Z to 2026-12-04T16:40:00Z") || !strings.Contains(stderr, "q-1 Running") ||
		!strings.Contains(stderr, "console: "+console.LogsInsights(fakeRegion, text, q.LogGroupNames, console.Range{Start: now.Add(-6 * time.Hour), End: now})) {
		t.Errorf("progress %q", stderr)
	}

	// trace: the workflow-trace query for one id, over every function's group, as a table.
	stdout, stderr, code = cli("trace", "01A", "--stack", "prod", "--from", "2026-12-04", "--until", "2026-12-04T12:00:00Z")
	q = f.queries[1]
	if code != exitOK || len(q.LogGroupNames) != 5 || !strings.Contains(q.QueryString, `correlation_id = "01A"`) ||
		q.StartTime != time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC).Unix() || q.EndTime != time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC).Unix() {
		t.Errorf("trace: exit %d %s, StartQuery %+v", code, stderr, q)
	}
	if !strings.Contains(stdout, "2 row(s); 1234 event(s) scanned") {
		t.Errorf("trace table %q", stdout)
	}

	// --log-group selects among the stack's groups; without a stack it names them.
	_, stderr, code = cli("query", "workflow-trace", "--param", "correlation_id=01A", "--stack", "prod", "--log-group", "execution", "--log-group", "strategy")
	if q := f.queries[2]; code != exitOK || !slices.Equal(q.LogGroupNames, []string{"/aws/lambda/prod-strategy", "/aws/lambda/prod-execution"}) {
		t.Errorf("--log-group with --stack: exit %d %s, %v", code, stderr, q.LogGroupNames)
	}
	_, stderr, code = cli("query", "workflow-trace", "--param", "correlation_id=01A", "--log-group", "arn:aws:logs:eu-west-1:1:log-group:/custom/group:*", "--format", "json")
	if q := f.queries[3]; code != exitOK || !slices.Equal(q.LogGroupNames, []string{"/custom/group"}) {
		t.Errorf("--log-group alone: exit %d %s, %v", code, stderr, q.LogGroupNames)
	}
	if _, stderr, code := cli("query", "workflow-trace", "--param", "correlation_id=01A", "--stack", "prod", "--log-group", "nosuch"); code != exitUsage || !strings.Contains(stderr, `stack prod has no log group "nosuch"`) {
		t.Errorf("unknown group: exit %d %s", code, stderr)
	}

	// --expect-empty: the same rows, printed, fail the command; none pass.
	stdout, stderr, code = cli("query", "workflow-failed", "--stack", "prod", "--since", "6h", "--expect-empty")
	if code != exitFailed || !strings.Contains(stdout, "01B") || !strings.Contains(stderr, "--expect-empty: the query returned rows: 2 row(s)") {
		t.Errorf("--expect-empty with rows: exit %d\n%s\n%s", code, stdout, stderr)
	}
	f.mu.Lock()
	f.rows = nil
	f.mu.Unlock()
	if stdout, stderr, code = cli("query", "workflow-failed", "--stack", "prod", "--since", "6h", "--expect-empty"); code != exitOK || !strings.Contains(stdout, "0 row(s)") {
		t.Errorf("--expect-empty without rows: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestQueryOnCloudWatchLogsFails(t *testing.T) {
	f := &fakeAWS{}
	cli := awsCLI(t, awsEndpoint(t, f))
	useClock(t, now)
	for _, status := range []string{"Failed", "Cancelled", "Timeout"} {
		f.endStatus = status
		if _, stderr, code := cli("query", "workflow-failed", "--stack", "prod"); code != exitFailed || !strings.Contains(stderr, "ended "+status) {
			t.Errorf("%s: exit %d %s", status, code, stderr)
		}
	}
	// A query still running when --wait is over is stopped.
	f.endStatus, f.polls = "", 1000
	_, stderr, code := cli("query", "workflow-failed", "--stack", "prod", "--wait", "30s")
	if code != exitFailed || !strings.Contains(stderr, "still Running at the end of --wait") || len(f.stopped) != 1 || f.stopped[0] != "q-4" {
		t.Errorf("--wait: exit %d %s, stopped %v", code, stderr, f.stopped)
	}
	if f.polls != 1000-31 {
		t.Errorf("%d polls in 30s of one-second polls", 1000-f.polls)
	}
	for _, args := range [][]string{
		{"query", "workflow-failed", "--stack", "prod", "--since", "yesterday"},
		{"query", "workflow-failed", "--stack", "prod", "--since", "1h", "--from", "2026-12-01"},
		{"query", "workflow-failed", "--stack", "prod", "--from", "2026-12-05"},
		{"query", "workflow-failed", "--stack", "prod", "--wait", "0s"},
		{"query", "workflow-failed"},
		{"trace", "01A"},
		{"trace", "01A", "--stack", "prod", "--logs", "run"},
	} {
		if _, stderr, code := cli(args...); code != exitUsage {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
}

func TestReplayWithStack(t *testing.T) {
	f := &fakeAWS{}
	cli := awsCLI(t, awsEndpoint(t, f))
	useClock(t, now)
	stdout, stderr, code := cli("replay", "start", "--stack", "prod", "--from", "2026-12-04T14:00:00Z", "--to", "2026-12-04T15:00:00Z")
	r := f.replays["prod-20261204T164000Z"]
	if code != exitOK || r == nil || r.EventSourceArn != "arn:aws:events:eu-west-1:123456789012:archive/prod-BusArchive" ||
		r.Destination.Arn != "arn:aws:events:eu-west-1:123456789012:event-bus/prod-bus" || !strings.Contains(stdout, "replay prod-20261204T164000Z STARTING") {
		t.Fatalf("start: exit %d %s %s, %+v", code, stdout, stderr, f.replays)
	}
	stdout, stderr, code = cli("replay", "status", "prod-20261204T164000Z", "--stack", "prod", "--json")
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); code != exitOK || err != nil || got["state"] != "COMPLETED" || got["last_replayed"] != "2026-12-04T15:00:00Z" || stderr != "" {
		t.Errorf("status: exit %d %q %q", code, stdout, stderr)
	}
	// --archive overrides the stack's, and status notes the other archive.
	if _, _, code := cli("replay", "start", "--stack", "prod", "--archive", "arn:aws:events:eu-west-1:1:archive/other", "--name", "x",
		"--from", "2026-12-04T14:00:00Z", "--to", "2026-12-04T15:00:00Z"); code != exitOK || f.replays["x"].EventSourceArn != "arn:aws:events:eu-west-1:1:archive/other" {
		t.Errorf("--archive: %d", code)
	}
	if _, stderr, _ := cli("replay", "status", "x", "--stack", "prod"); !strings.Contains(stderr, "not stack prod's archive") {
		t.Errorf("status of another archive's replay: %q", stderr)
	}
	if _, stderr, code := cli("replay", "status", "nope"); code != exitFailed || !strings.Contains(stderr, "ResourceNotFoundException: Replay nope does not exist.") {
		t.Errorf("unknown replay: %d %s", code, stderr)
	}
	if _, _, code := cli("replay", "start", "--from", "2026-12-04T14:00:00Z", "--to", "2026-12-04T15:00:00Z"); code != exitUsage {
		t.Errorf("no stack nor archive: %d", code)
	}
}

func TestAlarmsStatus(t *testing.T) {
	f := &fakeAWS{}
	cli := awsCLI(t, awsEndpoint(t, f))
	useClock(t, now)
	firing := map[string]bool{"prod-event-dead-lettered": true, "prod-slo-budget-exhausted-ticket": true}
	for i := range f.alarms {
		a := &f.alarms[i]
		a.Since = now.Add(-72 * time.Hour)
		if firing[a.Name] {
			a.State, a.Reason, a.Since = "ALARM", "Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).", now.Add(-2*time.Hour-30*time.Minute)
		}
	}
	f.alarms = append(f.alarms, fakeAlarm{Name: "someone-elses", State: "ALARM", Since: now})

	stdout, stderr, code := cli("alarms", "status", "--stack", "prod")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"ALARM             prod-event-dead-lettered  (metric, since 2026-12-04T14:10:00Z, for 2h30m0s)",
		"  reason:  Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).",
		"  runbook: https://github.com/alchemiser/alchemiser/blob/main/runbooks/event-dead-lettered.md",
		"  query:   alchemiser query event-dead-lettered --stack prod",
		"  console: " + console.Alarm(fakeRegion, "prod-event-dead-lettered"),
		"ALARM             prod-slo-budget-exhausted-ticket  (metric,",
		"2 alarm(s) in ALARM of 2 listed",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, stdout)
		}
	}
	req := f.alarmReqs[0]
	if req.StateValue != "ALARM" || !slices.Equal(req.AlarmTypes, []string{"MetricAlarm", "CompositeAlarm"}) || len(req.AlarmNames) != len(f.alarms)-1 {
		t.Errorf("DescribeAlarms %+v", req)
	}

	// Every state, as JSON lines, through DescribeAlarms' pages.
	stdout, _, code = cli("alarms", "status", "--stack", "prod", "--state", "all", "--json")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var first alarmStatus
	if err := json.Unmarshal([]byte(lines[0]), &first); code != exitOK || err != nil || len(lines) != len(f.alarms)-1 || first.State != "ALARM" ||
		first.ForSeconds != 9000 || first.Query != "event-dead-lettered" && first.Query != "workflow-failed" {
		t.Errorf("--state all --json: exit %d, %d lines, first %+v", code, len(lines), first)
	}

	if _, stderr, code := cli("alarms", "status", "--stack", "prod", "--fail-on-alarm"); code != exitFailed || !strings.Contains(stderr, "2 alarms are in ALARM") {
		t.Errorf("--fail-on-alarm: %d %s", code, stderr)
	}
	if stdout, _, code := cli("alarms", "status", "--stack", "prod", "--state", "ok", "--json"); code != exitOK || strings.Count(stdout, "\n") != len(f.alarms)-3 {
		t.Errorf("--state ok: %d, %d lines", code, strings.Count(stdout, "\n"))
	}
	// Without a stack: every alarm of the account.
	if stdout, _, _ := cli("alarms", "status"); !strings.Contains(stdout, "someone-elses") || !strings.Contains(stdout, "query:   alchemiser query event-dead-lettered --stack STACK") {
		t.Errorf("without a stack:\n%s", stdout)
	}
	// A runbook's recovery check: named alarms, the stack's prefix left out.
	if stdout, stderr, code := cli("alarms", "status", "--stack", "prod", "--alarm", "event-dead-lettered", "--expect", "OK"); code != exitFailed ||
		!strings.Contains(stderr, "not OK: prod-event-dead-lettered is ALARM") || strings.Count(stdout, "\n") != 6 {
		t.Errorf("--expect OK of an alarm in ALARM: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, stderr, code := cli("alarms", "status", "--stack", "prod", "--alarm", "prod-event-dead-lettered", "--alarm", "event-dead-lettered", "--expect", "alarm"); code != exitOK {
		t.Errorf("--expect ALARM of an alarm in ALARM: exit %d %s", code, stderr)
	}
	if _, stderr, code := cli("alarms", "status", "--stack", "prod", "--alarm", "no-such-alarm", "--expect", "OK"); code != exitFailed ||
		!strings.Contains(stderr, "no-such-alarm does not exist") {
		t.Errorf("--expect of an unknown alarm: exit %d %s", code, stderr)
	}
	for _, args := range [][]string{{"alarms", "status", "--state", "bogus"}, {"alarms", "status", "--state", "OK", "--fail-on-alarm"}, {"alarms", "status", "extra"},
		{"alarms", "status", "--expect", "OK"}, {"alarms", "status", "--alarm", "x", "--expect", "all"}} {
		if _, _, code := cli(args...); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

func TestAWSCommandsHaveHelp(t *testing.T) {
	cli := awsCLI(t, "http://127.0.0.1:1")
	for _, args := range [][]string{{"alarms", "status"}, {"query"}, {"trace"}, {"dlq", "list"}, {"dlq", "redrive"}, {"replay", "start"}, {"replay", "status"}} {
		stdout, _, code := cli(append(args, "--help")...)
		if code != exitOK || !strings.Contains(stdout, "--stack") || !strings.Contains(stdout, "--profile") || !strings.Contains(stdout, "--region") {
			t.Errorf("%v --help: exit %d\n%s", args, code, stdout)
		}
	}
}

// cancelClock's Sleep ends the command's context, as an interrupt would.
type cancelClock struct {
	fakeClock
	cancel context.CancelFunc
}

func (c *cancelClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.cancel()
	return ctx.Err()
}

func TestAnInterruptedQueryIsStopped(t *testing.T) {
	f := &fakeAWS{polls: 5}
	awsCLI(t, awsEndpoint(t, f))
	ctx, cancel := context.WithCancel(context.Background())
	c := &cancelClock{fakeClock: fakeClock{now: now}, cancel: cancel}
	old := clock
	clock = c
	t.Cleanup(func() { clock = old })
	cfg, err := (&awsOptions{}).config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = runLogsQuery(ctx, cloudwatchlogs.NewFromConfig(cfg), logsQuery{Text: "fields @message", Groups: []string{"/g"}, Start: now.Add(-time.Hour), End: now, Wait: time.Hour}, io.Discard)
	if !errors.Is(err, context.Canceled) || !slices.Equal(f.stopped, []string{"q-1"}) {
		t.Errorf("err %v, stopped %v", err, f.stopped)
	}
}

// On the local stack's Logs service (localaws/logs, over a run's log
// groups), a saved query on the stack gives what the local engine gives
// on the run directory.
func TestQueryOnTheLocalLogsServiceMatchesTheRunDirectory(t *testing.T) {
	run := filepath.Join("..", "..", "localaws", "logs", "testdata", "run")
	lg, err := locallogs.New(locallogs.Config{RunDir: run, Region: fakeRegion, AccountID: fakeAccount})
	if err != nil {
		t.Fatal(err)
	}
	svc := lg.Service()
	f := &fakeAWS{logsService: &svc}
	endpoint := f.serve(t)
	f.deploy(t, "alchemiser", nil)
	cli := awsCLI(t, endpoint)
	for _, q := range []string{"workflow-failed", "order-rejected"} {
		local, stderr, code := cli("query", q, "--logs", run, "--format", "json")
		if code != exitOK {
			t.Fatalf("%s --logs: exit %d %s", q, code, stderr)
		}
		remote, stderr, code := cli("query", q, "--stack", "alchemiser", "--from", "2000-01-01", "--format", "json")
		if code != exitOK {
			t.Fatalf("%s --stack: exit %d %s", q, code, stderr)
		}
		var a, b []map[string]string
		if err := errors.Join(json.Unmarshal([]byte(local), &a), json.Unmarshal([]byte(remote), &b)); err != nil || len(a) == 0 ||
			!slices.EqualFunc(a, b, func(x, y map[string]string) bool { return maps.Equal(x, y) }) {
			t.Errorf("%s: %v\n--logs %s\n--stack %s", q, err, local, remote)
		}
	}
}
