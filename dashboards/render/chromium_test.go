package render

import (
	"context"
	"fmt"
	"image"
	"os"
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
	frames := findFrames(img)
	if len(frames) != want {
		return fmt.Errorf("%d plot frames in the screenshot, want %d: %v", len(frames), want, frames)
	}
	var empty []string
	for _, f := range frames {
		if n := colored(img, f, colors); n < 10 {
			empty = append(empty, fmt.Sprintf("%v (%d series pixels)", f, n))
		}
	}
	if len(empty) > 0 {
		return fmt.Errorf("%d of %d plot frames hold no series: %s", len(empty), len(frames), strings.Join(empty, ", "))
	}
	return nil
}

func rgb(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

func near(r, g, b int, c [3]int, tol int) bool {
	dr, dg, db := r-c[0], g-c[1], b-c[2]
	return dr*dr+dg*dg+db*db <= tol*tol
}

// findFrames returns the insides of the plot frames: horizontal runs of
// the frame colour at least 40 px long make bands; a band with another
// below it over the same columns, joined by frame-coloured sides, is a
// frame.
func findFrames(img image.Image) []image.Rectangle {
	fc := hexRGB(frameColor)
	type band struct{ x0, x1, top, bottom int }
	var bands []band
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; {
			r, g, b := rgb(img, x, y)
			if !near(r, g, b, fc, 10) {
				x++
				continue
			}
			x0 := x
			for x < bnd.Max.X {
				if r, g, b := rgb(img, x, y); !near(r, g, b, fc, 10) {
					break
				}
				x++
			}
			if x-x0 < 40 {
				continue
			}
			joined := false
			for i := range bands {
				bd := &bands[i]
				if abs(bd.x0-x0) <= 2 && abs(bd.x1-x) <= 2 && y-bd.bottom <= 1 {
					bd.bottom, joined = y, true
					break
				}
			}
			if !joined {
				bands = append(bands, band{x0, x, y, y})
			}
		}
	}
	var out []image.Rectangle
	used := make([]bool, len(bands))
	for i, top := range bands {
		if used[i] {
			continue
		}
		for j := i + 1; j < len(bands); j++ {
			bot := bands[j]
			if used[j] || abs(bot.x0-top.x0) > 2 || abs(bot.x1-top.x1) > 2 || bot.top-top.bottom < 10 {
				continue
			}
			if side(img, top.x0, top.bottom+1, bot.top-1, fc) {
				used[i], used[j] = true, true
				out = append(out, image.Rect(top.x0+3, top.bottom+2, top.x1-3, bot.top-1))
			}
			break
		}
	}
	return out
}

// side reports whether the column x (or its neighbour) is frame-coloured
// from y0 to y1.
func side(img image.Image, x, y0, y1 int, fc [3]int) bool {
	for _, cx := range []int{x, x + 1} {
		n := 0
		for y := y0; y <= y1; y++ {
			if r, g, b := rgb(img, cx, y); near(r, g, b, fc, 10) {
				n++
			}
		}
		if n >= (y1-y0+1)*9/10 {
			return true
		}
	}
	return false
}

func colored(img image.Image, r image.Rectangle, colors [][3]int) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb := rgb(img, x, y)
			for _, c := range colors {
				if near(cr, cg, cb, c, 24) {
					n++
					break
				}
			}
		}
	}
	return n
}

func hexRGB(s string) [3]int {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	return [3]int{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
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
