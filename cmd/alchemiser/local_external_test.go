//go:build external

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/topology"
)

// The operator's loop on `alchemiser local up`, as an operator runs it:
// the built binary as a process, the AWS CLI v2.9 (Debian's) with
// --endpoint-url, and the ops commands with AWS_ENDPOINT_URL.
func TestLocalUpAcceptance(t *testing.T) {
	bin := buildAlchemiser(t)
	out := t.TempDir()
	// --no-schedules: a test run that meets 09:35 New York would start a
	// workflow of the schedule's besides the ones counted here.
	clean := startLocalUp(t, bin, "--addr", "127.0.0.1:0", "--workflows", "2", "--trading", "--no-schedules", "--json", "--out", out)
	failing := startLocalUp(t, bin, "--addr", "127.0.0.1:0", "--scenario", "workflow-failed", "--trading", "--no-schedules", "--json", "--out", out)
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if clean.Stack != top.StackName || failing.Stack != top.StackName {
		t.Fatalf("stacks %q and %q, want the template's %q", clean.Stack, failing.Stack, top.StackName)
	}
	rep := clean.waitForWorkflows(t, 2)
	if len(rep.Results) != 2 || !rep.AllCompleted() {
		t.Fatalf("the clean run: %+v", rep)
	}
	c := newOperator(t, clean, top.Region)

	t.Run("saved queries", func(t *testing.T) { savedQueriesListed(t, c, top) })
	t.Run("alarms", func(t *testing.T) { everyAlarmListed(t, c, top) })
	t.Run("queues", func(t *testing.T) { everyQueueListed(t, c, top) })
	t.Run("aliases", func(t *testing.T) { everyAliasAnswers(t, c, top) })
	t.Run("workflow-failed rows", func(t *testing.T) {
		failedRep := failing.waitForWorkflows(t, 0)
		workflowFailedFindsTheFailedWorkflows(t, newOperator(t, failing, top.Region), failedRep)
	})
	t.Run("workflow-trace", func(t *testing.T) { workflowTraceOnTheEndpoint(t, c, rep.Results[0].CorrelationID) })
	t.Run("README", func(t *testing.T) { readmeLocalBlockRuns(t, c, rep.Results[0].CorrelationID) })
	t.Run("halt", func(t *testing.T) {
		failing.waitForWorkflows(t, 0)
		haltStopsTheNextWorkflow(t, newOperator(t, failing, top.Region), top)
	})

	clean.stop(t)
	failing.stop(t)
	// The run directories are complete once the processes have exited:
	// the clean stack's two workflows' and the README's verify dry run's
	// ends are in its log group; the failing stack's manual workflow's end
	// (halted) in its log group and its notification in its outbox; the
	// report is there, and the kill switch stayed put.
	logs, err := os.ReadFile(filepath.Join(clean.RunDir, "cloudwatch", "aws-lambda-alchemiser-notifications.jsonl"))
	if err != nil || strings.Count(string(logs), "workflow ended") != 3 {
		t.Errorf("the notifications log group has %d workflow ends, want 3 (%v)", strings.Count(string(logs), "workflow ended"), err)
	}
	logs, err = os.ReadFile(filepath.Join(failing.RunDir, "cloudwatch", "aws-lambda-alchemiser-notifications.jsonl"))
	halted := 0
	for _, line := range strings.Split(string(logs), "\n") {
		if strings.Contains(line, "workflow ended") && strings.Contains(line, `\"outcome\":\"halted\"`) {
			halted++
		}
	}
	if err != nil || halted != 1 {
		t.Errorf("the failing stack's notifications log group: %d halted workflow ends, want 1 (%v)", halted, err)
	}
	for _, name := range []string{"run.json", "traces.jsonl", "idempotency.json", "ssm.json"} {
		if fi, err := os.Stat(filepath.Join(clean.RunDir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("run directory: %s missing or empty (%v)", name, err)
		}
	}
	if done, _ := filepath.Glob(filepath.Join(failing.RunDir, "outbox", "*-completed.json")); len(done) != 1 {
		t.Errorf("outbox: %d completed notifications, want the halted workflow's", len(done))
	}
	if ssm, _ := os.ReadFile(filepath.Join(failing.RunDir, "ssm.json")); !strings.Contains(string(ssm), `"false"`) {
		t.Errorf("ssm.json does not keep the halt: %s", ssm)
	}
}

// describe-query-definitions lists every saved query of template.yaml.
func savedQueriesListed(t *testing.T, c *operator, top *topology.Topology) {
	var out struct {
		QueryDefinitions []struct {
			Name          string   `json:"name"`
			QueryString   string   `json:"queryString"`
			LogGroupNames []string `json:"logGroupNames"`
		} `json:"queryDefinitions"`
	}
	c.awsJSON(t, &out, "logs", "describe-query-definitions")
	var got []string
	for _, d := range out.QueryDefinitions {
		got = append(got, d.Name)
		if d.QueryString == "" || len(d.LogGroupNames) == 0 {
			t.Errorf("query definition %s: no query or log groups", d.Name)
		}
	}
	if want := templateNames(t, top, "AWS::Logs::QueryDefinition", "Name"); !sameSet(got, want) {
		t.Errorf("query definitions %v, want template.yaml's %v", got, want)
	}
}

// describe-alarms lists every metric and composite alarm of
// template.yaml, each with a state.
func everyAlarmListed(t *testing.T, c *operator, top *topology.Topology) {
	type alarm struct{ AlarmName, StateValue string }
	var out struct{ MetricAlarms, CompositeAlarms []alarm }
	c.awsJSON(t, &out, "cloudwatch", "describe-alarms", "--alarm-types", "MetricAlarm", "CompositeAlarm")
	for kind, list := range map[string][]alarm{"AWS::CloudWatch::Alarm": out.MetricAlarms, "AWS::CloudWatch::CompositeAlarm": out.CompositeAlarms} {
		var got []string
		for _, a := range list {
			got = append(got, a.AlarmName)
			if !slices.Contains([]string{"OK", "ALARM", "INSUFFICIENT_DATA"}, a.StateValue) {
				t.Errorf("alarm %s: state %q", a.AlarmName, a.StateValue)
			}
		}
		// No composite at the template's defaults (BurnRateAlerts off).
		if want := templateNames(t, top, kind, ""); len(want) == 0 && kind == "AWS::CloudWatch::Alarm" || !sameSet(got, want) {
			t.Errorf("%s: %d listed, template.yaml has %d; listed %v", kind, len(got), len(want), got)
		}
	}
}

// list-queues lists the template's queues, on the endpoint.
func everyQueueListed(t *testing.T, c *operator, top *topology.Topology) {
	var out struct{ QueueUrls []string }
	c.awsJSON(t, &out, "sqs", "list-queues")
	var got []string
	for _, u := range out.QueueUrls {
		if !strings.HasPrefix(u, c.up.Endpoint+"/") {
			t.Errorf("queue URL %s is not on the endpoint", u)
		}
		got = append(got, u[strings.LastIndex(u, "/")+1:])
	}
	var want []string
	for id, r := range top.Resources {
		if r.Type == "AWS::SQS::Queue" {
			name, err := top.Resolve("!GetAtt " + id + ".QueueName")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, name)
		}
	}
	if len(want) == 0 || !sameSet(got, want) {
		t.Errorf("queues %v, want template.yaml's %v", got, want)
	}
}

// start-query with the saved workflow-failed query's own string, then
// get-query-results: its rows are exactly the run's failed workflows.
func workflowFailedFindsTheFailedWorkflows(t *testing.T, c *operator, rep *local.Report) {
	var want []string
	for _, r := range rep.Results {
		if r.Status == "failed" {
			want = append(want, r.CorrelationID)
		}
	}
	if len(want) == 0 {
		t.Fatalf("the workflow-failed scenario failed no workflow: %+v", rep.Results)
	}
	var defs struct {
		QueryDefinitions []struct {
			QueryString   string   `json:"queryString"`
			LogGroupNames []string `json:"logGroupNames"`
		} `json:"queryDefinitions"`
	}
	c.awsJSON(t, &defs, "logs", "describe-query-definitions", "--query-definition-name-prefix", "Alchemiser/workflow-failed/workflow-failed ")
	if len(defs.QueryDefinitions) != 1 {
		t.Fatalf("%d definitions of workflow-failed", len(defs.QueryDefinitions))
	}
	def := defs.QueryDefinitions[0]
	now := time.Now()
	var started struct {
		QueryID string `json:"queryId"`
	}
	c.awsJSON(t, &started, append([]string{"logs", "start-query", "--query-string", def.QueryString,
		"--start-time", fmt.Sprint(now.Add(-24 * time.Hour).Unix()), "--end-time", fmt.Sprint(now.Add(time.Hour).Unix()),
		"--log-group-names"}, def.LogGroupNames...)...)
	var res struct {
		Status  string `json:"status"`
		Results [][]struct {
			Field string `json:"field"`
			Value string `json:"value"`
		} `json:"results"`
	}
	waitUntil(t, "the query's results", func() bool {
		c.awsJSON(t, &res, "logs", "get-query-results", "--query-id", started.QueryID)
		return res.Status != "Running" && res.Status != "Scheduled"
	})
	if res.Status != "Complete" {
		t.Fatalf("query %s", res.Status)
	}
	var got []string
	for _, row := range res.Results {
		for _, f := range row {
			if f.Field == "correlation_id" {
				got = append(got, f.Value)
			}
		}
	}
	if !sameSet(got, want) || len(got) != len(want) {
		t.Errorf("workflow-failed rows name %v, the run's report %v", got, want)
	}
}

// `alchemiser query workflow-trace --stack` on the endpoint gives the
// rows the local engine gives on the run directory: every line of the
// workflow, from every function.
func workflowTraceOnTheEndpoint(t *testing.T, c *operator, id string) {
	remote := c.alchemiser(t, "query", "workflow-trace", "--stack", c.up.Stack, "--param", "correlation_id="+id, "--format", "json")
	local := c.alchemiser(t, "query", "workflow-trace", "--logs", c.up.RunDir, "--param", "correlation_id="+id, "--format", "json")
	var a, b []map[string]string
	if err := errors.Join(json.Unmarshal([]byte(remote), &a), json.Unmarshal([]byte(local), &b)); err != nil {
		t.Fatal(err)
	}
	functions := map[string]bool{}
	for _, row := range a {
		functions[row["function"]] = true
	}
	if len(functions) != 5 || !slices.ContainsFunc(a, func(r map[string]string) bool { return r["message"] == "workflow ended" }) {
		t.Errorf("the trace of %s: functions %v, %d rows", id, slices.Sorted(maps.Keys(functions)), len(a))
	}
	// Both are sorted by @timestamp; Logs Insights leaves the order of
	// rows with the same timestamp (two functions in one millisecond)
	// undefined, so ties are compared as sets.
	for name, rows := range map[string][]map[string]string{"--stack": a, "--logs": b} {
		if !slices.IsSortedFunc(rows, func(x, y map[string]string) int { return strings.Compare(x["@timestamp"], y["@timestamp"]) }) {
			t.Errorf("%s: rows not in @timestamp order", name)
		}
	}
	byAll := func(x, y map[string]string) int {
		return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) // fmt prints maps with sorted keys
	}
	slices.SortStableFunc(a, byAll)
	slices.SortStableFunc(b, byAll)
	if !slices.EqualFunc(a, b, maps.Equal) {
		t.Errorf("--stack gives %d rows, --logs %d:\n%s\n%s", len(a), len(b), remote, local)
	}
}

// Every function's alias answers get-alias and list-aliases, pointing at
// the local stack's one version.
func everyAliasAnswers(t *testing.T, c *operator, top *topology.Topology) {
	for _, f := range top.OrderedFunctions() {
		var a struct{ AliasArn, Name, FunctionVersion string }
		c.awsJSON(t, &a, "lambda", "get-alias", "--function-name", f.Name, "--name", "live")
		if a.AliasArn != f.AliasARN || a.Name != "live" || a.FunctionVersion != topology.LocalVersion {
			t.Errorf("get-alias %s live: %+v", f.Name, a)
		}
		var list struct{ Aliases []struct{ AliasArn string } }
		c.awsJSON(t, &list, "lambda", "list-aliases", "--function-name", f.ARN)
		if len(list.Aliases) != 1 || list.Aliases[0].AliasArn != f.AliasARN {
			t.Errorf("list-aliases %s: %+v", f.Name, list)
		}
	}
}

// After `alchemiser trading halt`, the next workflow (a manual one for
// today, on the failing scenario's stack, whose account never traded, so
// its plan has orders to place) is refused at the kill switch: it
// completes with outcome halted, one notification, and no order.
func haltStopsTheNextWorkflow(t *testing.T, c *operator, top *topology.Topology) {
	if out := c.alchemiser(t, "trading", "halt", "--stack", c.up.Stack); !strings.Contains(out, "trading halted") {
		t.Errorf("halt: %s", out)
	}
	param := top.Functions[topology.LogicalID("execution")].Env["KILL_SWITCH_PARAMETER"]
	var got struct{ Parameter struct{ Value string } }
	if c.awsJSON(t, &got, "ssm", "get-parameter", "--name", param); got.Parameter.Value != "false" {
		t.Fatalf("%s = %q after halt", param, got.Parameter.Value)
	}
	execution := top.Functions[topology.LogicalID("execution")].LogGroup
	orders := func() int {
		return len(c.logMessages(t, execution, `{ $.message = "order done" }`)) + len(c.logMessages(t, execution, `{ $.message = "order failed" }`))
	}
	notifications := top.Functions[topology.LogicalID("notifications")].LogGroup
	ended := len(c.logMessages(t, notifications, `{ $.message = "workflow ended" }`))
	sent := len(c.logMessages(t, notifications, `{ $.message = "notification sent" }`))
	before := orders()
	// Today's: a plan of another session would be refused as stale
	// before it met the kill switch.
	at := time.Now().UTC().Format(time.RFC3339)
	outFile := filepath.Join(t.TempDir(), "out.json")
	var inv struct {
		StatusCode    int
		FunctionError string
	}
	// Through the alias, as the schedule invokes it.
	c.awsJSON(t, &inv, "lambda", "invoke", "--function-name", top.Functions[topology.LogicalID("scheduler")].Name, "--qualifier", "live",
		"--cli-binary-format", "raw-in-base64-out", "--payload", `{"trigger":"manual","scheduled_time":"`+at+`"}`, outFile)
	if inv.StatusCode != 200 || inv.FunctionError != "" {
		t.Fatalf("invoke: %+v", inv)
	}
	waitUntil(t, "the manual workflow's end", func() bool {
		return len(c.logMessages(t, notifications, `{ $.message = "workflow ended" }`)) == ended+1
	})
	if halted := c.logMessages(t, notifications, `{ $.message = "workflow ended" && $.outcome = "halted" }`); len(halted) != 1 {
		t.Fatalf("notifications' lines of halted workflows: %v, want the manual one's end", halted)
	}
	if now := len(c.logMessages(t, notifications, `{ $.message = "notification sent" }`)); now != sent+1 {
		t.Errorf("%d notifications sent for the halted workflow, want one", now-sent)
	}
	if messages := c.logMessages(t, execution, `{ $.message = "trading halted: plan not executed" }`); len(messages) != 1 {
		t.Errorf("the execution function's halt lines: %v, want one", messages)
	}
	if after := orders(); after != before {
		t.Errorf("%d order lines before the halted workflow, %d after: it placed orders", before, after)
	}
}

// readmeLocalBlockRuns runs the README's local operator loop (the first
// ```sh block of "Operating it") as written, on this endpoint: its
// `alchemiser local up` line is this process, its URL this endpoint's,
// its <correlation id> a workflow of the run.
func readmeLocalBlockRuns(t *testing.T, c *operator, id string) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(text), "\n## Operating it\n")
	if !ok {
		t.Fatal(`README.md has no "## Operating it" section`)
	}
	_, block, ok := strings.Cut(section, "\n```sh\n")
	block, _, closed := strings.Cut(block, "\n```\n")
	if !ok || !closed || !strings.Contains(block, "alchemiser local up") {
		t.Fatalf("the section's first sh block is not the local loop:\n%s", block)
	}
	var script []string
	for _, line := range strings.Split(block, "\n") {
		if strings.HasPrefix(line, "alchemiser local up") {
			continue
		}
		line = strings.ReplaceAll(line, "http://127.0.0.1:4566", c.up.Endpoint)
		script = append(script, strings.ReplaceAll(line, "<correlation id>", id))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sh := exec.CommandContext(ctx, "sh", "-eu", "-c", strings.Join(script, "\n"))
	sh.Dir, sh.Env = t.TempDir(), c.env(false)
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's local block: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "workflow ended") {
		t.Errorf("the README's local block does not trace the workflow %s to its end:\n%s", id, out)
	}
	// verify --out writes its Markdown report to the file, not stdout.
	report, err := os.ReadFile(filepath.Join(sh.Dir, "verify.md"))
	if err != nil || !strings.Contains(string(report), "| workflow | PASS |") || !strings.Contains(string(report), `outcome "verified (dry run)"`) {
		t.Errorf("verify --out: %v\n%s", err, report)
	}
	if strings.Contains(string(out), "| workflow | PASS |") {
		t.Errorf("verify --out also printed its report on stdout:\n%s", out)
	}
}

// ---------------------------------------------------------------- the process

// localUpProcess is `alchemiser local up` running as a process.
type localUpProcess struct {
	Endpoint string `json:"endpoint"`
	RunDir   string `json:"run_dir"`
	Stack    string `json:"stack"`

	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan error
}

// startLocalUp starts `alchemiser local up args...` and reads its first
// line; the test's cleanup kills it if the test did not stop it.
func startLocalUp(t *testing.T, bin string, args ...string) *localUpProcess {
	t.Helper()
	p := &localUpProcess{stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"local", "up"}, args...)...)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r)
		p.exited <- p.cmd.Wait()
	}()
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), p); err != nil || p.Endpoint == "" || p.RunDir == "" {
			t.Fatalf("local up's first line %q: %v\nstderr:\n%s", line, err, p.stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("local up printed no first line:\n%s", p.stderr.String())
	}
	return p
}

// waitForWorkflows waits for the summary line local up prints once its
// workflows have run (n of them; any number when 0), and returns the
// run's report, run.json.
func (p *localUpProcess) waitForWorkflows(t *testing.T, n int) *local.Report {
	t.Helper()
	summary := " workflow(s): "
	if n > 0 {
		summary = fmt.Sprintf("local: %d workflow(s): ", n)
	}
	waitUntil(t, "local up's workflows", func() bool { return strings.Contains(p.stderr.String(), summary) })
	data, err := os.ReadFile(filepath.Join(p.RunDir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep local.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("run.json: %v", err)
	}
	return &rep
}

// stop interrupts the process, as Ctrl-C does, and expects exit 0.
func (p *localUpProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("local up after SIGINT: %v\nstderr:\n%s", err, p.stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("local up did not exit after SIGINT:\n%s", p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "local: stopping") {
		t.Errorf("no stopping line on stderr:\n%s", p.stderr.String())
	}
}

// buildAlchemiser builds the CLI into a temporary directory.
func buildAlchemiser(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "alchemiser")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ---------------------------------------------------------------- the operator

// operator runs the AWS CLI and the alchemiser CLI against one endpoint,
// in the AWS CLI's isolated environment (internal/awsclitest).
type operator struct {
	up       *localUpProcess
	region   string
	aws, bin string
	work     string   // the commands' working directory
	path     string   // a directory for PATH: alchemiser and aws
	base     []string // awsclitest.Env
}

func newOperator(t *testing.T, up *localUpProcess, region string) *operator {
	t.Helper()
	cli := awsclitest.Path(t)
	o := &operator{up: up, region: region, aws: cli, bin: up.cmd.Path, work: t.TempDir(), path: t.TempDir(), base: awsclitest.Env(t)}
	for name, target := range map[string]string{"aws": cli, "alchemiser": up.cmd.Path} {
		if err := os.Symlink(target, filepath.Join(o.path, name)); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// env is the environment of both CLIs: awsclitest.Env in the endpoint's
// region, with the two CLIs first on PATH; withEndpoint adds
// AWS_ENDPOINT_URL (the AWS CLI 2.9 ignores it: it takes --endpoint-url).
func (o *operator) env(withEndpoint bool) []string {
	env := append(slices.Clip(o.base), "PATH="+o.path+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_REGION="+o.region, "AWS_DEFAULT_REGION="+o.region)
	if withEndpoint {
		env = append(env, "AWS_ENDPOINT_URL="+o.up.Endpoint)
	}
	return env
}

// awsJSON runs `aws --endpoint-url URL --output json args...` and decodes
// its output into v.
func (o *operator) awsJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := o.run(t, o.aws, append([]string{"--endpoint-url", o.up.Endpoint, "--output", "json"}, args...), false)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// alchemiser runs the CLI with AWS_ENDPOINT_URL set, and returns stdout.
func (o *operator) alchemiser(t *testing.T, args ...string) string {
	t.Helper()
	return o.run(t, o.bin, args, true)
}

func (o *operator) run(t *testing.T, bin string, args []string, withEndpoint bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = o.work, o.env(withEndpoint), &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(bin), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// logMessages are the message fields of group's events that pattern
// matches (aws logs filter-log-events, every page).
func (o *operator) logMessages(t *testing.T, group, pattern string) []string {
	t.Helper()
	var out struct{ Events []struct{ Message string } }
	o.awsJSON(t, &out, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", pattern)
	var messages []string
	for _, e := range out.Events {
		var line struct{ Message string }
		if err := json.Unmarshal([]byte(e.Message), &line); err != nil {
			t.Fatalf("%s: %v: %s", group, err, e.Message)
		}
		messages = append(messages, line.Message)
	}
	return messages
}

// ---------------------------------------------------------------- helpers

// templateNames are the physical names of template.yaml's resources of
// type kind: their Ref, or the property prop when given.
func templateNames(t *testing.T, top *topology.Topology, kind, prop string) []string {
	t.Helper()
	var names []string
	for id, r := range top.Resources {
		if r.Type != kind {
			continue
		}
		if prop != "" {
			name, _ := r.Properties[prop].(string)
			names = append(names, name)
			continue
		}
		name, err := top.Resolve("!Ref " + id)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// waitUntil polls ok until it holds, failing the test after three
// minutes: a deadline for a hung process, not a measure of speed.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}
