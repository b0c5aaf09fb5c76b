package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/alchemiser/alchemiser/internal/svgchart"
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

// Chart geometry, and the kit's colours. frameColor outlines every plot
// (2 px, crisp) and nothing else uses it, so tools can find plots in a
// screenshot.
const (
	chartW     = 640
	chartH     = 240
	framePad   = svgchart.Pad
	frameColor = svgchart.FrameColor
	axisText   = svgchart.AxisText
)

// axes are the report's axis text and ticks.
var axes = svgchart.Style{FontSize: 11, CharWidth: 6.6, YLabelDy: 4, TickLen: 4, XLabelDy: 18}

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

// area is where data is drawn, with its scales: x over [0, xmax], y over
// [0, ymax]; the frame is framePad outside.
type area struct {
	svgchart.Area
	x, y func(float64) float64
}

func newArea(a svgchart.Area, xmax, ymax float64) area {
	return area{Area: a, x: a.X(0, xmax).At, y: a.Y(0, ymax).At}
}

var esc = html.EscapeString

// svg draws the plot: frame, grid, axes, then the series; or the frame
// and "no data" when there is nothing to draw.
func (p plot) svg() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="%s" data-points="%d" data-series="%d" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		esc(p.id), p.points(), len(p.series), chartW, chartH, chartW, chartH, esc(p.title))
	frame := svgchart.Area{Left: 64 + framePad, Top: 8 + framePad, Right: chartW - 10 - framePad, Bottom: chartH - 26 - framePad}
	frame.Frame(&b)
	if p.points() == 0 {
		fmt.Fprintf(&b, `<text class="nodata" x="%.1f" y="%.1f" text-anchor="middle" font-size="14" font-style="italic" fill="%s">no data</text></svg>`,
			(frame.Left+frame.Right)/2, (frame.Top+frame.Bottom)/2+5, axisText)
		return b.String()
	}
	ticks := niceTicks(p.ymax(), 5)
	a := newArea(frame, p.xmax, ticks[len(ticks)-1])
	axes.YAxis(&b, frame, frame.Y(0, ticks[len(ticks)-1]), ticks, p.yFmt)
	for _, t := range p.xTicks {
		axes.XTick(&b, frame, a.x(t.x), t.label, chartW)
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
			fmt.Fprintf(b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s">`, x0+gap/2, y, max(0.5, x1-x0-gap), a.Bottom-y, s.color)
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
		pts := make([]svgchart.Point, len(r))
		for i, q := range r {
			pts[i] = svgchart.Point{X: a.x(q.x), Y: a.y(q.y)}
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`,
			svgchart.Points(pts, 2), s.color)
	}
}

// niceTicks are 0 to at least hi in n or so round steps (svgchart.Ticks);
// [0, 1] when hi is 0.
func niceTicks(hi float64, n int) []float64 {
	if hi <= 0 || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return []float64{0, 1}
	}
	return svgchart.Ticks(0, hi, n)
}
