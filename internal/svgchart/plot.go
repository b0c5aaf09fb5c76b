package svgchart

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The kit's greys, and the frame's colour (see the package comment).
const (
	FrameColor = "#c5c6c7"
	GridColor  = "#ececec"
	AxisText   = "#555555"
)

// Pad is the space between the frame and the data, so no line or dot
// ever covers the frame.
const Pad = 6

// Area is where a plot draws data, in pixels; its frame is Pad outside.
type Area struct {
	Left, Top, Right, Bottom float64
}

// X is the scale putting [lo, hi] across the area.
func (a Area) X(lo, hi float64) Linear { return Linear{Lo: lo, Hi: hi, From: a.Left, To: a.Right} }

// Y is the scale putting [lo, hi] up the area.
func (a Area) Y(lo, hi float64) Linear { return Linear{Lo: lo, Hi: hi, From: a.Bottom, To: a.Top} }

// Frame writes the plot's frame: a white rectangle outlined in
// FrameColor, Pad outside the area.
func (a Area) Frame(b *strings.Builder) {
	fmt.Fprintf(b, `<rect class="plot" x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="#ffffff" stroke="%s" stroke-width="2" shape-rendering="crispEdges"/>`,
		a.Left-Pad, a.Top-Pad, a.Right-a.Left+2*Pad, a.Bottom-a.Top+2*Pad, FrameColor)
}

// Style is a page's axis text and tick geometry.
type Style struct {
	FontSize  int     // axis labels, px
	CharWidth float64 // an axis label's character, px: a label that would not fit the chart is left out
	YLabelDy  float64 // a value label's baseline below its grid line
	TickLen   float64 // a time tick's mark below the frame
	XLabelDy  float64 // a time label's baseline below the frame
}

// YAxis writes a grid line across the area and a label left of the
// frame for each tick.
func (st Style) YAxis(b *strings.Builder, a Area, y Linear, ticks []float64, label func(float64) string) {
	for _, v := range ticks {
		py := y.At(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, a.Left, py, a.Right, py, GridColor)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="%d" fill="%s">%s</text>`,
			a.Left-Pad-4, py+st.YLabelDy, st.FontSize, AxisText, html.EscapeString(label(v)))
	}
}

// XTick writes a tick mark below the frame at x and its label under it,
// unless the label would stick out of a chart width px wide.
func (st Style) XTick(b *strings.Builder, a Area, x float64, label string, width float64) {
	if half := st.CharWidth / 2 * float64(utf8.RuneCountInString(label)); x-half < 0 || x+half > width {
		return
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x, a.Bottom+Pad+1, x, a.Bottom+Pad+1+st.TickLen, AxisText)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="%d" fill="%s">%s</text>`,
		x, a.Bottom+Pad+st.XLabelDy, st.FontSize, AxisText, html.EscapeString(label))
}

// Point is a point in pixels.
type Point struct{ X, Y float64 }

// Points is a polyline's points attribute: "x,y x,y", prec decimals.
func Points(pts []Point, prec int) string {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(p.X, 'f', prec, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.Y, 'f', prec, 64))
	}
	return b.String()
}
