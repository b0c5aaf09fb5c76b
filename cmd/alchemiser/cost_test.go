package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/cost"
)

const (
	costFixtureTemplate = "../../cost/testdata/template.yaml"
	costFixtureRun      = "../../cost/testdata/run"
)

func runCostCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"cost"}, args...), strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestCostJSONShape(t *testing.T) {
	out, errs, code := runCostCmd(t, "--template", costFixtureTemplate, "--run", costFixtureRun, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"telemetry_usd_per_month", "total_usd_per_month", "with_free_tier", "without_free_tier", "items", "assumptions"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	items, _ := doc["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no items")
	}
	for _, x := range items {
		it, _ := x.(map[string]any)
		for _, k := range []string{"service", "quantity", "unit", "price", "source", "price_date", "usd_per_month"} {
			if _, ok := it[k]; !ok {
				t.Errorf("item %v has no %q", it, k)
			}
		}
	}
}

func TestCostBudgetExitCodes(t *testing.T) {
	// The fixture's telemetry is $0.50 with the free tier (its composite
	// alarm), about $4.6 without.
	if _, errs, code := runCostCmd(t, "--template", costFixtureTemplate, "--run", costFixtureRun, "--budget", "1"); code != exitOK {
		t.Errorf("--budget 1: exit %d, want 0: %s", code, errs)
	}
	_, errs, code := runCostCmd(t, "--template", costFixtureTemplate, "--run", costFixtureRun, "--budget", "1", "--no-free-tier")
	if code != exitFailed || !strings.Contains(errs, "over the budget") || !strings.Contains(errs, "dashboards $3.00") {
		t.Errorf("over budget: exit %d, want 1 naming the items: %s", code, errs)
	}
}

func TestCostBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--workflows-per-day", "0"},
		{"--parameter", "novalue"},
		{"--template", "no-such-template.yaml"},
		{"--template", costFixtureTemplate, "--run", "no-such-run"},
		{"--budget", "-1"},
		{"extra"},
	} {
		if _, errs, code := runCostCmd(t, args...); code != exitUsage {
			t.Errorf("cost %v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
	if out, _, code := runCostCmd(t, "--help"); code != exitOK || !strings.Contains(out, "--workflows-per-day") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestCostTextGroupsByService(t *testing.T) {
	out, _, _ := runCostCmd(t, "--template", costFixtureTemplate, "--run", costFixtureRun)
	for _, want := range []string{"CloudWatch", "telemetry subtotal", "Lambda", "total", "Without it: telemetry $", "https://aws.amazon.com/cloudwatch/pricing/"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

// The repository's template, measured on one local workflow (the
// command's default): the figure README shows, held to the telemetry
// budget. A template change that raises it above $5 a month fails here.
func TestCostOfTheRepositoryTemplate(t *testing.T) {
	out, errs, code := runCostCmd(t, "--template", "../../template.yaml", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var est cost.Estimate
	if err := json.Unmarshal([]byte(out), &est); err != nil {
		t.Fatal(err)
	}
	t.Logf("telemetry $%.2f, total $%.2f a month with the free tier; $%.2f, $%.2f without",
		est.WithFreeTier.TelemetryUSDPerMonth, est.WithFreeTier.TotalUSDPerMonth, est.WithoutFreeTier.TelemetryUSDPerMonth, est.WithoutFreeTier.TotalUSDPerMonth)
	checkTelemetryBudget(t, &est, cost.TelemetryBudgetUSD)
}

// checkTelemetryBudget fails when est's telemetry (with the free tier)
// exceeds budget, naming the items.
func checkTelemetryBudget(t *testing.T, est *cost.Estimate, budget float64) {
	t.Helper()
	if err := overBudget(est, budget); err != nil {
		t.Error(err)
	}
}
