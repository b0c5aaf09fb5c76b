package cost

import (
	"math"
	"testing"
)

func fixtureEstimate(t *testing.T, cfg Config) (*Estimate, *Run) {
	t.Helper()
	inv := fixture(t, nil)
	run, err := ReadRun("testdata/run", inv.MetricFilters)
	if err != nil {
		t.Fatal(err)
	}
	return Compute(inv, run, cfg), run
}

func item(t *testing.T, e *Estimate, name string) Item {
	t.Helper()
	for _, it := range e.Items {
		if it.Item == name {
			return it
		}
	}
	t.Fatalf("no item %q", name)
	return Item{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestReadRunSplitsWorkflowAndWatchdog(t *testing.T) {
	_, run := fixtureEstimate(t, Config{})
	if run.Workflows != 1 || run.Workflow.Invocations != 1 || run.Watchdog.Invocations != 1 || run.Workflow.ColdStarts != 1 {
		t.Fatalf("run = %+v", run)
	}
	want := map[string]Emitters{
		"App/Done{function=work}":             {Workflow: true},
		"App/Done{function=work,service=app}": {Workflow: true},
		"App/Check{function=work}":            {Watchdog: true},
	}
	if len(run.Series) != len(want) {
		t.Errorf("series = %v, want %v", run.Series, want)
	}
	for k, e := range want {
		if run.Series[k] != e {
			t.Errorf("series %s = %+v, want %+v", k, run.Series[k], e)
		}
	}
}

// A series is billed hours/730 of a metric-month, in the hours it
// received data: a workflow series 1 hour a trading day (21 h), a
// watchdog series 7 hours a weekday (152.25 h).
func TestCustomMetricsAreProratedByTheHour(t *testing.T) {
	e, _ := fixtureEstimate(t, Config{NoFreeTier: true})
	emf := item(t, e, "custom metrics")
	if want := (2*21 + 7*WeekdaysPerMonth) / 730; !near(emf.Quantity, want) || !near(emf.USDPerMonth, want*0.30) {
		t.Errorf("EMF metric-months = %g ($%g), want %g", emf.Quantity, emf.USDPerMonth, want)
	}
	// DefaultValue publishes 0 for every event of the log group, which
	// both the workflow (09:35, in the watchdog's 09:00 hour) and the
	// watchdog log to: 7 hours a weekday.
	filt := item(t, e, "custom metrics from metric filters")
	if want := 7 * WeekdaysPerMonth / 730; !near(filt.Quantity, want) {
		t.Errorf("filter metric-months = %g, want %g", filt.Quantity, want)
	}
}

func TestMoreWorkflowsADayMeterMoreHours(t *testing.T) {
	e, _ := fixtureEstimate(t, Config{WorkflowsPerDay: 3, NoFreeTier: true})
	// 3 workflows a day in hours 9, 10, 11.
	if want := (2*3*21 + 7*WeekdaysPerMonth) / 730; !near(item(t, e, "custom metrics").Quantity, want) {
		t.Errorf("EMF metric-months = %g, want %g", item(t, e, "custom metrics").Quantity, want)
	}
	if got := item(t, e, "requests").Quantity; !near(got, 3*21+84*WeekdaysPerMonth) {
		t.Errorf("Lambda requests = %g", got)
	}
}

func TestFreeTier(t *testing.T) {
	with, _ := fixtureEstimate(t, Config{})
	without, _ := fixtureEstimate(t, Config{NoFreeTier: true})
	// With it: 4 alarm metrics (10 free), 1 dashboard of 2 metrics (3
	// free), the metrics and logs under their allowances; the composite
	// alarm has none.
	if !near(with.TelemetryUSDPerMonth, 0.50) {
		t.Errorf("telemetry with the free tier = %g, want 0.50 (the composite alarm)", with.TelemetryUSDPerMonth)
	}
	if a := item(t, without, "metric alarms (per metric read, standard resolution)"); !near(a.USDPerMonth, 0.40) || a.FreeQuantity != 0 {
		t.Errorf("alarms without the free tier = %+v", a)
	}
	if d := item(t, without, "dashboards"); !near(d.USDPerMonth, 3) {
		t.Errorf("dashboard without the free tier = $%g, want $3", d.USDPerMonth)
	}
	if with.WithoutFreeTier != without.WithoutFreeTier || with.WithFreeTier != without.WithFreeTier {
		t.Errorf("both figures differ by mode: %+v / %+v", with, without)
	}
	if !near(without.TelemetryUSDPerMonth, without.WithoutFreeTier.TelemetryUSDPerMonth) || without.TelemetryUSDPerMonth <= 3.9 {
		t.Errorf("telemetry without the free tier = %g", without.TelemetryUSDPerMonth)
	}
}

func TestEveryItemCitesItsPrice(t *testing.T) {
	e, _ := fixtureEstimate(t, Config{})
	for _, it := range e.Items {
		if it.Source == "" || it.PriceDate != pricesAsOf || it.Unit == "" || it.Price <= 0 || it.Basis == "" {
			t.Errorf("item %+v lacks a source, date, unit, price or basis", it)
		}
	}
}
