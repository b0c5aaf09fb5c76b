//go:build external

package report

import (
	"context"
	"fmt"
	"image"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/internal/chromiumtest"
)

// TestReportInChromium writes the report of a realistic run and looks at
// it in headless Chromium: the DOM has every chart with its points and
// series, and in the screenshot each chart's plot holds pixels of each of
// its series' colours. The same check must fail for the page with its
// series removed and for a run without data (whose charts say "no data"),
// or it proves nothing.
func TestReportInChromium(t *testing.T) {
	browser := chromiumtest.Find(t, "../../scripts")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := chromiumtest.Artefacts(t)

	r := realisticResult(t, 1)
	if len(r.Samples) < 200 || len(r.Timeline) < 50 {
		t.Fatalf("the fixture has %d samples and %d intervals; want a few hundred and about 60", len(r.Samples), len(r.Timeline))
	}
	page := render(t, r)
	file := writeFile(t, dir, "report.html", page)
	dom := chromiumtest.DumpDOM(ctx, t, browser, dir, file)
	want := charts(r)
	got := domCharts(dom)
	checkDOM(t, dom, want, got)

	shot := chromiumtest.Screenshot(ctx, t, browser, dir, file, 1400, 3000)
	if err := chartsDrawn(shot, got); err != nil {
		t.Errorf("the report: %v", err)
	} else {
		t.Logf("every series drawn in its plot: %s", seriesPixels(shot, got))
	}

	// Negative controls: without its data, the same check fails.
	stripped := writeFile(t, dir, "stripped.html", seriesGroup.ReplaceAllString(page, ""))
	if err := chartsDrawn(chromiumtest.Screenshot(ctx, t, browser, dir, stripped, 1400, 3000), got); err == nil {
		t.Error("the page with its series removed passes the check: the check proves nothing")
	} else {
		t.Logf("the page with its series removed fails, as it must: %v", err)
	}
	emptyFile := writeFile(t, dir, "empty.html", render(t, emptyResult()))
	if err := chartsDrawn(chromiumtest.Screenshot(ctx, t, browser, dir, emptyFile, 1400, 3000), got); err == nil {
		t.Error("the page of a run without data passes the check")
	} else {
		t.Logf("the page of a run without data fails, as it must: %v", err)
	}
	emptyDOM := chromiumtest.DumpDOM(ctx, t, browser, dir, emptyFile)
	for _, c := range domCharts(emptyDOM) {
		if c.points != 0 || !c.noData {
			t.Errorf("the empty run's %s chart has %d points and says no data: %v", c.id, c.points, c.noData)
		}
	}
	if n := len(domCharts(emptyDOM)); n != len(want) {
		t.Errorf("the empty run's page has %d charts, want %d", n, len(want))
	}
}

// domChart is a chart as Chromium parsed it.
type domChart struct {
	id     string
	points int
	noData bool
	series []domSeries
}

type domSeries struct {
	id     string
	points int
	color  [3]int
}

var (
	chartTag    = regexp.MustCompile(`(?s)<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="([^"]+)" data-points="(\d+)" data-series="(\d+)"[^>]*>(.*?)</svg>`)
	seriesTag   = regexp.MustCompile(`<g class="series" data-series="([^"]+)" data-points="(\d+)" data-color="(#[0-9a-f]{6})">`)
	seriesGroup = regexp.MustCompile(`(?s)<g class="series"[^>]*>.*?</g>`)
)

func domCharts(dom string) []domChart {
	var out []domChart
	for _, m := range chartTag.FindAllStringSubmatch(dom, -1) {
		c := domChart{id: m[1], noData: strings.Contains(m[4], ">no data</text>")}
		c.points, _ = strconv.Atoi(m[2])
		for _, s := range seriesTag.FindAllStringSubmatch(m[4], -1) {
			n, _ := strconv.Atoi(s[2])
			c.series = append(c.series, domSeries{id: s[1], points: n, color: chromiumtest.HexRGB(s[3])})
		}
		out = append(out, c)
	}
	return out
}

// checkDOM compares the charts Chromium loaded with the model: the same
// charts in the same order, each with its points and series.
func checkDOM(t *testing.T, dom string, want []chart, got []domChart) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("the DOM has %d charts, want %d", len(got), len(want))
	}
	colors := map[[3]int]string{}
	for i, w := range want {
		g := got[i]
		if g.id != w.ID || g.points != w.Points || g.points == 0 || g.noData {
			t.Errorf("chart %d: DOM has %s with %d points (no data: %v); want %s with %d", i, g.id, g.points, g.noData, w.ID, w.Points)
		}
		if len(g.series) != len(w.Legend) {
			t.Errorf("chart %s: %d series in the DOM, want %d", w.ID, len(g.series), len(w.Legend))
		}
		for _, s := range g.series {
			if s.points == 0 {
				t.Errorf("chart %s: series %s has no points", w.ID, s.id)
			}
			if other, ok := colors[s.color]; ok {
				t.Errorf("series %s and %s share a colour", other, s.id)
			}
			colors[s.color] = s.id
		}
	}
	for _, s := range []string{`data-verdict="FAIL"`, "1 of 4 thresholds failed", "ramp-to-peak", `data-prices-as-of="`} {
		if !strings.Contains(dom, s) {
			t.Errorf("the DOM lacks %q", s)
		}
	}
	if strings.Contains(dom, "<script") {
		t.Error("the page has a script")
	}
}

// chartsDrawn finds the plot frames (2 px of frameColor) in a screenshot,
// in page order, and checks there is one per chart and that each holds at
// least 20 pixels of each of its chart's series colours. Grid, axes and
// labels are grey, so only drawn data passes.
func chartsDrawn(img image.Image, charts []domChart) error {
	frames := chromiumtest.FindFrames(img, frameColor)
	if len(frames) != len(charts) {
		return fmt.Errorf("%d plot frames in the screenshot, want %d: %v", len(frames), len(charts), frames)
	}
	var missing []string
	for i, c := range charts {
		for _, s := range c.series {
			if n := chromiumtest.Colored(img, frames[i], s.color); n < 20 {
				missing = append(missing, fmt.Sprintf("%s/%s: %d pixels", c.id, s.id, n))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("series not drawn in their plots: %s", strings.Join(missing, ", "))
	}
	return nil
}

// seriesPixels counts each series' pixels in its plot, for the log.
func seriesPixels(img image.Image, charts []domChart) string {
	frames := chromiumtest.FindFrames(img, frameColor)
	var out []string
	for i, c := range charts {
		for _, s := range c.series {
			if i < len(frames) {
				out = append(out, fmt.Sprintf("%s/%s %d", c.id, s.id, chromiumtest.Colored(img, frames[i], s.color)))
			}
		}
	}
	return strings.Join(out, ", ")
}
