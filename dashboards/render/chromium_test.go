//go:build external

package render

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/internal/chromiumtest"
)

// TestPreviewInChromium runs the local stack, renders the page, and
// looks at it in headless Chromium: the DOM has every chart with its
// points, and the screenshot's plot areas hold pixels of the series'
// colours. The same check must fail on the page with its series removed
// and on a run without data, or it proves nothing.
func TestPreviewInChromium(t *testing.T) {
	browser := chromiumtest.Find(t, "../../scripts")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	runDir := filepath.Join(t.TempDir(), "run")
	start := time.Now()
	rep, err := local.Run(ctx, local.Config{Workflows: 3, Seed: 11, RunDir: runDir, Duplicates: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("local run: %v", time.Since(start).Round(time.Millisecond))
	if len(rep.Results) != 3 {
		t.Fatalf("the run has %d workflows, want 3", len(rep.Results))
	}
	p, page := renderRun(t, runDir, testDashboards(t))
	dir := chromiumtest.Artefacts(t)
	file := writeFile(t, dir, "preview.html", page)

	// The DOM as Chromium parsed it: every widget, every chart, every series.
	dom := chromiumtest.DumpDOM(ctx, t, browser, dir, file)
	checkDOM(t, p, dom)

	charts := chartWidgets(p)
	if charts < 6 {
		t.Fatalf("the run gives %d charts with data; the test dashboards have 9 chart widgets", charts)
	}
	colors := seriesColors(page)
	shot := chromiumtest.Screenshot(ctx, t, browser, dir, file, 1400, 2400)
	if err := chartsDrawn(shot, colors, charts); err != nil {
		t.Errorf("the preview: %v", err)
	}

	// Negative controls: the check fails without the data.
	stripped := writeFile(t, dir, "stripped.html", seriesGroup.ReplaceAllString(page, ""))
	if err := chartsDrawn(chromiumtest.Screenshot(ctx, t, browser, dir, stripped, 1400, 2400), colors, charts); err == nil {
		t.Error("the page with its series removed passes the check: the check proves nothing")
	} else {
		t.Logf("the page with its series removed fails, as it must: %v", err)
	}
	empty := emptyRun(t)
	_, emptyPage := renderRun(t, empty, testDashboards(t))
	emptyFile := writeFile(t, dir, "empty.html", emptyPage)
	if err := chartsDrawn(chromiumtest.Screenshot(ctx, t, browser, dir, emptyFile, 1400, 2400), colors, charts); err == nil {
		t.Error("the page of a run without data passes the check")
	}
	if emptyDOM := chromiumtest.DumpDOM(ctx, t, browser, dir, emptyFile); strings.Count(emptyDOM, "no data in this run") < charts {
		t.Error("the empty run's page does not say 'no data in this run' for every chart")
	}
}

// TestStackDashboardsInChromium does the same for the stack's own
// dashboards (dashboards/*.json) once they exist.
func TestStackDashboardsInChromium(t *testing.T) {
	var ds []Dashboard
	for _, f := range DefaultDashboards {
		d, err := ReadDashboard(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatalf("%v (the generated dashboards are committed: run make generate)", err)
		}
		ds = append(ds, d)
	}
	browser := chromiumtest.Find(t, "../../scripts")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	runDir := filepath.Join(t.TempDir(), "run")
	if _, err := local.Run(ctx, local.Config{Workflows: 3, Seed: 11, RunDir: runDir}); err != nil {
		t.Fatal(err)
	}
	p, page := renderRun(t, runDir, ds)
	dir := chromiumtest.Artefacts(t)
	file := writeFile(t, dir, "stack.html", page)
	checkDOM(t, p, chromiumtest.DumpDOM(ctx, t, browser, dir, file))
	if err := chartsDrawn(chromiumtest.Screenshot(ctx, t, browser, dir, file, 1400, pageHeight(p)), seriesColors(page), chartWidgets(p)); err != nil {
		t.Errorf("the stack's dashboards: %v", err)
	}
}

var (
	sectionTag  = regexp.MustCompile(`<section class="widget k-(\w+)" [^>]*data-widget="(\d+)"[^>]*data-points="(\d+)"`)
	seriesGroup = regexp.MustCompile(`<g class="series"[^>]*>.*?</g>`)
	seriesTag   = regexp.MustCompile(`<g class="series" data-series="[^"]*" data-points="(\d+)" data-color="(#[0-9a-f]{6})">`)
)

// checkDOM compares the page Chromium loaded with the model: each widget
// is there with its kind and number of points; each chart is an SVG with
// its series.
func checkDOM(t *testing.T, p *Page, dom string) {
	t.Helper()
	got := map[int][2]string{}
	for _, m := range sectionTag.FindAllStringSubmatch(dom, -1) {
		i, _ := strconv.Atoi(m[2])
		got[i] = [2]string{m[1], m[3]}
	}
	series := 0
	for _, s := range p.Sections {
		for _, w := range s.Widgets {
			want := [2]string{w.Kind(), strconv.Itoa(w.Points())}
			if got[w.Index] != want {
				t.Errorf("widget %d (%s): DOM has kind and points %v, want %v", w.Index, w.Title, got[w.Index], want)
			}
			for _, x := range w.Series {
				if len(x.Points) > 0 {
					series++
				}
			}
			if w.Kind() == "bar" {
				for _, v := range w.Values {
					if v.OK {
						series++
					}
				}
			}
		}
	}
	if n := len(seriesTag.FindAllString(dom, -1)); n < series {
		t.Errorf("the DOM has %d series, the model draws at least %d", n, series)
	}
	if n := strings.Count(dom, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`); n < chartWidgets(p) {
		t.Errorf("the DOM has %d charts, want at least %d", n, chartWidgets(p))
	}
}

// chartWidgets counts the widgets drawn in a plot frame: lines and bars.
func chartWidgets(p *Page) int {
	n := 0
	for _, s := range p.Sections {
		for _, w := range s.Widgets {
			if k := w.Kind(); k == "line" || k == "bar" {
				n++
			}
		}
	}
	return n
}

// seriesColors are the colours the page draws series in.
func seriesColors(page string) [][3]int {
	seen := map[string]bool{}
	var out [][3]int
	for _, m := range seriesTag.FindAllStringSubmatch(page, -1) {
		if seen[m[2]] {
			continue
		}
		seen[m[2]] = true
		v, _ := strconv.ParseUint(m[2][1:], 16, 32)
		out = append(out, [3]int{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)})
	}
	return out
}

// pageHeight estimates how tall the page is, to screenshot it whole.
func pageHeight(p *Page) int {
	h := 400
	for _, s := range p.Sections {
		h += 80 + s.Rows*rowPx
	}
	return h
}

// chartsDrawn finds the plot frames (2 px of frameColor) in a screenshot
// and checks that there are want of them and each holds at least a few
// pixels of a series colour. Annotations and grid lines are grey or
// translucent, so only drawn data passes.
func chartsDrawn(img image.Image, colors [][3]int, want int) error {
	frames := chromiumtest.FindFrames(img, frameColor)
	if len(frames) != want {
		return fmt.Errorf("%d plot frames in the screenshot, want %d: %v", len(frames), want, frames)
	}
	var empty []string
	for _, f := range frames {
		if n := chromiumtest.Colored(img, f, colors...); n < 10 {
			empty = append(empty, fmt.Sprintf("%v (%d series pixels)", f, n))
		}
	}
	if len(empty) > 0 {
		return fmt.Errorf("%d of %d plot frames hold no series: %s", len(empty), len(frames), strings.Join(empty, ", "))
	}
	return nil
}
