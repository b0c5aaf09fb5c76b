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
	base := "service: s\nslos:\n  - name: x\n    objective: 99\n    period: 30d\n    good: [OrdersFilled]\n    total: [OrdersSubmitted]\n    runbook: r\n    minimum_volume: 20\n"
	for mutate, want := range map[[2]string]string{
		{"objective: 99", "objective: 100"}:                                       "objective 100% is out of range",
		{"objective: 99", "objective: 90"}:                                        "can never fire at objective 90%",
		{"good: [OrdersFilled]", "good: [OrdersFiled]"}:                           `metric "OrdersFiled" is not in the metric catalogue`,
		{"period: 30d", "period: 7d"}:                                             `period "7d"`,
		{"    runbook: r\n", ""}:                                                  "needs a runbook",
		{"good: [OrdersFilled]", "bad: [OrdersFilled]\n    good: [OrdersFilled]"}: "exactly one of good or bad",
		{"objective: 99", "objective: 99\n    colour: red"}:                       "field colour not found",
		{"minimum_volume: 20", "minimum_volume: 6"}:                               "minimum_volume 6 lets one bad event fire the page tier",
		{"runbook: r", "runbook: r\n    page: PageTopic"}:                         "field page not found",
	} {
		src := strings.Replace(base, mutate[0], mutate[1], 1)
		_, err := ParseSpec("slos.yaml", []byte(src), catalogue(t))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want %q", mutate, err, want)
		}
	}
	_, err := ParseSpec("slos.yaml", []byte(base+strings.TrimPrefix(base, "service: s\nslos:\n")), catalogue(t))
	if err == nil || !strings.Contains(err.Error(), "slos.yaml:10: slo \"x\" is declared twice") {
		t.Errorf("duplicate: %v", err)
	}
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
	at := time.Unix(1800000000, 0)
	for _, c := range []struct {
		msg  string
		want map[string]float64
	}{
		{`{"time":"2026-11-20T14:35:00Z","type":"platform.report","record":{"requestId":"r","metrics":{"durationMs":40.1,"initDurationMs":1250.5},"status":"timeout"}}`,
			map[string]float64{"LambdaTimeouts": 1, "LambdaInitDuration": 1250.5, "LogEvents": 1}},
		{`{"type":"platform.report","record":{"status":"success","metrics":{"durationMs":3}}}`, map[string]float64{"LogEvents": 1}},
		{`{"type":"platform.report","record":{"status":"error","errorType":"Runtime.ExitError","metrics":{"durationMs":3}}}`,
			map[string]float64{"InvocationFailures": 1, "LogEvents": 1}},
		{`{"type":"platform.report","record":{"status":"failure","metrics":{"durationMs":3}}}`, map[string]float64{"InvocationFailures": 1, "LogEvents": 1}},
		{`{"level":"ERROR","message":"invocation failed","error":"boom"}`, map[string]float64{"InvocationFailures": 1, "LogEvents": 1}},
		{`{"level":"ERROR","message":"invocation panicked","error":"boom"}`, map[string]float64{"InvocationFailures": 1, "LogEvents": 1}},
		{`{"type":"platform.start","record":{"status":"timeout"}}`, map[string]float64{"LogEvents": 1}},
		{`REPORT RequestId: r Duration: 1 ms`, map[string]float64{"LogEvents": 1}},
	} {
		got := map[string]float64{}
		for _, f := range MetricFilters {
			if p, ok := f.Apply("Alchemiser", c.msg, at); ok {
				got[p.Name] = p.Values[0]
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: metrics %v, want %v", c.msg, got, c.want)
		}
	}
}

// The filter engine reads the JSON pattern syntax the filters use: &&,
// ||, parentheses, string and numeric comparisons, and the empty pattern.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
func TestFilterPatternSyntax(t *testing.T) {
	doc := map[string]any{"a": "x", "n": 5.0, "r": map[string]any{"s": "ok"}}
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		{`{ $.a = "x" }`, true},
		{`{ $.a != "x" }`, false},
		{`{ $.missing != "x" }`, false},
		{`{ $.n > 4 && $.n <= 5 }`, true},
		{`{ $.n >= 6 || $.r.s = "ok" }`, true},
		{`{ $.a = "y" || $.n = 5 && $.r.s = "no" }`, false}, // && binds tighter
		{`{ ($.a = "y" || $.n = 5) && $.r.s = "ok" }`, true},
		{`{ $.a = "a && b" || $.n < 1 }`, false}, // an operator inside a string is text
		{`{ $.a = "x" && ($.n = 1 || ($.n = 5 && $.r.s != "bad")) }`, true},
	} {
		m, err := compilePattern(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if got := m.holds(doc); got != c.want {
			t.Errorf("%s: %v, want %v", c.pattern, got, c.want)
		}
	}
	if m, err := compilePattern(""); err != nil || m != nil {
		t.Errorf("empty pattern: %v %v, want every event", m, err)
	}
	for _, bad := range []string{`$.a = 1`, `{ ($.a = 1 }`, `{ $.a = 1 && }`, `{ $.a = "x }`, `{ a = 1 }`, `{ $.a = 1 ) }`} {
		if _, err := compilePattern(bad); err == nil {
			t.Errorf("%s compiled", bad)
		}
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
	spec, err := ParseSpec("s.yaml", []byte("service: a\nsymptoms:\n  log_events_per_hour: 123\nincidents:\n  log-volume-spike: ticket\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Budgets{LogEventsPerHour: 123}); spec.Symptoms != want {
		t.Errorf("budgets %+v, want %+v", spec.Symptoms, want)
	}
	if s := Symptoms(spec); len(s) != 1 || s[0].Name != "log-volume-spike" || s[0].Threshold != 123 {
		t.Errorf("symptoms %+v, want log-volume-spike at 123", s)
	}
	_, err = ParseSpec("s.yaml", []byte("service: a\nsymptoms:\n  log_events_per_hour: -5\n"), nil)
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
