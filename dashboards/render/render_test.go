package render

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtureRun is a run of the local stack (three workflows, seed 7, 30%
// duplicate deliveries, so some deliveries fail on the idempotency key):
// its log groups and the bus's platform metrics.
const fixtureRun = "testdata/run"

func testSpec(t testing.TB) *alarms.Spec {
	t.Helper()
	spec, err := alarms.LoadSpec("../../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func testDashboards(t testing.TB) []Dashboard {
	t.Helper()
	var out []Dashboard
	for _, name := range []string{"overview.json", "investigation.json"} {
		d, err := ReadDashboard(filepath.Join("testdata", "dashboards", name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func renderRun(t testing.TB, runDir string, ds []Dashboard) (*Page, string) {
	t.Helper()
	p, err := New(Config{RunDir: runDir, Dashboards: ds, Spec: testSpec(t)})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return p, b.String()
}

func widgetTitled(t testing.TB, p *Page, title string) *Widget {
	t.Helper()
	for _, s := range p.Sections {
		for _, w := range s.Widgets {
			if w.Title == title {
				return w
			}
		}
	}
	t.Fatalf("no widget %q", title)
	return nil
}

// widgetHTML is the widget's <section> of the page.
func widgetHTML(t testing.TB, page string, w *Widget) string {
	t.Helper()
	start := strings.Index(page, fmt.Sprintf(`data-widget="%d"`, w.Index))
	if start < 0 {
		t.Fatalf("widget %d is not on the page", w.Index)
	}
	end := strings.Index(page[start:], "</section>")
	return page[start : start+end]
}

func runMetrics(t testing.TB) []cwalarm.EMFPoint {
	t.Helper()
	emf, err := alarms.RunMetrics(fixtureRun)
	if err != nil {
		t.Fatal(err)
	}
	return emf
}

// byPeriod aggregates raw points as a chart should, independently of the
// renderer: period starts to the sum, or to the values.
func byPeriod(pts []cwalarm.Point, period time.Duration) map[time.Time][]float64 {
	out := map[time.Time][]float64{}
	for _, p := range pts {
		k := p.At.Truncate(period)
		out[k] = append(out[k], p.Value)
	}
	return out
}

func lambda(name, fn string) cwalarm.Metric {
	return cwalarm.Metric{Namespace: "AWS/Lambda", Name: name, Dims: map[string]string{"FunctionName": "alchemiser-" + fn}}
}

func TestMetricChartHasTheRunsPoints(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Lambda invocations by function")
	if !w.Period.Shortened() || w.Period.Requested != 5*time.Minute || p.End.Sub(p.Start)/w.Period.Used < DefaultMinPoints {
		t.Errorf("period %+v over a run of %v", w.Period, p.End.Sub(p.Start))
	}
	emf := runMetrics(t)
	total := 0
	html := widgetHTML(t, page, w)
	for i, fn := range []string{"scheduler", "strategy", "portfolio"} {
		raw := cwalarm.Points(emf, lambda("Invocations", fn))
		if len(raw) == 0 {
			t.Fatalf("the fixture has no %s invocations", fn)
		}
		want := byPeriod(raw, w.Period.Used)
		s := w.Series[i]
		if len(s.Points) != len(want) || s.Samples != len(raw) {
			t.Errorf("%s: %d points from %d values, want %d periods from %d", fn, len(s.Points), s.Samples, len(want), len(raw))
		}
		var sum float64
		for _, pt := range s.Points {
			if got, exp := pt.Value, sumOf(want[pt.At]); got != exp {
				t.Errorf("%s at %v: %v, want %v", fn, pt.At, got, exp)
			}
			sum += pt.Value
		}
		if sum != float64(len(raw)) { // each invocation is a value of 1
			t.Errorf("%s: the chart sums to %v invocations, the run recorded %d", fn, sum, len(raw))
		}
		if !strings.Contains(html, fmt.Sprintf(`data-series="m%d" data-points="%d"`, i+1, len(want))) {
			t.Errorf("%s: no series m%d with %d points in the HTML", fn, i+1, len(want))
		}
		total += len(want)
	}
	if !strings.Contains(html, fmt.Sprintf(`data-points="%d"`, total)) || !strings.Contains(html, `<svg`) {
		t.Errorf("the widget does not draw %d points:\n%s", total, html)
	}
	if want := fmt.Sprintf("scheduler (%d in range)", len(cwalarm.Points(emf, lambda("Invocations", "scheduler")))); w.Series[0].Label != want {
		t.Errorf("dynamic label %q, want %q", w.Series[0].Label, want)
	}
}

func sumOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

func TestSingleValueSampleCount(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Lambda invocations measured")
	emf := runMetrics(t)
	for i, fn := range []string{"scheduler", "execution"} {
		want := len(cwalarm.Points(emf, lambda("Duration", fn)))
		if v := w.Values[i]; !v.OK || v.Value != float64(want) {
			t.Errorf("%s: SampleCount %+v, want %d", fn, v, want)
		}
		if !strings.Contains(widgetHTML(t, page, w), fmt.Sprintf(`<div class="big">%d</div>`, want)) {
			t.Errorf("%s: %d is not on the page", fn, want)
		}
	}
}

func TestExpressionIsEvaluatedPerPeriod(t *testing.T) {
	p, _ := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Strategy error rate (metric math)")
	if len(w.Series) != 1 || w.Series[0].Label != "error rate %" {
		t.Fatalf("series %+v: the hidden metrics are drawn", w.Series)
	}
	emf := runMetrics(t)
	errs := byPeriod(cwalarm.Points(emf, lambda("Errors", "strategy")), w.Period.Used)
	invs := byPeriod(cwalarm.Points(emf, lambda("Invocations", "strategy")), w.Period.Used)
	if len(w.Series[0].Points) != len(invs) {
		t.Errorf("%d points, want one per period with invocations (%d)", len(w.Series[0].Points), len(invs))
	}
	fired := false
	for _, pt := range w.Series[0].Points {
		want := 100 * sumOf(errs[pt.At]) / sumOf(invs[pt.At]) // FILL(errors, 0)
		if math.Abs(pt.Value-want) > 1e-9 {
			t.Errorf("at %v: %v, want %v", pt.At, pt.Value, want)
		}
		fired = fired || pt.Value > 0
	}
	if !fired {
		t.Error("the fixture's strategy errors do not show")
	}
	if len(w.Lines) != 1 || w.Lines[0].Value != 50 || w.YMax == nil || *w.YMax != 100 {
		t.Errorf("annotation %+v, y max %v", w.Lines, w.YMax)
	}
}

func TestUnsupportedExpressionIsMarked(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Invocation rate (an unsupported function)")
	html := widgetHTML(t, page, w)
	if !strings.Contains(html, "RATE(m1)) is not evaluated locally") || !strings.Contains(html, "the raw metrics are shown instead") {
		t.Errorf("the expression is not marked:\n%s", html)
	}
	raw := cwalarm.Points(runMetrics(t), lambda("Invocations", "execution"))
	if len(w.Series) != 2 || w.Series[0].Samples != len(raw) || len(w.Series[0].Points) == 0 || len(w.Series[1].Points) != 0 {
		t.Errorf("series %+v: want the raw metric with points and the expression without", w.Series)
	}
}

func TestWidgetsWithoutDataSaySo(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	for _, title := range []string{"Asynchronous events dropped", "Fatal lines (none expected)"} {
		w := widgetTitled(t, p, title)
		html := widgetHTML(t, page, w)
		if w.HasData() || !strings.Contains(html, "no data in this run") || strings.Contains(html, "<svg") || strings.Contains(html, "<table") {
			t.Errorf("%s:\n%s", title, html)
		}
	}
	w := widgetTitled(t, p, "Cold starts")
	if v := w.Values[2]; v.OK || !strings.Contains(widgetHTML(t, page, w), "no data</td>") {
		t.Errorf("a metric the run lacks: %+v", v)
	}
}

func TestLogTableHasTheQueryRows(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Errors by function")
	// The query, run on its own over the SOURCE groups.
	q, err := insights.Parse(`filter level = "ERROR" | stats count(*) as errors by function | sort function asc`)
	if err != nil {
		t.Fatal(err)
	}
	groups := []string{"/aws/lambda/alchemiser-strategy", "/aws/lambda/alchemiser-portfolio", "/aws/lambda/alchemiser-execution", "/aws/lambda/alchemiser-notifications"}
	want := q.Run(func(yield func(*insights.Event) bool) {
		if err := insights.RunDirEvents(fixtureRun, groups, yield); err != nil {
			t.Fatal(err)
		}
	}, insights.Options{})
	if len(want.Rows) == 0 {
		t.Fatal("the fixture has no errors")
	}
	if w.Table == nil || !slices.Equal(w.Table.Columns, want.Columns) || !slices.EqualFunc(w.Table.Rows, want.Rows, slices.Equal) {
		t.Fatalf("table %+v, want %v %v", w.Table, want.Columns, want.Rows)
	}
	html := widgetHTML(t, page, w)
	if got := strings.Count(html, `<tr class="row">`); got != len(want.Rows) || !strings.Contains(html, fmt.Sprintf(`data-rows="%d"`, len(want.Rows))) {
		t.Errorf("%d rows in the HTML, want %d", got, len(want.Rows))
	}
	for _, r := range want.Rows {
		if !strings.Contains(html, "<td>"+strings.Join(r, "</td><td>")+"</td>") {
			t.Errorf("row %v is not in the HTML", r)
		}
	}
	if !slices.Equal(w.Table.Groups, groups) {
		t.Errorf("groups %v, want %v", w.Table.Groups, groups)
	}
}

func TestLogChartsCountTheEvents(t *testing.T) {
	p, _ := renderRun(t, fixtureRun, testDashboards(t))
	count := func(groups []string, keep func(*insights.Event) bool) float64 {
		n := 0.0
		_ = insights.RunDirEvents(fixtureRun, groups, func(ev *insights.Event) bool {
			if keep(ev) {
				n++
			}
			return true
		})
		return n
	}
	all := func(*insights.Event) bool { return true }
	w := widgetTitled(t, p, "Log events over time")
	if !w.Period.Shortened() || len(w.Series) != 1 || len(w.Series[0].Points) < 3 {
		t.Fatalf("period %+v, series %+v", w.Period, w.Series)
	}
	var sum float64
	for _, pt := range w.Series[0].Points {
		sum += pt.Value
	}
	if want := count([]string{"/aws/lambda/alchemiser-scheduler", "/aws/lambda/alchemiser-strategy"}, all); sum != want {
		t.Errorf("the time series counts %v events, the groups hold %v", sum, want)
	}
	bars := widgetTitled(t, p, "Log events by function")
	sum = 0
	for _, v := range bars.Values {
		sum += v.Value
	}
	withFunction := func(ev *insights.Event) bool { return strings.Contains(ev.Message, `"function":`) }
	if want := count(nil, withFunction); len(bars.Values) != 5 || sum != want {
		t.Errorf("bars %+v sum to %v, want 5 functions and %v events", bars.Values, sum, want)
	}
}

func TestAlarmWidgetShowsGeneratedAlarms(t *testing.T) {
	p, page := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Alarms")
	want := map[string]cwalarm.State{
		"alchemiser-handler-error": cwalarm.Alarm, "alchemiser-event-dead-lettered": cwalarm.OK,
		"alchemiser-duplicate-delivery-spike": "" /* dashboard-only: no alarm */, "alchemiser-slo-data-missing-ticket": cwalarm.OK,
		"alchemiser-hand-made": "",
	}
	html := widgetHTML(t, page, w)
	for _, a := range w.Alarms {
		if a.State != want[a.Name] {
			t.Errorf("%s: %q, want %q", a.Name, a.State, want[a.Name])
		}
		if !strings.Contains(html, fmt.Sprintf(`data-alarm="%s" data-state="%s"`, a.Name, stateLabel(a.State))) {
			t.Errorf("%s: no badge %s", a.Name, stateLabel(a.State))
		}
	}
	if len(w.Alarms) != len(want) || !strings.Contains(html, "not an alarm the template generates") {
		t.Errorf("alarms %+v", w.Alarms)
	}
	// Independently: the symptom alarm evaluated on the run's metrics.
	spec := testSpec(t)
	for _, s := range alarms.Symptoms(spec) {
		if s.Name != "handler-error" {
			continue
		}
		a := s.Alarm()
		samples, err := cwalarm.Evaluate(&a, cwalarm.Series{"m1": cwalarm.Points(runMetrics(t), lambda("Errors", "strategy"))}, p.AlarmsFrom, p.AlarmsTo, time.Minute)
		if err != nil || samples[len(samples)-1].State != cwalarm.Alarm {
			t.Errorf("handler-error evaluated alone: %v %v", samples, err)
		}
	}
	graph := widgetTitled(t, p, "Strategy errors (alarm graph)")
	if len(graph.Series) != 1 || len(graph.Series[0].Points) == 0 || len(graph.Lines) != 1 || graph.Alarms[0].State != cwalarm.Alarm {
		t.Errorf("alarm graph: series %+v lines %+v alarms %+v", graph.Series, graph.Lines, graph.Alarms)
	}
}

func TestPropertyVariableSelectsTheFunction(t *testing.T) {
	p, _ := renderRun(t, fixtureRun, testDashboards(t))
	w := widgetTitled(t, p, "Selected function: invocations and errors")
	want := len(cwalarm.Points(runMetrics(t), lambda("Invocations", "strategy"))) // the variable's default
	if got := w.Series[0].Samples; got != want {
		t.Errorf("%d invocations drawn, the default function (strategy) has %d", got, want)
	}
}

// external finds what would load or run: scripts, links, frames,
// images, a src or href attribute of a tag other than a link, CSS urls.
var external = regexp.MustCompile(`(?i)<(script|link|iframe|img|object|embed|style>[^<]*@import)|<[a-z]+(\s+[a-z-]+="[^"]*")*\s+src=|url\(`)

func TestPageIsSelfContainedAndEscaped(t *testing.T) {
	hostile := `{"widgets":[
	 {"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"title":"<img src=x onerror=alert(1)>","stat":"Sum",
	  "metrics":[["AWS/Lambda","Invocations","FunctionName","alchemiser-scheduler",{"label":"</text><script>alert(2)</script>","color":"red\" onmouseover=\"alert(3)"}]],
	  "annotations":{"horizontal":[{"value":1,"label":"<b>x</b>","color":"#fff\" x=\""}]}}},
	 {"type":"log","x":12,"y":0,"width":12,"height":6,"properties":{"title":"t","query":"SOURCE '/aws/lambda/alchemiser-execution' | fields message | display '<script>'"}},
	 {"type":"text","x":0,"y":6,"width":24,"height":2,"properties":{"markdown":"<style>body{display:none}</style> [x](javascript:alert(4))"}}]}`
	ds := append(testDashboards(t), Dashboard{Name: "<hostile>", Body: []byte(hostile)})
	_, page := renderRun(t, fixtureRun, ds)
	if m := external.FindString(page); m != "" {
		t.Errorf("the page loads or runs something: %q", m)
	}
	for _, bad := range []string{"<img", "onmouseover", "<b>x</b>", "<style>body", "javascript:", "<hostile>", `#fff" x="`} {
		if strings.Contains(page, bad) {
			t.Errorf("%q is on the page unescaped", bad)
		}
	}
	for _, escaped := range []string{"&lt;/text&gt;&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;hostile&gt;"} {
		if !strings.Contains(page, escaped) {
			t.Errorf("%s is not on the page", escaped)
		}
	}
}

func TestEmptyRunHasNoData(t *testing.T) {
	p, page := renderRun(t, emptyRun(t), testDashboards(t))
	for _, s := range p.Sections {
		for _, w := range s.Widgets {
			if w.Points() > 0 {
				t.Errorf("widget %q draws %d points of an empty run", w.Title, w.Points())
			}
		}
	}
	if strings.Contains(page, `<g class="series"`) || !strings.Contains(page, "the run recorded no log event and no metric") {
		t.Error("the empty run's page draws series or does not say it is empty")
	}
}

func TestConfigIsValidated(t *testing.T) {
	if _, err := New(Config{Dashboards: testDashboards(t)}); err == nil {
		t.Error("no run directory")
	}
	if _, err := New(Config{RunDir: fixtureRun}); err == nil {
		t.Error("no dashboard")
	}
	if _, err := New(Config{RunDir: t.TempDir(), Dashboards: testDashboards(t)}); err == nil || !strings.Contains(err.Error(), "run directory") {
		t.Errorf("not a run directory: %v", err)
	}
	if _, err := New(Config{RunDir: fixtureRun, Dashboards: []Dashboard{{Name: "bad", Body: []byte("{")}}}); err == nil {
		t.Error("a body that does not parse")
	}
}

// The page of the test dashboards on the fixture run, byte for byte.
func TestGolden(t *testing.T) {
	_, page := renderRun(t, fixtureRun, testDashboards(t))
	golden := filepath.Join("testdata", "preview.golden.html")
	if *update {
		if err := os.WriteFile(golden, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if page != string(want) {
		t.Errorf("the page differs from %s (go test -run TestGolden -update to accept)", golden)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// emptyRun is a run directory whose log group recorded nothing.
func emptyRun(t *testing.T) string {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cloudwatch"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "cloudwatch"), "aws-lambda-alchemiser-scheduler.jsonl", "")
	return dir
}
