package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// miniRun is a run directory with one event in the execution and
// notifications log groups.
func miniRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, fn := range []string{"execution", "notifications"} {
		line := `{"logGroupName":"/aws/lambda/alchemiser-` + fn + `","logStreamName":"s","timestamp":1796519343081,"ingestionTime":1796519343082,` +
			`"message":"{\"level\":\"INFO\",\"message\":\"event received\",\"correlation_id\":\"C1\",\"function\":\"` + fn + `\"}"}` + "\n"
		if err := os.MkdirAll(filepath.Join(dir, "cloudwatch"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cloudwatch", "aws-lambda-alchemiser-"+fn+".jsonl"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "queues"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runCLI runs the command line and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := exitCode(run(context.Background(), args, strings.NewReader(""), &out, &errb), &errb)
	return code, out.String(), errb.String()
}

// TestExitCodesAreWhatHelpSays: bad usage exits 2, with one message that
// says what was wrong; a command that ran and failed exits 1.
func TestExitCodesAreWhatHelpSays(t *testing.T) {
	dir := miniRun(t)
	alarm := filepath.Join(t.TempDir(), "alarm.json")
	points := filepath.Join(t.TempDir(), "points.csv")
	if err := os.WriteFile(alarm, []byte(`{"AlarmName":"errors","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold","Statistic":"Sum"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(points, []byte("2026-11-20T14:00:00Z,m1,1\n2026-11-20T14:00:00Z,errors,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.csv")
	if err := os.WriteFile(good, []byte("2026-11-20T14:00:00Z,m1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"trace"}, 2, "accepts 1 arg(s), received 0"},
		{[]string{"trace", "a", "b", "--logs", dir}, 2, "accepts 1 arg(s), received 2"},
		{[]string{"trace", "C1", "--logs", dir, "--format", "yaml"}, 2, `trace --format "yaml": want table, json or csv (usage: alchemiser trace CORRELATION_ID`},
		{[]string{"dlq", "show"}, 2, "accepts 1 arg(s)"},
		{[]string{"dlq", "show", "a", "b"}, 2, "accepts 1 arg(s)"},
		{[]string{"dlq", "show", "nope", "--logs", dir}, 1, "no message nope"},
		{[]string{"dlq"}, 2, "alchemiser dlq needs a command: list, redrive, show"},
		{[]string{"dlq", "bogus"}, 2, `has no command "bogus"`},
		{[]string{"replay", "status"}, 2, "accepts 1 arg(s)"},
		{[]string{"replay", "status", "a", "b"}, 2, "accepts 1 arg(s)"},
		{[]string{"replay"}, 2, "needs a command: start, status"},
		{[]string{"trading"}, 2, "trading needs a verb"},
		{[]string{"trading", "bogus"}, 2, `not "bogus"`},
		{[]string{"trading", "halt", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"dashboard"}, 2, "needs a command: render, validate"},
		{[]string{"dashboard", "render"}, 2, "render needs --run RUN_DIR and --out FILE.html"},
		{[]string{"alarms", "frobnicate"}, 2, `alchemiser alarms has no command "frobnicate"`},
		{[]string{"alarms", "evaluate", "--alarm", alarm, "--data", points}, 2, `has rows for metric id "errors", which the alarm errors does not have (its metric ids: m1)`},
		{[]string{"alarms", "evaluate", "--alarm", alarm, "--data", good, "--from", "2026-11-20T15:00:00Z", "--to", "2026-11-20T14:00:00Z"}, 2, "--from 2026-11-20T15:00:00Z is after --to 2026-11-20T14:00:00Z"},
		{[]string{"query", "workflow-failed", "--logs", dir, "--log-group", "nope"}, 2,
			`--log-group "nope" names no log group of ` + dir + `; it has /aws/lambda/alchemiser-execution, /aws/lambda/alchemiser-notifications`},
		{[]string{"query", "workflow-steps", "--logs", dir}, 2, "workflow-steps needs --param correlation_id=VALUE (the workflow's correlation id)"},
		{[]string{"query", "workflow-steps", "--logs", dir, "--param", "correlation_id=C1"}, 0, ""},
		{[]string{"query", "workflow-trace", "--logs", dir, "--param", "correlation_id=C1", "--log-group", "execution"}, 0, ""},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
		if n := strings.Count(stderr, "\n"); c.code != 0 && n != 1 {
			t.Errorf("%v: %d lines on stderr, want the one error:\n%s", c.args, n, stderr)
		}
		if c.code == 2 && stdout != "" {
			t.Errorf("%v: bad usage printed to stdout:\n%s", c.args, stdout)
		}
	}
	if _, stdout, _ := runCLI(t, "query", "workflow-steps", "--logs", dir, "--param", "correlation_id=C1"); !strings.Contains(stdout, "step_ms") {
		t.Errorf("workflow-steps without its step_ms column:\n%s", stdout)
	}
}
