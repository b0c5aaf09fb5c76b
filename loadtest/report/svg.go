package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series colours: one per series on the page (d3's category10, whose
// greys are left out), drawn at full opacity. Everything else inside a
// plot (grid, axes, labels, "no data") is grey, so a screenshot tells a
// drawn series from an empty plot by colour alone.
const (
	colorP50         = "#1f77b4"
	colorP99         = "#ff7f0e"
	colorBuckets     = "#9467bd"
	colorStarts      = "#2ca02c"
	colorCompletions = "#17becf"
	colorFailures    = "#d62728"
	colorLag         = "#8c564b"
)

// Chart geometry and greys. frameColor outlines every plot (2 px, crisp)
// and nothing else uses it, so tools can find plots in a screenshot.
const (
	chartW     = 640
	chartH     = 240
	framePad   = 6 // between the frame and the data
	frameColor = "#c5c6c7"
	gridColor  = "#ececec"
	axisText   = "#555555"
)

// pt is a point in data units.
type pt struct{ x, y float64 }

// series is what a chart draws in one colour: lines through runs of
// points (a gap between runs is a period without data), or bars.
type series struct {
	id, label, color string
	bars             bool
	width            float64 // a bar's width, in x units; it is centred on its point
	runs             [][]pt
	titles           []string // bars: a tooltip each
}

func (s series) points() int {
	n := 0
	for _, r := range s.runs {
		n += len(r)
	}
	return n
}

// tick is an axis label at x (data units).
type tick struct {
	x     float64
	label string
}

// plot is one chart: its series over [0, xmax] × [0, a nice maximum].
type plot struct {
	id     string // data-chart
	title  string
	xmax   float64
	xTicks []tick
	yFmt   func(float64) string
	series []series
}

func (p plot) points() int {
	n := 0
	for _, s := range p.series {
		n += s.points()
	}
	return n
}

// area is where data is drawn, in pixels; the frame is framePad outside.
type area struct{ left, top, right, bottom, xmax, ymax float64 }

func (a area) x(v float64) float64 {
	if a.xmax <= 0 {
		return (a.left + a.right) / 2
	}
	return a.left + v/a.xmax*(a.right-a.left)
}

func (a area) y(v float64) float64 {
	return a.bottom - v/a.ymax*(a.bottom-a.top)
}

var esc = html.EscapeString

// svg draws the plot: frame, grid, axes, then the series; or the frame
// and "no data" when there is nothing to draw.
func (p plot) svg() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="%s" data-points="%d" data-series="%d" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		esc(p.id), p.points(), len(p.series), chartW, chartH, chartW, chartH, esc(p.title))
	a := area{left: 64 + framePad, top: 8 + framePad, right: chartW - 10 - framePad, bottom: chartH - 26 - framePad, xmax: p.xmax}
	fmt.Fprintf(&b, `<rect class="plot" x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="#ffffff" stroke="%s" stroke-width="2" shape-rendering="crispEdges"/>`,
		a.left-framePad, a.top-framePad, a.right-a.left+2*framePad, a.bottom-a.top+2*framePad, frameColor)
	if p.points() == 0 {
		fmt.Fprintf(&b, `<text class="nodata" x="%.1f" y="%.1f" text-anchor="middle" font-size="14" font-style="italic" fill="%s">no data</text></svg>`,
			(a.left+a.right)/2, (a.top+a.bottom)/2+5, axisText)
		return b.String()
	}
	ticks := niceTicks(p.ymax(), 5)
	a.ymax = ticks[len(ticks)-1]
	for _, v := range ticks {
		y := a.y(v)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, a.left, y, a.right, y, gridColor)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="11" fill="%s">%s</text>`, a.left-framePad-4, y+4, axisText, esc(p.yFmt(v)))
	}
	for _, t := range p.xTicks {
		x := a.x(t.x)
		if half := 3.3 * float64(utf8.RuneCountInString(t.label)); x-half < 0 || x+half > chartW {
			continue // it would not fit
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x, a.bottom+framePad+1, x, a.bottom+framePad+5, axisText)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="%s">%s</text>`, x, a.bottom+framePad+18, axisText, esc(t.label))
	}
	for _, s := range p.series {
		s.svg(&b, a)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func (p plot) ymax() float64 {
	m := 0.0
	for _, s := range p.series {
		for _, r := range s.runs {
			for _, q := range r {
				m = max(m, q.y)
			}
		}
	}
	return m
}

// svg draws the series in a group that says what it is, for tests and
// tools: <g class="series" data-series data-points data-color>.
func (s series) svg(b *strings.Builder, a area) {
	fmt.Fprintf(b, `<g class="series" data-series="%s" data-points="%d" data-color="%s">`, esc(s.id), s.points(), s.color)
	if s.bars {
		s.barsSVG(b, a)
	} else {
		s.linesSVG(b, a)
	}
	b.WriteString(`</g>`)
}

func (s series) barsSVG(b *strings.Builder, a area) {
	i := 0
	for _, r := range s.runs {
		for _, q := range r {
			x0, x1 := a.x(q.x-s.width/2), a.x(q.x+s.width/2)
			gap := min(1, (x1-x0)/4) // a hairline between bars, none when they are thin
			y := a.y(q.y)
			fmt.Fprintf(b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s">`, x0+gap/2, y, max(0.5, x1-x0-gap), a.bottom-y, s.color)
			if i < len(s.titles) {
				fmt.Fprintf(b, `<title>%s</title>`, esc(s.titles[i]))
			}
			b.WriteString(`</rect>`)
			i++
		}
	}
}

// linesSVG draws a line through each run, and a dot on a point that stands
// alone (a line needs two).
func (s series) linesSVG(b *strings.Builder, a area) {
	for _, r := range s.runs {
		if len(r) == 1 {
			fmt.Fprintf(b, `<circle cx="%.2f" cy="%.2f" r="3" fill="%s"/>`, a.x(r[0].x), a.y(r[0].y), s.color)
			continue
		}
		pts := make([]string, len(r))
		for i, q := range r {
			pts[i] = strconv.FormatFloat(a.x(q.x), 'f', 2, 64) + "," + strconv.FormatFloat(a.y(q.y), 'f', 2, 64)
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`,
			strings.Join(pts, " "), s.color)
	}
}

// niceTicks are 0 to at least hi in n or so round steps (1, 2, 2.5, 5 ×
// 10^k); [0, 1] when hi is 0.
func niceTicks(hi float64, n int) []float64 {
	if hi <= 0 || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return []float64{0, 1}
	}
	step := niceStep(hi / float64(n))
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		out = append(out, v)
		if v >= hi*(1-1e-9) {
			return out
		}
	}
}

func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if raw <= m*mag*(1+1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}
