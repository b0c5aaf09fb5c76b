package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadtestRun runs `alchemiser loadtest` on the smoke profile (a couple
// of seconds of load on the local stack) with extra flags, and returns
// the exit status, the summary and the JSON result it wrote.
func loadtestRun(t *testing.T, extra ...string) (int, string, map[string]any) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	// The generator's own validity is loadtest's unit tests' business;
	// here, with every package's tests sharing the CPUs, a generous lag
	// budget keeps the verdict about the thresholds.
	args := append([]string{"loadtest", "--profile", "../../loadtest/profiles/smoke.yaml", "--slos", "../../alarms/slos.yaml", "--out", dir,
		"--max-lag-p99", "1s"}, extra...)
	var out, errOut bytes.Buffer
	code := exitCode(run(context.Background(), args, nil, &out, &errOut), &errOut)
	b, err := os.ReadFile(filepath.Join(dir, "loadtest.json"))
	if err != nil {
		t.Fatalf("no loadtest.json (exit %d): %v\n%s", code, err, errOut.String())
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "loadtest.html")); err != nil {
		t.Error("no loadtest.html")
	}
	return code, out.String(), res
}

func TestLoadtestPassesOnTheHealthySystem(t *testing.T) {
	code, out, res := loadtestRun(t)
	if code != exitOK || !strings.HasPrefix(out, "PASS") {
		t.Fatalf("exit %d on the healthy system:\n%s", code, out)
	}
	if res["completed"] != res["started"] || res["started"].(float64) == 0 {
		t.Errorf("started %v, completed %v", res["started"], res["completed"])
	}
}

// The paper exchange's fault knobs push the system past a threshold: the
// run fails with exit status 1 and names the threshold.
func TestLoadtestFailsWhenFaultsBreakAThreshold(t *testing.T) {
	t.Run("errors", func(t *testing.T) {
		code, out, _ := loadtestRun(t, "--broker-error-rate", "403=1")
		if code != exitFailed || !strings.Contains(out, "FAIL  error_rate < 1%") {
			t.Errorf("exit %d with every broker call failing:\n%s", code, out)
		}
	})
	t.Run("latency", func(t *testing.T) {
		code, out, _ := loadtestRun(t, "--broker-latency", "40ms", "--threshold", "p(99) < 250ms")
		if code != exitFailed || !strings.Contains(out, "FAIL  p(99) < 250ms") {
			t.Errorf("exit %d with 40 ms per broker call:\n%s", code, out)
		}
	})
}

func TestLoadtestRejectsBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"loadtest", "--profile", "nope.yaml"},
		{"loadtest", "--profile", "../../loadtest/profiles/smoke.yaml", "--slos", "../../alarms/slos.yaml", "--broker-error-rate", "500"},
		{"loadtest", "--profile", "../../loadtest/profiles/smoke.yaml", "--slos", "../../alarms/slos.yaml", "--threshold", "p(99) <"},
		{"loadtest", "--profile", "../../loadtest/profiles/smoke.yaml", "--slos", "../../alarms/slos.yaml", "--target", "mars"},
	} {
		var errOut bytes.Buffer
		if code := exitCode(run(context.Background(), args, nil, &bytes.Buffer{}, &errOut), &errOut); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}
