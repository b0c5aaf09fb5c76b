package validate

import (
	"regexp"
	"time"
)

// Limits from the Dashboard Body Structure page and the CloudWatch service
// quotas page (see doc.go).
const (
	maxWidgets         = 500  // "an array of between 0 and 500 widget objects"
	maxVariables       = 25   // "between 0 and 25 variable objects"
	maxRowsPerWidget   = 500  // "One metrics array can include 0–500 metrics and expressions"
	maxMetricsPerBoard = 2500 // quotas: "Up to 2500 metrics per dashboard, across all widgets"
)

// dashboard checks the top level: the fields, the time range, the
// variables and the widgets.
func (c *checker) dashboard(root *node) {
	if !c.is(root, "", kindObject, "the dashboard body") {
		return
	}
	c.fields(root, "", "the dashboard", "widgets", "variables", "start", "end", "periodOverride")
	c.timeRange(root)
	c.enum(root, "", "periodOverride", "auto", "inherit")
	c.variables(root)
	c.widgets(root)
}

// relativeStart is a start relative to now: -PT for minutes and hours, -P
// for days, weeks and months ("-PT5M", "-PT8H", "-P3M").
var relativeStart = regexp.MustCompile(`^-P(?:(?:\d+[DWMY])+(?:T(?:\d+[HMS])+)?|T(?:\d+[HMS])+)$`)

// timeRange checks start and end: end needs start, and both are then
// absolute ISO 8601 times with end after start.
func (c *checker) timeRange(root *node) {
	start, hasStart := c.str(root, "", "start", false)
	end, hasEnd := c.str(root, "", "end", false)
	startAt, startAbs := absoluteTime(start)
	if hasStart && !startAbs && !relativeStart.MatchString(start) {
		n, p := child(root, "", "start")
		c.errorf(n, p, "start %q is neither relative (-PT3H, -P7D) nor an ISO 8601 time (2018-12-17T06:00:00.000Z)", start)
	}
	if !hasEnd {
		return
	}
	n, p := child(root, "", "end")
	endAt, endAbs := absoluteTime(end)
	switch {
	case !endAbs:
		c.errorf(n, p, "end %q is not an ISO 8601 time (2018-12-17T06:00:00.000Z)", end)
	case !hasStart:
		c.errorf(n, p, "end needs a start")
	case !startAbs:
		c.errorf(n, p, "with an end, start must be an ISO 8601 time too, not %q", start)
	case !endAt.After(startAt):
		c.errorf(n, p, "end %s is not after start %s", end, start)
	}
}

func absoluteTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// widgets checks each widget, then the grid as a whole and the dashboard's
// metric quota.
func (c *checker) widgets(root *node) {
	ws, path := child(root, "", "widgets")
	if ws == nil {
		c.errorf(root, path, "widgets is required (it may be empty)")
		return
	}
	if !c.is(ws, path, kindArray, "widgets") {
		return
	}
	if len(ws.items) > maxWidgets {
		c.errorf(ws, path, "%d widgets: a dashboard has at most %d", len(ws.items), maxWidgets)
	}
	var cells []cell
	for i, w := range ws.items {
		if cl, ok := c.widgetAt(i, w, path); ok && i < maxWidgets {
			cells = append(cells, cl)
		}
	}
	c.overlaps(cells)
	if c.rows > maxMetricsPerBoard {
		c.errorf(ws, path, "the widgets graph %d metrics: a dashboard has at most %d (CloudWatch service quotas)", c.rows, maxMetricsPerBoard)
	}
}
