package validate

import (
	"fmt"
	"math"
)

// The dashboard grid: 24 columns; widths 1 to 24 and heights 1 to 1000
// grid units, 6 by default.
const (
	gridColumns   = 24
	maxHeight     = 1000
	defaultExtent = 6
	noLimit       = math.MaxInt32 // y has no documented maximum
)

// widgetTypes are the types the Dashboard Body Structure page documents.
var widgetTypes = []string{"metric", "text", "log", "alarm", "explorer"}

// cell is where a widget with an explicit position sits on the grid.
type cell struct {
	index      int
	title      string
	off        int
	path       string
	x, y, w, h int
}

// widgetAt checks widget i; it returns the widget's cell when x and y
// place it.
func (c *checker) widgetAt(i int, w *node, parent string) (cell, bool) {
	path := fmt.Sprintf("%s/%d", parent, i)
	props := w.get("properties")
	c.widget, c.title = i, titleOf(props)
	defer func() { c.widget, c.title = -1, "" }()
	if !c.is(w, path, kindObject, "a widget") {
		return cell{}, false
	}
	c.fields(w, path, "a widget", "type", "x", "y", "width", "height", "properties")
	typ, _ := c.str(w, path, "type", true)
	if typ != "" && !contains(widgetTypes, typ) {
		n, p := child(w, path, "type")
		c.errorf(n, p, "type %q is not a widget type (metric, text, log, alarm, explorer)%s", typ, didYouMean(typ, widgetTypes))
	}
	cl, placed := c.geometry(w, path)
	c.properties(w, path, typ)
	cl.index, cl.title, cl.off, cl.path = i, c.title, w.off, path
	return cl, placed
}

func titleOf(props *node) string {
	if t := props.get("title"); t != nil && t.kind == kindString {
		return t.str
	}
	return ""
}

// geometry checks x, y, width and height; placed is true when x and y are
// both given and the widget fits the grid.
func (c *checker) geometry(w *node, path string) (cl cell, placed bool) {
	x, hasX, okX := c.integer(w, path, "x")
	y, hasY, okY := c.integer(w, path, "y")
	width, hasW, okW := c.integer(w, path, "width")
	height, hasH, okH := c.integer(w, path, "height")
	if !hasW {
		width, okW = defaultExtent, true
	}
	if !hasH {
		height, okH = defaultExtent, true
	}
	okX = okX && c.inRange(w, path, "x", x, 0, gridColumns-1)
	okY = okY && c.inRange(w, path, "y", y, 0, noLimit)
	okW = okW && (!hasW || c.inRange(w, path, "width", width, 1, gridColumns))
	okH = okH && (!hasH || c.inRange(w, path, "height", height, 1, maxHeight))
	if hasX != hasY {
		c.errorf(w, path, "x and y go together: give both or neither (the default is the next free position)")
	}
	if okX && okW && x+width > gridColumns {
		n, p := child(w, path, "width")
		if n == nil {
			n, p = w.get("x"), path+"/x"
		}
		c.errorf(n, p, "the widget is off the %d-column grid: x %d + width %d = %d", gridColumns, x, width, x+width)
		return cell{}, false
	}
	return cell{x: x, y: y, w: width, h: height}, okX && okY && okW && okH
}

// inRange reports whether v is within [lo, hi], recording a problem if not.
func (c *checker) inRange(obj *node, path, key string, v, lo, hi int) bool {
	if v >= lo && v <= hi {
		return true
	}
	n, p := child(obj, path, key)
	if hi == noLimit {
		c.errorf(n, p, "%s %d must be %d or more", key, v, lo)
	} else {
		c.errorf(n, p, "%s %d must be between %d and %d", key, v, lo, hi)
	}
	return false
}

// overlaps reports every pair of placed widgets that share a grid cell,
// at the later of the two.
func (c *checker) overlaps(cells []cell) {
	for j := range cells {
		for i := range j {
			c.overlap(cells[i], cells[j])
		}
	}
}

func (c *checker) overlap(a, b cell) {
	x0, x1 := max(a.x, b.x), min(a.x+a.w, b.x+b.w)
	y0, y1 := max(a.y, b.y), min(a.y+a.h, b.y+b.h)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	c.widget, c.title = b.index, b.title
	defer func() { c.widget, c.title = -1, "" }()
	other := fmt.Sprintf("widget %d", a.index)
	if a.title != "" {
		other += fmt.Sprintf(" (%q)", a.title)
	}
	c.at(b.off, b.path, "widgets %d and %d overlap: this widget and %s both cover columns %d-%d of rows %d-%d",
		a.index, b.index, other, x0, x1-1, y0, y1-1)
}

// properties checks a widget's properties by its type.
func (c *checker) properties(w *node, path, typ string) {
	props, pp := child(w, path, "properties")
	if props == nil {
		c.errorf(w, pp, "properties is required")
		return
	}
	if !c.is(props, pp, kindObject, "properties") {
		return
	}
	switch typ {
	case "metric":
		c.metricWidget(props, pp)
	case "text":
		c.fields(props, pp, "a text widget", "markdown", "background")
		c.str(props, pp, "markdown", true)
		c.enum(props, pp, "background", "solid", "transparent")
	case "log":
		c.logWidget(props, pp)
	case "alarm":
		c.alarmWidget(props, pp)
	case "explorer":
		c.explorerWidget(props, pp)
	}
}
