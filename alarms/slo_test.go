package alarms

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
	"gopkg.in/yaml.v3"
)

// catalogue reads the generated metric catalogue; platform metrics are
// allowed as AWS/<Namespace>:<Name>.
func catalogue(t *testing.T) func(string) bool {
	b, err := os.ReadFile("../app/metrics/catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Metrics []struct{ Name string } `json:"metrics"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range c.Metrics {
		names[m.Name] = true
	}
	if len(names) == 0 {
		t.Fatal("empty catalogue")
	}
	return func(m string) bool { return names[m] || strings.HasPrefix(m, "AWS/") && strings.Contains(m, ":") }
}

func spec(t *testing.T) *Spec {
	s, err := LoadSpec("slos.yaml", catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func slo(t *testing.T, name string) *SLO {
	for i, s := range spec(t).SLOs {
		if s.Name == name {
			return &spec(t).SLOs[i]
		}
	}
	t.Fatalf("no SLO %s", name)
	return nil
}

func TestTiersFor30Days(t *testing.T) {
	want := []float64{14.4, 1}
	for i, tier := range Tiers(30 * 24 * time.Hour) {
		if math.Abs(tier.Burn-want[i]) > 1e-9 {
			t.Errorf("%s burn %v, want %v", tier.Name, tier.Burn, want[i])
		}
	}
}

func TestSpecValidation(t *testing.T) {
	if got := len(spec(t).SLOs); got != 4 {
		t.Fatalf("%d SLOs", got)
	}
	base := "service: s\nslos:\n  - name: x\n    objective: 99\n    period: 30d\n    good: [OrdersFilled]\n    total: [OrdersSubmitted]\n    page: T\n    ticket: T\n    runbook: r\n    minimum_volume: 20\n"
	for mutate, want := range map[[2]string]string{
		{"objective: 99", "objective: 100"}:                                       "objective 100% is out of range",
		{"objective: 99", "objective: 90"}:                                        "can never fire at objective 90%",
		{"good: [OrdersFilled]", "good: [OrdersFiled]"}:                           `metric "OrdersFiled" is not in the metric catalogue`,
		{"period: 30d", "period: 7d"}:                                             `period "7d"`,
		{"    runbook: r\n", ""}:                                                  "needs a runbook",
		{"good: [OrdersFilled]", "bad: [OrdersFilled]\n    good: [OrdersFilled]"}: "exactly one of good or bad",
		{"objective: 99", "objective: 99\n    colour: red"}:                       "field colour not found",
		{"minimum_volume: 20", "minimum_volume: 6"}:                               "minimum_volume 6 lets one bad event fire the page tier",
	} {
		src := strings.Replace(base, mutate[0], mutate[1], 1)
		_, err := ParseSpec("slos.yaml", []byte(src), catalogue(t))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want %q", mutate, err, want)
		}
	}
	_, err := ParseSpec("slos.yaml", []byte(base+strings.TrimPrefix(base, "service: s\nslos:\n")), catalogue(t))
	if err == nil || !strings.Contains(err.Error(), "slos.yaml:12: slo \"x\" is declared twice") {
		t.Errorf("duplicate: %v", err)
	}
}

func simulate(t *testing.T, spec *Spec, s *SLO, sc Scenario) []Firing {
	t.Helper()
	fs, err := Simulate(spec, s, sc)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func firingOf(t *testing.T, fs []Firing, name string) Firing {
	for _, f := range fs {
		if f.Alarm == name {
			return f
		}
	}
	t.Fatalf("no alarm %s in %v", name, fs)
	return Firing{}
}

// Detection times for constant error ratios on a 99.9% SLO match the
// SRE Workbook's formula within one evaluation (a minute).
func TestDetectionTimesMatchTheWorkbook(t *testing.T) {
	s := slo(t, "event-delivery") // 99.9%
	sp := spec(t)
	tiers := Tiers(s.PeriodDuration())
	check := func(scenario string, ratio float64, tier Tier, firesAs string) {
		t.Helper()
		sc, _ := ScenarioNamed(scenario)
		fs := simulate(t, sp, s, sc)
		want := max(DetectionTime(tier, tier.Long, s.Budget(), ratio), DetectionTime(tier, tier.Short, s.Budget(), ratio))
		got := firingOf(t, fs, firesAs).Fired
		if got < 0 || (got-want).Abs() > 2*time.Minute {
			t.Errorf("%s: %s fired at %v, the workbook says %v", scenario, firesAs, got, want)
		}
	}
	check("outage", 1, tiers[0], "slo-event-delivery-page")
	if f := firingOf(t, simulate(t, sp, s, mustScenario(t, "outage")), "slo-event-delivery-page"); f.Fired > 2*time.Minute {
		t.Errorf("a total outage pages after %v", f.Fired)
	}
	// 1% errors burn at 10x: too slow for the 14.4x page, caught by the
	// 1x ticket (the workbook's 6x page is left out).
	fs := simulate(t, sp, s, mustScenario(t, "errors-1pct"))
	if f := firingOf(t, fs, "slo-event-delivery-page"); f.Fired >= 0 {
		t.Errorf("1%% errors paged at %v", f.Fired)
	}
	check("errors-1pct", 0.01, tiers[1], "slo-event-delivery-ticket")
	// 0.05% burns at 0.5x: within budget, never pages or tickets.
	fs = simulate(t, sp, s, mustScenario(t, "steady-0.05pct"))
	for _, name := range []string{"slo-event-delivery-page", "slo-event-delivery-ticket"} {
		if f := firingOf(t, fs, name); f.Fired >= 0 {
			t.Errorf("0.05%% errors fired %s at %v", name, f.Fired)
		}
	}
}

// One workflow a day: no window reaches the minimum volume, so a single
// failure fires no tier (the per-event alarms page it, and the budget
// ticket says the month's objective is missed).
func TestLowTrafficBehaviour(t *testing.T) {
	s := slo(t, "workflow-success")
	fs := simulate(t, spec(t), s, mustScenario(t, "low-traffic"))
	for _, name := range []string{"slo-workflow-success-page", "slo-workflow-success-ticket", "slo-workflow-success-page-1h", "slo-workflow-success-ticket-3d"} {
		if f := firingOf(t, fs, name); f.Fired >= 0 {
			t.Errorf("%s fired at %v on one failure at one workflow a day", name, f.Fired)
		}
	}
}

// At fifty times the traffic (fifty workflows within a few minutes each
// morning) one failure is 2% of the hour: no page; eight are 16%, over
// the page tier's 14.4%.
func TestMultiTenantTraffic(t *testing.T) {
	s := slo(t, "workflow-success")
	const day = 24 * 60
	morning := func(m int) bool { return m%day >= 9*60+35 && m%day < 9*60+40 }
	for bad, pages := range map[float64]bool{1: false, 8: true} {
		sc := Scenario{Name: "multi-tenant", Minutes: 3 * day, Warmup: warm,
			Total: func(m int) float64 {
				if morning(m) {
					return 10
				}
				return 0
			},
			Bad: func(m int) float64 {
				if m >= day && m < day+day && morning(m) && m%day == 9*60+35 {
					return bad
				}
				return 0
			}}
		f := firingOf(t, simulate(t, spec(t), s, sc), "slo-workflow-success-page")
		if (f.Fired >= 0) != pages {
			t.Errorf("%g failures of 50: page fired at %v, want paging %v", bad, f.Fired, pages)
		}
	}
}

// The simulator's fast path agrees with the general evaluator.
func TestSimulateMatchesEvaluate(t *testing.T) {
	s := slo(t, "order-success")
	sc := mustScenario(t, "flapping")
	sc.Minutes = 180
	gens, _ := BurnAlarms(spec(t), s)
	g := gens[1] // page, 5 minutes
	sc.Warmup = 0
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	series := cwalarm.Series{}
	for m := range sc.Minutes {
		at := start.Add(time.Duration(m)*time.Minute + 30*time.Second)
		series["good0"] = append(series["good0"], cwalarm.Point{At: at, Value: sc.Total(m) - sc.Bad(m)})
		series["bad0"] = append(series["bad0"], cwalarm.Point{At: at, Value: sc.Bad(m)})
	}
	a := g.Alarm
	samples, err := cwalarm.Evaluate(&a, series, start.Add(time.Minute), start.Add(time.Duration(sc.Minutes)*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fast := firingOf(t, simulate(t, spec(t), s, sc), g.Name)
	var firstAlarm time.Duration = -1
	for _, x := range samples {
		if x.State == cwalarm.Alarm {
			firstAlarm = x.At.Sub(start)
			break
		}
	}
	if firstAlarm != fast.Fired {
		t.Errorf("Evaluate first ALARM at %v, Simulate at %v", firstAlarm, fast.Fired)
	}
}

func mustScenario(t *testing.T, name string) Scenario {
	sc, err := ScenarioNamed(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// template.yaml deploys exactly the generated alarms (make generate), and
// their rules and descriptions resolve.
func TestTemplateDeploysTheSLOAlarms(t *testing.T) {
	src, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := cfnyaml.Splice(string(src), TemplateSection(spec(t)))
	if err != nil {
		t.Fatal(err)
	}
	if want != string(src) {
		t.Error("template.yaml's SLO alarms are out of date: run make generate")
	}
	for _, s := range spec(t).SLOs {
		gens, comps := BurnAlarms(spec(t), &s)
		if len(gens) != 4 || len(comps) != 2 {
			t.Errorf("%s: %d alarms, %d composites", s.Name, len(gens), len(comps))
		}
		for _, g := range gens {
			if err := g.Alarm.Validate(); err != nil {
				t.Errorf("%s: %v", g.Name, err)
			}
			if !strings.Contains(string(src), "Runbook: ${RunbookBaseUrl}/"+s.Runbook+".md") {
				t.Errorf("%s: no runbook link", g.Name)
			}
		}
		for _, c := range comps {
			if _, err := c.AlarmRule(); err != nil {
				t.Errorf("%v", err)
			}
		}
	}
}

func TestMetricFilters(t *testing.T) {
	report := `{"time":"2026-11-20T14:35:00Z","type":"platform.report","record":{"requestId":"r","metrics":{"durationMs":40.1,"initDurationMs":1250.5},"status":"timeout"}}`
	at := time.Unix(1800000000, 0)
	got := map[string]float64{}
	for _, f := range MetricFilters {
		if p, ok := f.Apply("Alchemiser", report, at); ok {
			got[p.Name] = p.Values[0]
		}
	}
	if got["LambdaTimeouts"] != 1 || got["LambdaInitDuration"] != 1250.5 {
		t.Errorf("metrics %v", got)
	}
	for _, msg := range []string{
		`{"type":"platform.report","record":{"status":"success","metrics":{"durationMs":3}}}`, // no timeout, no init
		`{"type":"platform.start","record":{"status":"timeout"}}`,
		`REPORT RequestId: r Duration: 1 ms`,
	} {
		for _, f := range MetricFilters {
			if _, ok := f.Apply("Alchemiser", msg, at); ok {
				t.Errorf("%s matched %s", f.Name, msg)
			}
		}
	}
	if _, err := compilePattern(`$.a = 1`); err == nil {
		t.Error("a non-JSON pattern compiled")
	}
}

func TestDefaultSpecIsSlosYAML(t *testing.T) {
	built, err := DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	file, err := LoadSpec("slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(built, file) || len(built.SLOs) == 0 {
		t.Errorf("built-in spec %+v differs from slos.yaml %+v", built, file)
	}
}

func TestSymptomBudgetsComeFromTheSpec(t *testing.T) {
	spec, err := ParseSpec("s.yaml", []byte("service: a\nsymptoms:\n  log_bytes_per_hour: 123\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Budgets{DuplicatesPerHour: DuplicateSpikePerHour, InitMs: InitBaselineMs, LogBytesPerHour: 123}
	if spec.Symptoms != want {
		t.Errorf("budgets %+v, want %+v", spec.Symptoms, want)
	}
	for _, s := range Symptoms(spec) {
		if s.MetricName == "IncomingBytes" && s.Threshold != 123 {
			t.Errorf("%s threshold %v, want 123", s.Name, s.Threshold)
		}
	}
	_, err = ParseSpec("s.yaml", []byte("service: a\nsymptoms:\n  init_ms: -5\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "s.yaml: symptoms: budgets must be positive") {
		t.Errorf("negative budget: %v", err)
	}
	_, err = ParseSpec("s.yaml", []byte("service: a\nsymptoms:\n  log_bytes: 5\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "s.yaml") || !strings.Contains(err.Error(), "log_bytes") {
		t.Errorf("unknown budget: %v", err)
	}
}

// The SLIs read what they say: workflow latency from completed workflows
// only, event delivery from this stack's functions only (AWS/Lambda
// without FunctionName is every function of the account and region).
func TestSLIsReadTheirOwnSeries(t *testing.T) {
	sp := spec(t)
	gens, _ := BurnAlarms(sp, slo(t, "workflow-latency"))
	for _, q := range gens[0].Alarm.Metrics {
		if q.MetricStat == nil {
			continue
		}
		m, err := QueryMetric(q, func(string) (string, error) { return "", nil })
		if err != nil {
			t.Fatal(err)
		}
		if m.Dims["status"] != "completed" || m.Dims["service"] != sp.Service {
			t.Errorf("latency query %s reads %v, want status=completed of service %s", q.Id, m.Dims, sp.Service)
		}
	}
	gens, _ = BurnAlarms(sp, slo(t, "event-delivery"))
	var dropped []string
	for _, q := range gens[0].Alarm.Metrics {
		if q.MetricStat == nil || q.MetricStat.Metric.MetricName != "AsyncEventsDropped" {
			continue
		}
		m, err := QueryMetric(q, func(expr string) (string, error) { return strings.TrimPrefix(expr, "!Ref "), nil })
		if err != nil {
			t.Fatal(err)
		}
		dropped = append(dropped, m.Dims["FunctionName"])
	}
	var want []string
	for _, f := range sp.Functions {
		want = append(want, f.LogicalID)
	}
	if !slices.Equal(dropped, want) {
		t.Errorf("AsyncEventsDropped read for %v, want each function of the stack %v", dropped, want)
	}
}

// The spec's burn_rate_alerts is what template.yaml deploys at its
// defaults: the BurnRateAlerts parameter's default, and every burn-rate
// alarm and composite under the condition of that name.
func TestBurnRateAlertsMatchTheTemplateDefault(t *testing.T) {
	src, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Parameters map[string]struct{ Default string } `yaml:"Parameters"`
		Resources  map[string]struct {
			Condition string `yaml:"Condition"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(src, &tpl); err != nil {
		t.Fatal(err)
	}
	sp := spec(t)
	if got := tpl.Parameters[BurnRateCondition].Default == "on"; got != sp.BurnRateAlerts {
		t.Errorf("template parameter %s defaults to %q; slos.yaml says burn_rate_alerts: %v", BurnRateCondition, tpl.Parameters[BurnRateCondition].Default, sp.BurnRateAlerts)
	}
	for i := range sp.SLOs {
		gens, comps := BurnAlarms(sp, &sp.SLOs[i])
		ids := []string{}
		for _, g := range gens {
			ids = append(ids, g.LogicalID)
		}
		for _, c := range comps {
			ids = append(ids, c.LogicalID)
		}
		for _, id := range ids {
			if tpl.Resources[id].Condition != BurnRateCondition {
				t.Errorf("%s is not deployed under %s", id, BurnRateCondition)
			}
		}
	}
	for _, a := range SLOAlarms(sp) {
		if r, ok := tpl.Resources[a.LogicalID]; !ok || r.Condition != "" {
			t.Errorf("%s: in the template %v, condition %q; want it always deployed", a.LogicalID, ok, r.Condition)
		}
	}
}
