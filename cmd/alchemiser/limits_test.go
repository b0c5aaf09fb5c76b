package main

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fileLimit is one file the CLI reads and the most it should read of it.
type fileLimit struct {
	name  string
	limit int64
	// args runs the command with big, a file of limit+1 bytes, in the
	// input's place; dir holds valid companion files.
	args func(big, dir string) []string
	// stdin, when set, feeds the oversized input on standard input.
	stdin bool
	// line: the limit is on one line of the file, not the file (the
	// reader streams the rest).
	line bool
	// under, when set, places the oversized file at this path under a
	// fresh directory (a run directory's layout).
	under string
}

const (
	kib = 1 << 10
	mib = 1 << 20
)

// Every file input of the CLI. A command must refuse an input over its
// limit before reading it whole, with an error naming the file and the
// limit, and exit status 2.
var fileLimits = []fileLimit{
	{name: "dashboard validate FILE", limit: maxDashboardBytes,
		args: func(big, _ string) []string {
			return []string{"dashboard", "validate", "--template", "../../template.yaml", big}
		}},
	{name: "dashboard validate --template", limit: mib,
		args: func(big, dir string) []string {
			return []string{"dashboard", "validate", "--template", big, dir + "/dash.json"}
		}},
	{name: "dashboard render --dashboard", limit: maxDashboardBytes,
		args: func(big, dir string) []string {
			return []string{"dashboard", "render", "--run", dir, "--out", dir + "/p.html", "--spec", "../../alarms/slos.yaml", "--dashboard", big}
		}},
	{name: "dashboard render --spec", limit: mib,
		args: func(big, dir string) []string {
			return []string{"dashboard", "render", "--run", dir, "--out", dir + "/p.html", "--dashboard", "../../dashboards/operations.json", "--spec", big}
		}},
	{name: "alarms evaluate --alarm", limit: 16 * mib,
		args: func(big, dir string) []string {
			return []string{"alarms", "evaluate", "--alarm", big, "--data", dir + "/points.csv"}
		}},
	{name: "alarms evaluate --data", limit: 16 * mib,
		args: func(big, dir string) []string {
			return []string{"alarms", "evaluate", "--alarm", dir + "/alarm.json", "--data", big}
		}},
	{name: "alarms simulate --spec", limit: mib,
		args: func(big, _ string) []string {
			return []string{"alarms", "simulate", "--slo", "workflow-success", "--scenario", "errors-1pct", "--spec", big}
		}},
	// eventpattern.Compile refuses a pattern over EventBridge's 2048
	// characters, once readArg has read the file whole.
	{name: "events test-pattern --pattern", limit: 2048,
		args: func(big, dir string) []string {
			return []string{"events", "test-pattern", "--pattern", big, "--event", dir + "/event.json"}
		}},
	{name: "events test-pattern --event", limit: 256 * kib,
		args: func(big, dir string) []string {
			return []string{"events", "test-pattern", "--pattern", dir + "/pattern.json", "--event", big}
		}},
	{name: "events test-pattern --event -", limit: 256 * kib, stdin: true,
		args: func(_, dir string) []string {
			return []string{"events", "test-pattern", "--pattern", dir + "/pattern.json", "--event", "-"}
		}},
	{name: "query FILE", limit: 64 * kib,
		args: func(big, dir string) []string { return []string{"query", big, "--logs", dir + "/events.jsonl"} }},
	{name: "query --logs FILE (one line)", limit: 4 * mib, line: true,
		args: func(big, _ string) []string { return []string{"query", "workflow-failed", "--logs", big} }},
	{name: "trace --logs FILE (one line)", limit: 4 * mib, line: true,
		args: func(big, _ string) []string { return []string{"trace", "C1", "--logs", big} }},
	{name: "dlq list --logs RUN (one line of queues/*.jsonl)", limit: 4 * mib, line: true, under: "queues/EventsDLQ.jsonl",
		args: func(big, _ string) []string {
			return []string{"dlq", "list", "--logs", filepath.Dir(filepath.Dir(big))}
		}},
	{name: "dashboard render --run RUN (one line of cloudwatch/*.jsonl)", limit: 4 * mib, line: true, under: "cloudwatch/execution.jsonl",
		args: func(big, dir string) []string {
			return []string{"dashboard", "render", "--run", filepath.Dir(filepath.Dir(big)), "--out", dir + "/p.html", "--spec", "../../alarms/slos.yaml", "--dashboard", "../../dashboards/operations.json"}
		}},
	{name: "loadtest --profile", limit: mib,
		args: func(big, _ string) []string { return []string{"loadtest", "--profile", big} }},
	{name: "loadtest --slos", limit: mib,
		args: func(big, _ string) []string {
			return []string{"loadtest", "--profile", "../../loadtest/profiles/smoke.yaml", "--slos", big}
		}},
}

// companions writes the valid files the cases pair an oversized input with.
func companions(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"alarm.json":   `{"AlarmName": "errors", "Period": 60, "EvaluationPeriods": 2, "DatapointsToAlarm": 2, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold", "Statistic": "Sum", "TreatMissingData": "notBreaching"}`,
		"points.csv":   "timestamp,metric_id,value\n2026-11-20T14:00:10Z,m1,0\n",
		"pattern.json": `{"source": ["alchemiser.execution"]}`,
		"event.json":   `{"source": "alchemiser.execution", "detail-type": "OrderPlaced", "detail": {}}`,
		"events.jsonl": "",
		"dash.json":    `{"widgets": []}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// oversized is a sparse file of n bytes at path under of a fresh
// directory: cheap to make at any size. A line limit needs one line,
// which zeros are (they hold no newline).
func oversized(t *testing.T, under string, n int64) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), under)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	return name
}

// mentionsLimit reports whether msg states limit, in bytes or in KiB/MiB.
func mentionsLimit(msg string, limit int64) bool {
	forms := []string{strconv.FormatInt(limit, 10)}
	if limit%mib == 0 {
		forms = append(forms, strconv.FormatInt(limit/mib, 10)+" MiB")
	} else if limit%kib == 0 {
		forms = append(forms, strconv.FormatInt(limit/kib, 10)+" KiB")
	}
	for _, f := range forms {
		if strings.Contains(msg, f) {
			return true
		}
	}
	return false
}

func TestOversizedInputsAreRefused(t *testing.T) {
	for _, c := range fileLimits {
		t.Run(c.name, func(t *testing.T) {
			dir := companions(t)
			big := oversized(t, cmp.Or(c.under, "oversized.in"), c.limit+1)
			var stdin io.Reader = strings.NewReader("")
			if c.stdin {
				stdin = io.LimitReader(zeros{}, c.limit+1)
				big = "standard input"
			}
			var out, errOut bytes.Buffer
			code := exitCode(run(context.Background(), c.args(big, dir), stdin, &out, &errOut), &errOut)
			msg := errOut.String()
			if code != exitUsage || !strings.Contains(msg, big) || !mentionsLimit(msg, c.limit) {
				t.Errorf("exit %d, want %d with an error naming %s and its %s limit %d; stderr:\n%s", code, exitUsage, big, unit(c.line), c.limit, msg)
			}
		})
	}
}

func unit(line bool) string {
	if line {
		return "line"
	}
	return "file"
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
