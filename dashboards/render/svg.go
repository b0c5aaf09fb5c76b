package render

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/internal/svgchart"
)

// Series colours: CloudWatch's default palette (d3's category10) less
// its grey, so no series is drawn in the greys of axes and text. Charts
// draw them at full opacity; everything else inside a plot (grid,
// annotations, their labels) is grey or translucent, so a screenshot can
// tell drawn data from an empty chart.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"}

// The kit's colours and padding. frameColor outlines every plot area
// that draws data (2 px, crisp), and nothing else uses it.
const (
	frameColor = svgchart.FrameColor
	gridColor  = svgchart.GridColor
	axisText   = svgchart.AxisText
	lineAlpha  = 0.55 // annotations' opacity
	framePad   = svgchart.Pad
)

// axes are the dashboard's axis text and ticks.
var axes = svgchart.Style{FontSize: 10, CharWidth: 6.2, YLabelDy: 3, TickLen: 3, XLabelDy: 15}

var hexColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// seriesColor is the row's colour when it is a plain hex colour, else the
// palette's i-th.
func seriesColor(given string, i int) string {
	if hexColor.MatchString(given) {
		return strings.ToLower(given)
	}
	return palette[i%len(palette)]
}

func annotationColor(given string) string {
	if hexColor.MatchString(given) {
		return strings.ToLower(given)
	}
	return "#d62728"
}

var esc = html.EscapeString

// plot maps values to pixels inside a frame: time across, values up.
type plot struct {
	svgchart.Area
	from, to time.Time
	lo, hi   float64
}

func (p plot) x(t time.Time) float64 {
	return p.X(0, float64(p.to.Sub(p.from))).At(float64(t.Sub(p.from)))
}

func (p plot) y(v float64) float64 { return p.Y(p.lo, p.hi).At(v) }

// timeChart draws a widget's series as lines over [from, to], with axes,
// ticks, horizontal annotations and a legend.
func timeChart(w *Widget, width, height int, from, to time.Time) string {
	var b strings.Builder
	legend, legendH := "", 0
	if !w.NoLegend {
		legend, legendH = legendSVG(w.Series, width, height)
	}
	p := plot{Area: svgchart.Area{Left: 52 + framePad, Top: 6 + framePad, Right: float64(width) - 10 - framePad,
		Bottom: float64(height-28-legendH) - framePad}, from: from, to: to}
	p.lo, p.hi = valueRange(w)
	ticks := svgchart.Ticks(p.lo, p.hi, max(2, int((p.Bottom-p.Top)/28)))
	p.lo, p.hi = min(p.lo, ticks[0]), max(p.hi, ticks[len(ticks)-1])
	svgOpen(&b, w, width, height)
	p.Frame(&b)
	if w.YLabel != "" {
		fmt.Fprintf(&b, `<text transform="translate(10,%.1f) rotate(-90)" text-anchor="middle" font-size="10" fill="%s">%s</text>`,
			(p.Top+p.Bottom)/2, axisText, esc(clip(w.YLabel, int((p.Bottom-p.Top)/6))))
	}
	axes.YAxis(&b, p.Area, p.Y(p.lo, p.hi), ticks, fmtValue)
	step := svgchart.TimeStep(to.Sub(from), max(2, int((p.Right-p.Left)/95)))
	for t := from.Truncate(step); !t.After(to); t = t.Add(step) {
		if !t.Before(from) {
			axes.XTick(&b, p.Area, p.x(t), fmtTick(t, step), float64(width))
		}
	}
	for _, l := range w.Lines {
		y := p.y(l.Value)
		fmt.Fprintf(&b, `<line class="annotation" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-opacity="%g" stroke-dasharray="6 4"/>`,
			p.Left, y, p.Right, y, esc(l.Color), lineAlpha)
		ty := y - 3
		if ty-10 < p.Top-framePad+2 { // keep the label off the frame
			ty = y + 11
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="10" fill="%s">%s</text>`, p.Right-4, ty, axisText, esc(l.Label+" "+fmtValue(l.Value)))
	}
	for _, s := range w.Series {
		seriesSVG(&b, p, s)
	}
	b.WriteString(legend)
	b.WriteString(`</svg>`)
	return b.String()
}

// svgOpen starts a chart: its size, and the widget's index and number
// of points for tests and tools.
func svgOpen(b *strings.Builder, w *Widget, width, height int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-widget="%d" data-points="%d" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		w.Index, w.Points(), width, height, width, height, esc(w.Title))
}

// seriesSVG draws a line through the points, and a dot on each when
// they are few enough to see (always for a lone point).
func seriesSVG(b *strings.Builder, p plot, s Series) {
	if len(s.Points) == 0 {
		return
	}
	pts := make([]svgchart.Point, len(s.Points))
	for i, pt := range s.Points {
		pts[i] = svgchart.Point{X: p.x(pt.At), Y: p.y(pt.Value)}
	}
	fmt.Fprintf(b, `<g class="series" data-series="%s" data-points="%d" data-color="%s">`, esc(s.ID), len(s.Points), esc(s.Color))
	if len(pts) > 1 {
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"/>`, svgchart.Points(pts, 1), esc(s.Color))
	}
	if len(pts) == 1 || float64(len(pts)) <= (p.Right-p.Left)/8 {
		for _, pt := range s.Points {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, p.x(pt.At), p.y(pt.Value), esc(s.Color))
		}
	}
	b.WriteString(`</g>`)
}

// legendSVG lays the labels out in rows under the plot, at most a third
// of the height (then "+N more"); it returns the legend and its height.
func legendSVG(series []Series, width, height int) (string, int) {
	if len(series) == 0 {
		return "", 0
	}
	type item struct {
		x            float64
		row          int
		label, color string
	}
	var items []item
	x, row, maxRows, more := 52.0, 0, max(1, height/3/15), 0
	for i, s := range series {
		label := clip(s.Label, 48)
		w := 36 + 6.2*float64(len([]rune(label)))
		if x+w > float64(width) && x > 52 {
			x, row = 52, row+1
		}
		if row == maxRows {
			more = len(series) - i
			break
		}
		items = append(items, item{x, row, label, s.Color})
		x += w
	}
	rows := items[len(items)-1].row + 1
	top := height - 15*rows
	var b strings.Builder
	b.WriteString(`<g class="legend">`)
	for _, it := range items {
		y := top + 15*it.row + 11
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="3"/><text x="%.1f" y="%d" font-size="11" fill="#222222">%s</text>`,
			it.x, y-4, it.x+16, y-4, esc(it.color), it.x+21, y, esc(it.label))
	}
	if more > 0 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="%s">+%d more</text>`, math.Min(x, float64(width)-60), top+15*(rows-1)+11, axisText, more)
	}
	b.WriteString(`</g>`)
	return b.String(), 15 * rows
}

// valueRange is the y range: the points, the annotations and zero (for
// values that are all positive or all negative), unless the widget
// bounds the axis.
func valueRange(w *Widget) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v float64) { lo, hi = math.Min(lo, v), math.Max(hi, v) }
	for _, s := range w.Series {
		for _, p := range s.Points {
			see(p.Value)
		}
	}
	for _, v := range w.Values {
		if v.OK {
			see(v.Value)
		}
	}
	for _, l := range w.Lines {
		see(l.Value)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if w.YMin != nil {
		lo = *w.YMin
	}
	if w.YMax != nil {
		hi = *w.YMax
	}
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// fmtTick prints a tick as precisely as its step needs, in UTC.
func fmtTick(t time.Time, step time.Duration) string {
	t = t.UTC()
	switch {
	case step < time.Second:
		return t.Format("15:04:05.000")
	case step < time.Minute:
		return t.Format("15:04:05")
	case step < 24*time.Hour:
		return t.Format("15:04")
	}
	return t.Format("01-02")
}

// fmtValue prints a value in at most four significant digits, with k, M
// and G from ten thousand on.
func fmtValue(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case a >= 1e9:
		return trimZeros(strconv.FormatFloat(v/1e9, 'f', 2, 64)) + "G"
	case a >= 1e6:
		return trimZeros(strconv.FormatFloat(v/1e6, 'f', 2, 64)) + "M"
	case a >= 1e4:
		return trimZeros(strconv.FormatFloat(v/1e3, 'f', 1, 64)) + "k"
	case v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 0.001:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'e', 2, 64)
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// barChart draws one horizontal bar per value, labels on the left and
// values right of the frame.
func barChart(w *Widget, width, height int) string {
	var b strings.Builder
	svgOpen(&b, w, width, height)
	labelW := math.Min(float64(width)*0.4, 200)
	a := svgchart.Area{Left: labelW + 8 + framePad, Top: 2 + framePad, Right: float64(width) - 50 - framePad, Bottom: float64(height) - 2 - framePad}
	lo, hi := valueRange(&Widget{Values: w.Values, YMin: w.YMin, YMax: w.YMax})
	a.Frame(&b)
	n := len(w.Values)
	rowH := (a.Bottom - a.Top) / float64(max(1, n))
	xOf := a.X(lo, hi).At
	for i, v := range w.Values {
		y := a.Top + rowH*float64(i)
		mid := y + rowH/2
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="11" fill="#222222">%s</text>`, labelW+2, mid+4, esc(clip(v.Label, int(labelW/6.2))))
		if !v.OK {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="%s">no data</text>`, a.Left+6, mid+4, axisText)
			continue
		}
		x0, x1 := xOf(math.Max(lo, 0)), xOf(v.Value)
		bh := math.Max(2, math.Min(rowH*0.7, 26))
		fmt.Fprintf(&b, `<g class="series" data-series="%d" data-points="1" data-color="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/></g>`,
			i+1, esc(v.Color), math.Min(x0, x1), mid-bh/2, math.Max(1, math.Abs(x1-x0)), bh, esc(v.Color))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="#222222">%s</text>`, a.Right+framePad+5, mid+4, esc(fmtValue(v.Value)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// gaugeChart draws each value as a half-circle gauge over the axis'
// bounds (0 to a round maximum when the widget gives none).
func gaugeChart(w *Widget, width, height int) string {
	var b strings.Builder
	svgOpen(&b, w, width, height)
	n := max(1, len(w.Values))
	cellW := float64(width) / float64(n)
	for i, v := range w.Values {
		lo, hi := 0.0, 100.0
		if v.OK {
			t := svgchart.Ticks(math.Min(0, v.Value), math.Max(v.Value, 1), 4)
			hi = t[len(t)-1]
		}
		if w.YMin != nil {
			lo = *w.YMin
		}
		if w.YMax != nil {
			hi = *w.YMax
		}
		r := math.Max(10, math.Min(cellW/2-12, float64(height)-40))
		cx, cy := cellW*float64(i)+cellW/2, float64(height)-24
		arc := func(frac float64) string {
			a := math.Pi * (1 - math.Max(0, math.Min(1, frac)))
			return fmt.Sprintf("M %.1f %.1f A %.1f %.1f 0 0 1 %.1f %.1f", cx-r, cy, r, r, cx+r*math.Cos(a), cy-r*math.Sin(a))
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="14"/>`, arc(1), gridColor)
		if v.OK && hi > lo {
			fmt.Fprintf(&b, `<g class="series" data-series="%d" data-points="1" data-color="%s"><path d="%s" fill="none" stroke="%s" stroke-width="14"/></g>`,
				i+1, esc(v.Color), arc((v.Value-lo)/(hi-lo)), esc(v.Color))
		}
		val := "no data"
		if v.OK {
			val = fmtValue(v.Value)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="18" fill="#222222">%s</text>`, cx, cy-4, esc(val))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="%s">%s</text>`, cx, cy+16, axisText, esc(clip(v.Label, int(cellW/6.2))))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if n < 2 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
