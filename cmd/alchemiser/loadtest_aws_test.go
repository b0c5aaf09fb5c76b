package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyProfile is two workflows and a second of drain: enough to see the
// aws target run, short enough for a test.
func tinyProfile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.yaml")
	src := "name: tiny\nmultiplier: 1\ndrain: 1s\nphases: [{name: open, shape: burst, workflows: 2, window: 100ms}]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadtestAWSArgs(t *testing.T, out string, extra ...string) []string {
	return append([]string{"loadtest", "--target", "aws", "--profile", tinyProfile(t), "--slos", "../../alarms/slos.yaml", "--out", out}, extra...)
}

// Without credentials, --target aws stops before anything: exit 2, one
// line naming the problem, no report, no retries of every call. The
// environment is empty of AWS configuration but for a region and an
// endpoint nothing answers; the instance metadata service is off.
func TestLoadtestAWSWithoutCredentialsExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")} {
		t.Setenv(k, v)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := exitCode(run(context.Background(), loadtestAWSArgs(t, out, "--stack", "alchemiser-loadtest", "--yes"), nil, &stdout, &stderr), &stderr)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "no AWS credentials") {
		t.Errorf("stderr %q, want one line about the missing credentials", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a report was written (%v): nothing ran", err)
	}
}

// The stack decides: one that is not a load-test stage, one trading
// Alpaca's live API, one without the results queue and one that does not
// exist are refused before the first event (exit 2); a load-test stage
// asks for --yes, then runs. The aws target cannot count dead letters or
// duplicates: those thresholds are not measured and fail the run unless
// skipped, and the cost is unknown.
func TestLoadtestAWSRunsOnlyOnALoadTestStage(t *testing.T) {
	f := &fakeAWS{}
	endpoint := awsEndpoint(t, f) // "prod": the template's defaults
	f.deploy(t, "live", map[string]string{"EnableLoadTest": "true", "LoadTestBrokerUrl": "https://api.alpaca.markets"})
	f.deploy(t, "noqueue", map[string]string{"LoadTestBrokerUrl": "http://paper.internal:8080"})
	f.deploy(t, "stage", map[string]string{"EnableLoadTest": "true", "LoadTestBrokerUrl": "http://paper.internal:8080"})
	cli := awsCLI(t, endpoint)
	dir := t.TempDir()
	for _, tc := range []struct{ stack, want string }{
		{"prod", "stack prod is not a load-test stage: its LoadTestBrokerUrl parameter is empty"},
		{"live", "Alpaca's live trading API"},
		{"noqueue", "EnableLoadTest=true"},
		{"missing", "--stack: could not describe stack missing"},
		{"stage", "puts 2 WorkflowStarted events (profile tiny) on stack stage's bus stage-bus, which trades through http://paper.internal:8080: run again with --yes"},
	} {
		_, stderr, code := cli(loadtestAWSArgs(t, filepath.Join(dir, tc.stack), "--stack", tc.stack)...)
		if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("--stack %s: exit %d, stderr %q; want 2 and one line with %q", tc.stack, code, stderr, tc.want)
		}
	}
	if len(f.put) != 0 {
		t.Fatalf("%d events put on a refused stack", len(f.put))
	}

	stdout, stderr, code := cli(loadtestAWSArgs(t, filepath.Join(dir, "run"), "--stack", "stage", "--yes")...)
	if len(f.put) != 2 {
		t.Errorf("%d events put, want the profile's 2 WorkflowStarted", len(f.put))
	}
	for _, e := range f.put {
		if e.EventBusName != "stage-bus" || e.DetailType != "WorkflowStarted" {
			t.Errorf("put %+v, want WorkflowStarted on stage-bus", e)
		}
	}
	if code != exitFailed {
		t.Errorf("exit %d, want 1 (thresholds not measured, workflows lost)", code)
	}
	for _, want := range []string{"FAIL  dlq == 0", "not measured on aws", "--skip-threshold duplicate_orders removes it", "estimated AWS cost: unknown"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	// The fake has no SQS: every poll of the results queue fails the same
	// way, and says so once.
	if n := strings.Count(stderr, "could not receive results"); n != 1 {
		t.Errorf("the results queue's error printed %d times, want once:\n%s", n, stderr)
	}

	stdout, _, _ = cli(loadtestAWSArgs(t, filepath.Join(dir, "skipped"), "--stack", "stage", "--yes", "--skip-threshold", "dlq",
		"--skip-threshold", "duplicate_orders", "--skip-threshold", "duplicate_notifications")...)
	if strings.Contains(stdout, "not measured") {
		t.Errorf("skipped thresholds still reported:\n%s", stdout)
	}
	if _, stderr, code := cli(loadtestAWSArgs(t, filepath.Join(dir, "typo"), "--stack", "stage", "--yes", "--skip-threshold", "dql")...); code != exitUsage ||
		!strings.Contains(stderr, `no threshold of this run is on "dql"`) {
		t.Errorf("--skip-threshold dql: exit %d, %s", code, stderr)
	}
}
