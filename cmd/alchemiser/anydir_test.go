package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/dashboards"
)

// TestCommandsWorkFromAnyDirectory runs the commands that read the
// repository's files by default (the SLO spec, the template, the
// dashboards, the load profiles) from a directory that has none of them:
// they use the copies built into the binary.
func TestCommandsWorkFromAnyDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	code, stdout, stderr := runCLI(t, "run", "--workflows", "1", "--dir", "r1")
	if code != 0 || !strings.Contains(stdout, "dashboard preview: open file://") {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join("r1", "dashboard.html")); err != nil {
		t.Errorf("run wrote no preview: %v", err)
	}
	bodies, err := dashboards.Generated()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("operations.json", bodies[0].JSON, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"dashboard", "render", "--run", "r1", "--out", "page.html"},
		{"dashboard", "validate", "operations.json"},
		{"cost", "--run", "r1"},
		{"alarms", "simulate", "--slo", "workflow-success", "--scenario", "month-one-failure"},
		{"query", "workflow-failed", "--logs", "r1"},
		{"chaos", "--list"},
	} {
		if code, stdout, stderr := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
	}
	if _, err := os.Stat("page.html"); err != nil {
		t.Errorf("dashboard render wrote no page: %v", err)
	}
	for _, name := range []string{"daily", "smoke", "multitenant", "loadtest/profiles/smoke.yaml"} {
		if p, err := loadProfile(name); err != nil || p == nil {
			t.Errorf("profile %s: %v", name, err)
		}
	}
	if code, _, stderr := runCLI(t, "loadtest", "--profile", "nope.yaml"); code != 2 || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("an unknown profile: exit %d %s", code, stderr)
	}
}
