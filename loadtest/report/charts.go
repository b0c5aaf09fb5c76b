package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"time"

	"github.com/alchemiser/alchemiser/internal/svgchart"
	"github.com/alchemiser/alchemiser/loadtest"
)

// chart is a plot as the page shows it: title, legend, caption, SVG.
type chart struct {
	ID      string
	Title   string
	Caption string
	Legend  []series
	Points  int
	SVG     template.HTML // drawn here, every text escaped
}

func newChart(p plot, caption string) chart {
	return chart{ID: p.id, Title: p.title, Caption: caption, Legend: p.series, Points: p.points(), SVG: template.HTML(p.svg())}
}

// Swatch is a legend entry's colour, as CSS.
func (s series) Swatch() template.CSS { return template.CSS("background:" + s.color) }

// Label is a legend entry's text.
func (s series) Label() string { return s.label }

// charts are the page's plots, in page order.
func charts(r *loadtest.Result) []chart {
	tl := newTimeline(r.Timeline)
	return []chart{
		newChart(latencyPlot(tl), "Intended start to terminal event, of the workflows ending in each interval; intervals where none ended are gaps."),
		newChart(distributionPlot(r.Distribution), "Workflows by latency bucket; buckets are log-spaced, so the x axis is logarithmic."),
		newChart(throughputPlot(tl), "Workflows started and completed in each "+tl.interval()+"."),
		newChart(failuresPlot(tl), "Workflows that failed in each "+tl.interval()+"."),
		newChart(lagPlot(tl), "Intended start to the Start call, p99 of the arrivals starting in each interval: the generator's own delay."),
	}
}

// timeline places intervals on a time axis: x is seconds from the first
// interval's start, a point sits in the middle of its interval.
type timeline struct {
	iv   []loadtest.Interval
	step time.Duration
}

func newTimeline(iv []loadtest.Interval) timeline {
	t := timeline{iv: iv, step: time.Second}
	if len(iv) >= 2 && iv[1].At.After(iv[0].At) {
		t.step = iv[1].At.Sub(iv[0].At)
	}
	return t
}

// interval names the timeline's interval: "5s interval".
func (t timeline) interval() string {
	if len(t.iv) == 0 {
		return "interval"
	}
	return fmtElapsed(t.step) + " interval"
}

func (t timeline) x(i int) float64 {
	return (t.iv[i].At.Sub(t.iv[0].At) + t.step/2).Seconds()
}

func (t timeline) xmax() float64 {
	if len(t.iv) == 0 {
		return 0
	}
	return (t.iv[len(t.iv)-1].At.Sub(t.iv[0].At) + t.step).Seconds()
}

// runs are the points of value(i) for the intervals where has(i), split
// where it does not.
func (t timeline) runs(value func(loadtest.Interval) float64, has func(loadtest.Interval) bool) [][]pt {
	var out [][]pt
	var run []pt
	for i, iv := range t.iv {
		if !has(iv) {
			if len(run) > 0 {
				out = append(out, run)
			}
			run = nil
			continue
		}
		run = append(run, pt{t.x(i), value(iv)})
	}
	if len(run) > 0 {
		out = append(out, run)
	}
	return out
}

// ticks label the time axis with the time since the run's first interval,
// at the shortest round step giving at most 8 labels (a second at least:
// the intervals are whole seconds).
func (t timeline) ticks() []tick {
	span := time.Duration(t.xmax() * float64(time.Second))
	step := max(time.Second, svgchart.TimeStep(span, 8))
	var out []tick
	for d := time.Duration(0); d <= span; d += step {
		out = append(out, tick{d.Seconds(), fmtElapsed(d)})
	}
	return out
}

func ended(iv loadtest.Interval) bool   { return iv.Completions+iv.Failures > 0 }
func started(iv loadtest.Interval) bool { return iv.Starts > 0 }
func always(loadtest.Interval) bool     { return true }

func latencyPlot(t timeline) plot {
	return plot{id: "latency", title: "Latency percentiles over time", xmax: t.xmax(), xTicks: t.ticks(), yFmt: fmtMsAxis,
		series: []series{
			{id: "p50", label: "p50", color: colorP50, runs: t.runs(func(iv loadtest.Interval) float64 { return iv.LatencyP50 }, ended)},
			{id: "p99", label: "p99", color: colorP99, runs: t.runs(func(iv loadtest.Interval) float64 { return iv.LatencyP99 }, ended)},
		}}
}

func throughputPlot(t timeline) plot {
	return plot{id: "throughput", title: "Throughput: starts and completions per interval", xmax: t.xmax(), xTicks: t.ticks(), yFmt: fmtCountAxis,
		series: []series{
			{id: "starts", label: "started", color: colorStarts, runs: t.runs(func(iv loadtest.Interval) float64 { return float64(iv.Starts) }, always)},
			{id: "completions", label: "completed", color: colorCompletions, runs: t.runs(func(iv loadtest.Interval) float64 { return float64(iv.Completions) }, always)},
		}}
}

func failuresPlot(t timeline) plot {
	s := series{id: "failures", label: "failed", color: colorFailures, bars: true, width: t.step.Seconds(),
		runs: t.runs(func(iv loadtest.Interval) float64 { return float64(iv.Failures) }, always)}
	for _, iv := range t.iv {
		s.titles = append(s.titles, fmt.Sprintf("+%s: %d failed", fmtElapsed(iv.At.Sub(t.iv[0].At)), iv.Failures))
	}
	return plot{id: "errors", title: "Errors: failed workflows per interval", xmax: t.xmax(), xTicks: t.ticks(), yFmt: fmtCountAxis, series: []series{s}}
}

func lagPlot(t timeline) plot {
	return plot{id: "lag", title: "Generator schedule lag p99 over time", xmax: t.xmax(), xTicks: t.ticks(), yFmt: fmtMsAxis,
		series: []series{
			{id: "lag-p99", label: "schedule lag p99", color: colorLag, runs: t.runs(func(iv loadtest.Interval) float64 { return iv.LagP99 }, started)},
		}}
}

// distributionPlot draws one bar per bucket, all as wide: the buckets are
// log-spaced, so the x axis is logarithmic, labelled with the buckets'
// upper bounds (about ten of them).
func distributionPlot(buckets []loadtest.Bucket) plot {
	s := series{id: "buckets", label: "workflows", color: colorBuckets, bars: true, width: 1}
	var run []pt
	for i, bk := range buckets {
		run = append(run, pt{float64(i) + 0.5, float64(bk.Count)})
		s.titles = append(s.titles, fmt.Sprintf("≤ %s: %s workflows", fmtMsAxis(bk.UpperMs), fmtCount(bk.Count)))
	}
	if len(run) > 0 {
		s.runs = [][]pt{run}
	}
	every := max(1, (len(buckets)+9)/10)
	var ticks []tick
	for i := every - 1; i < len(buckets); i += every {
		ticks = append(ticks, tick{float64(i + 1), fmtMsAxis(buckets[i].UpperMs)})
	}
	return plot{id: "distribution", title: "Latency distribution", xmax: float64(len(buckets)), xTicks: ticks, yFmt: fmtCountAxis, series: []series{s}}
}

// fmtMsAxis labels a milliseconds axis with three significant digits at
// most: 250 ms, 1.5 s, 2 min.
func fmtMsAxis(ms float64) string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
	switch a := math.Abs(ms); {
	case math.IsInf(ms, 0) || math.IsNaN(ms):
		return "∞"
	case a == 0:
		return "0"
	case a < 1000:
		return g(ms) + " ms"
	case a < 60000:
		return g(ms/1000) + " s"
	}
	return g(ms/60000) + " min"
}

func fmtCountAxis(v float64) string {
	if v == math.Trunc(v) {
		return fmtCount(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
