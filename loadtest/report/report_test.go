package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/loadtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func passing() *loadtest.Result {
	r := emptyResult()
	r.Thresholds = []loadtest.ThresholdResult{
		{Expr: "p(99) < 60s", Value: 11000, Unit: "ms", Pass: true, Source: "profile"},
		{Expr: "failed < 5%", Value: 2.68, Unit: "%", Pass: true, Source: "slos.yaml"},
	}
	return r
}

func TestVerdict(t *testing.T) {
	failing := passing()
	failing.Thresholds[1].Pass = false
	invalid := passing()
	invalid.Valid = false
	for _, tc := range []struct {
		name string
		r    *loadtest.Result
		want string
	}{
		{"valid, every threshold passed", passing(), "PASS"},
		{"valid, no thresholds", emptyResult(), "PASS"},
		{"a threshold failed", failing, "FAIL"},
		{"invalid, every threshold passed", invalid, "FAIL"},
	} {
		if got := Verdict(tc.r); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestWriteHTMLVerdict(t *testing.T) {
	page := render(t, passing())
	mustContain(t, page, `<div class="verdict PASS" data-verdict="PASS">PASS<small>all 2 thresholds passed</small>`)
	mustNotContain(t, page, "INVALID RUN", "verdict FAIL")

	r := passing()
	r.Thresholds[0].Pass = false
	page = render(t, r)
	mustContain(t, page, `<div class="verdict FAIL" data-verdict="FAIL">FAIL<small>1 of 2 thresholds failed</small>`)
	mustNotContain(t, page, "INVALID RUN")
}

func TestWriteHTMLInvalidBanner(t *testing.T) {
	r := passing()
	r.Valid = false
	r.InvalidReasons = []string{"12 arrivals dropped", "schedule lag p99 180 ms > budget 100 ms"}
	page := render(t, r)
	mustContain(t, page,
		`<div class="verdict FAIL" data-verdict="FAIL">FAIL<small>invalid run</small>`,
		`<section class="invalid" data-invalid="true">`,
		`<h2>INVALID RUN: the generator fell behind</h2>`,
		`<li>12 arrivals dropped</li><li>schedule lag p99 180 ms &gt; budget 100 ms</li>`)
	if strings.Index(page, "INVALID RUN") > strings.Index(page, "<h2>Workflows</h2>") {
		t.Error("the invalid banner is not at the top of the page")
	}
	r.InvalidReasons = nil
	mustContain(t, render(t, r), "<li>no reason recorded</li>")
}

var thresholdRow = regexp.MustCompile(`<tr data-threshold="([^"]*)" data-pass="(true|false)"><td><code>([^<]*)</code></td><td class="num">([^<]*)</td><td><span class="badge (pass|fail)">(PASS|FAIL)</span></td><td>([^<]*)</td></tr>`)

func TestWriteHTMLThresholds(t *testing.T) {
	r := passing()
	r.Thresholds = append(r.Thresholds,
		loadtest.ThresholdResult{Expr: "lost == 0", Value: 3, Unit: "count", Pass: false, Source: "profile"},
		loadtest.ThresholdResult{Expr: "dead_lettered <= 1000", Value: 1234, Unit: "count", Pass: true, Source: "profile"})
	rows := thresholdRow.FindAllStringSubmatch(render(t, r), -1)
	want := [][]string{
		{"p(99) &lt; 60s", "true", "p(99) &lt; 60s", "11.0 s", "pass", "PASS", "profile"},
		{"failed &lt; 5%", "true", "failed &lt; 5%", "2.68%", "pass", "PASS", "slos.yaml"},
		{"lost == 0", "false", "lost == 0", "3", "fail", "FAIL", "profile"},
		{"dead_lettered &lt;= 1000", "true", "dead_lettered &lt;= 1000", "1,234", "pass", "PASS", "profile"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d threshold rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if !reflect.DeepEqual(rows[i][1:], w) {
			t.Errorf("row %d: %q, want %q", i, rows[i][1:], w)
		}
	}
	mustContain(t, render(t, emptyResult()), "No thresholds were set for this run.")
}

func TestWriteHTMLNumbers(t *testing.T) {
	r := realisticResult(t, 1)
	r.Scheduled, r.Dropped = 12345, 7
	r.Latency.P50, r.Latency.P999, r.ScheduleLag.P99 = 1234.5, 61234, 0.42
	page := render(t, r)
	mustContain(t, page,
		`<div class="tile " data-tile="scheduled" title="arrivals the profile scheduled"><div class="v">12,345</div>`,
		`<div class="tile bad" data-tile="dropped" title="the generator could not start them in time"><div class="v">7</div>`,
		`<div class="tile " data-tile="start errors" title="Start returned an error"><div class="v">0</div>`,
		`data-tile="latency p50"><div class="v">1.23 s</div>`,
		`data-tile="latency p99.9"><div class="v">1.0 min</div>`,
		`data-tile="schedule lag p99" title="intended start → Start call"><div class="v">0.42 ms</div>`,
		`<td class="num" data-total="`+jsonNumber(r.Cost.TotalUSD)+`">`+fmtUSD(r.Cost.TotalUSD)+`</td>`,
		`data-prices-as-of="`+r.Cost.PricesAsOf+`"`,
		"Free tiers are ignored.",
		"pro-rated by the hour",
		`<span class="unverified"`,
		"The 20 slowest of 411 recorded workflows")
	if got := fmtUSD(r.Cost.TotalUSD); got != "$0.0548" {
		t.Errorf("the fixture's cost is %s, want $0.0548", got)
	}
	mustContain(t, render(t, emptyResult()), "No cost estimate for this run.", `data-tile="latency p99" title="no values"><div class="v">–</div>`)
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestWriteHTMLEscapes(t *testing.T) {
	r := realisticResult(t, 1)
	r.Profile = `<script>alert("profile")</script>`
	r.Valid = false
	r.InvalidReasons = []string{"<b>bold</b> reason"}
	r.Thresholds[0].Expr = `p(99) < 1s"><img src=x onerror=alert(1)>`
	r.Samples[0].CorrelationID, r.Samples[0].LatencyMs = `"><img src=x>`, 1e9
	r.Cost.Lines[0].Source = `javascript:alert(1)`
	page := render(t, r)
	mustNotContain(t, page, "<script", "<img", "<b>bold", `href="javascript:`)
	mustContain(t, page, "&lt;script&gt;alert(&#34;profile&#34;)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt; reason", "&#34;&gt;&lt;img src=x&gt;")
}

func TestWriteHTMLSelfContained(t *testing.T) {
	page := render(t, realisticResult(t, 1))
	mustContain(t, page, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`)
	mustNotContain(t, page, "<script", "<link", " src=", "@import", "url(")
}

var chartAttrs = regexp.MustCompile(`<figure data-chart="([a-z]+)" data-points="(\d+)">`)

func TestWriteHTMLCharts(t *testing.T) {
	r := realisticResult(t, 1)
	page := render(t, r)
	figures := chartAttrs.FindAllStringSubmatch(page, -1)
	ids := []string{"latency", "distribution", "throughput", "errors", "lag"}
	if len(figures) != len(ids) {
		t.Fatalf("%d charts, want %d", len(figures), len(ids))
	}
	for i, id := range ids {
		if figures[i][1] != id || figures[i][2] == "0" {
			t.Errorf("chart %d is %s with %s points, want %s with some", i, figures[i][1], figures[i][2], id)
		}
		mustContain(t, page, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="`+id+`" data-points="`+figures[i][2]+`"`)
	}
	// Starts and completions are drawn for every interval; the latency
	// lines only where workflows ended.
	n := len(r.Timeline)
	mustContain(t, page,
		`data-chart="throughput" data-points="`+itoa(2*n)+`"`,
		`data-chart="errors" data-points="`+itoa(n)+`"`,
		`data-chart="distribution" data-points="`+itoa(len(r.Distribution))+`"`,
		`<g class="series" data-series="p50" data-points="`, `data-color="`+colorP50+`">`,
		`<g class="series" data-series="lag-p99" data-points="`, `data-color="`+colorLag+`">`)
	if got := strings.Count(page, `class="series"`); got != 7 {
		t.Errorf("%d series, want 7", got)
	}

	empty := render(t, emptyResult())
	for _, id := range ids {
		mustContain(t, empty, `<figure data-chart="`+id+`" data-points="0">`, `class="chart" data-chart="`+id+`" data-points="0" `)
	}
	if got := strings.Count(empty, ">no data</text>"); got != len(ids) {
		t.Errorf("the empty run's page says no data in %d charts, want %d", got, len(ids))
	}
	mustNotContain(t, empty, `class="series"`)
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSlowest(t *testing.T) {
	var samples []loadtest.Sample
	for i, ms := range []float64{5, 50, 20, 50, 1, 0} {
		samples = append(samples, loadtest.Sample{Seq: i, LatencyMs: ms})
	}
	var seqs []int
	for _, s := range slowest(samples, 4) {
		seqs = append(seqs, s.Seq)
	}
	if want := []int{1, 3, 2, 0}; !reflect.DeepEqual(seqs, want) {
		t.Errorf("slowest sequences %v, want %v", seqs, want)
	}
	if samples[0].Seq != 0 || samples[1].Seq != 1 {
		t.Error("slowest reorders its input")
	}
	if got := slowest(samples[:2], SlowestSamples); len(got) != 2 {
		t.Errorf("%d of 2 samples", len(got))
	}
	page := render(t, realisticResult(t, 1))
	if got := strings.Count(page, `<tr class="status-`); got != SlowestSamples {
		t.Errorf("%d sample rows, want %d", got, SlowestSamples)
	}
}

func TestWriteJSON(t *testing.T) {
	r := realisticResult(t, 1)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var back loadtest.Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Error("the JSON does not read back as the result")
	}
	if !strings.HasSuffix(b.String(), "}\n") || !strings.Contains(b.String(), "\n  \"profile\": \"ramp-to-peak\",") {
		t.Errorf("the JSON is not indented with a final newline: %.80q", b.String())
	}
	r.Latency.P50 = math.NaN()
	if err := WriteJSON(&bytes.Buffer{}, r); err == nil {
		t.Error("a NaN encodes")
	}
	if err := WriteJSON(&b, nil); !errors.Is(err, ErrNoResult) {
		t.Errorf("WriteJSON(nil): %v", err)
	}
	if err := WriteHTML(&b, nil); !errors.Is(err, ErrNoResult) {
		t.Errorf("WriteHTML(nil): %v", err)
	}
}

// TestGolden renders testdata/result.json and compares the page with
// testdata/report.html; -update rewrites both from the fixture.
func TestGolden(t *testing.T) {
	in, golden := filepath.Join("testdata", "result.json"), filepath.Join("testdata", "report.html")
	if *update {
		r := realisticResult(t, 2)
		r.Samples = r.Samples[:25] // a short file; the page shows the slowest of these
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		writeFile(t, "testdata", "result.json", b.String())
		writeFile(t, "testdata", "report.html", render(t, r))
	}
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatalf("%v (go test -run TestGolden -update writes it)", err)
	}
	var r loadtest.Result
	if err := json.Unmarshal(src, &r); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(t, &r); got != string(want) {
		diffAt := 0
		for diffAt < min(len(got), len(want)) && got[diffAt] == want[diffAt] {
			diffAt++
		}
		t.Errorf("the page differs from %s at byte %d:\n got %.200q\nwant %.200q\n(go test -run TestGolden -update rewrites it)",
			golden, diffAt, got[diffAt:], want[diffAt:])
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtCount(0), "0"}, {fmtCount(999), "999"}, {fmtCount(1000), "1,000"}, {fmtCount(-1234567), "-1,234,567"},
		{fmtMs(0), "0 ms"}, {fmtMs(0.42), "0.42 ms"}, {fmtMs(0.999), "1.0 ms"}, {fmtMs(4.25), "4.2 ms"}, {fmtMs(9.96), "10 ms"},
		{fmtMs(123.4), "123 ms"}, {fmtMs(999.6), "1.00 s"}, {fmtMs(1234.5), "1.23 s"}, {fmtMs(12345), "12.3 s"},
		{fmtMs(150000), "2.5 min"}, {fmtMs(math.NaN()), "–"},
		{fmtUSD(0), "$0.00"}, {fmtUSD(12.345), "$12.35"}, {fmtUSD(1234.5), "$1,234.50"}, {fmtUSD(0.0537), "$0.0537"},
		{fmtUSD(0.00005372), "$0.0000537"}, {fmtUSD(0.5), "$0.500"},
		{fmtQuantity(2055), "2,055"}, {fmtQuantity(205.5), "205.5"}, {fmtQuantity(0.0188), "0.0188"}, {fmtQuantity(1.5e6), "1,500,000"},
		{fmtValue(11000, "ms"), "11.0 s"}, {fmtValue(2.675, "%"), "2.67%"}, {fmtValue(1234, "count"), "1,234"}, {fmtValue(2.5, "rps"), "2.5 rps"},
		{fmtDuration(45200 * time.Millisecond), "45.2s"}, {fmtDuration(12*time.Minute + 30*time.Second), "12m30s"},
		{fmtDuration(12 * time.Minute), "12m"}, {fmtDuration(62*time.Minute + 20*time.Second), "1h2m"}, {fmtDuration(2 * time.Hour), "2h"},
		{fmtElapsed(90 * time.Second), "1m30s"}, {fmtElapsed(time.Hour), "1h"}, {fmtElapsed(0), "0s"},
		{fmtMsAxis(250), "250 ms"}, {fmtMsAxis(1414), "1.41 s"}, {fmtMsAxis(90510), "1.51 min"}, {fmtMsAxis(0), "0"},
		{fmtTime(time.Date(2026, 11, 25, 14, 0, 1, 5e6, time.FixedZone("CET", 3600))), "2026-11-25 13:00:01.005"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		want []float64
	}{
		{0, []float64{0, 1}},
		{2, []float64{0, 0.5, 1, 1.5, 2}},
		{44000, []float64{0, 10000, 20000, 30000, 40000, 50000}},
		{137, []float64{0, 50, 100, 150}},
		{25, []float64{0, 5, 10, 15, 20, 25}},
	} {
		if got := niceTicks(tc.hi, 5); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("niceTicks(%v): %v, want %v", tc.hi, got, tc.want)
		}
	}
}

func mustContain(t *testing.T, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, page string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(page, b) {
			t.Errorf("the page has %q", b)
		}
	}
}

func render(t *testing.T, r *loadtest.Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The aws target's run: thresholds it could not measure say so, the cost
// lines it did not measure are unknown; a local run's queueing is a table.
func TestWriteHTMLNotMeasuredAndQueueing(t *testing.T) {
	r := realisticResult(t, 1)
	r.Stats.Unmeasured = []string{loadtest.StatDLQ, loadtest.StatInvocations}
	r.Thresholds = append(r.Thresholds, loadtest.ThresholdResult{Expr: "dlq == 0", Unit: "count", Source: "slos.yaml", NotMeasured: true})
	prices, err := loadtest.DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	r.Cost = loadtest.EstimateCost(r.Stats, r.Started, prices)
	r.Stats.Queueing = []loadtest.Queueing{{Function: "execution", ReservedConcurrency: 1, Throttles: 3, Invocations: 4, Queued: 1,
		QueuedMs: loadtest.Summary{Count: 4, P50: 0, P99: 7000, Max: 7000}}}
	mustContain(t, render(t, r),
		`<tr data-threshold="dlq == 0" data-pass="false"><td><code>dlq == 0</code></td><td class="num"><span data-not-measured="true">not measured</span></td>`,
		`<tr data-item="Lambda requests"><td>Lambda requests</td><td class="num">not measured</td>`,
		`data-unknown="true"`,
		"The cost is unknown: the target did not measure Lambda requests",
		`<tr data-function="execution" data-throttles="3"><td>execution</td><td class="num">1</td><td class="num">3</td><td class="num">1 / 4</td>`)
}
