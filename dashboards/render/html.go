package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// The grid: CloudWatch's 24 columns, at a fixed size so the page looks
// the same everywhere (and screenshots are comparable).
const (
	colPx        = 56 // one grid column
	rowPx        = 38 // one grid row
	insetPx      = 10 // a widget's margin, border and padding, each side
	titlePx      = 20
	notePx       = 14 // one line of notes under a widget
	maxNoteLines = 3  // more scroll
	maxTableRows = 500
)

//go:embed page.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"ts":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") },
	"clock":  func(t time.Time) string { return t.UTC().Format("15:04:05") },
	"dur":    func(a, b time.Time) string { return b.Sub(a).String() },
	"period": fmtDuration,
	"value":  fmtValue,
	"swatch": func(c string) template.CSS { return template.CSS("background:" + seriesColor(c, 0)) },
	"state":  stateLabel,
	"head":   func(rows [][]string) [][]string { return rows[:min(len(rows), maxTableRows)] },
	"hidden": func(rows [][]string) int { return max(0, len(rows)-maxTableRows) },
	"colPx":  func() int { return colPx },
	"rowPx":  func() int { return rowPx },
}).Parse(pageTemplate))

// WriteHTML writes the page: one self-contained HTML document (inline
// CSS and SVG; no script, no external resource).
func (p *Page) WriteHTML(w io.Writer) error {
	if err := tmpl.Execute(w, p); err != nil {
		return fmt.Errorf("could not write the page: %w", err)
	}
	return nil
}

// Rule states the period rule on the page.
func (p *Page) Rule() string {
	return fmt.Sprintf("A chart uses its widget's period (%s when it gives none) when the run spans at least %d of them; "+
		"otherwise the longest of 1 ms, 2 ms, 5 ms, 10 ms … 30 min, 1 h that the run spans %d times (log charts shorten bin() alike). "+
		"Single values (singleValue, bar, gauge, table) aggregate the whole run when setPeriodToTimeRange is set or the period covers the run, "+
		"else the last period.", fmtDuration(DefaultPeriod), p.MinPoints, p.MinPoints)
}

// Style places the widget on the grid.
func (w *Widget) Style() template.CSS {
	return template.CSS(fmt.Sprintf("grid-column:%d / span %d;grid-row:%d / span %d", w.X+1, w.Width, w.Y+1, w.Height))
}

// Footer are the lines under the widget: its period, then its notes.
func (w *Widget) Footer() []string {
	var out []string
	if w.Period.Used > 0 && w.Kind() == "line" {
		out = append(out, w.Period.String())
	}
	return append(out, w.Notes...)
}

// size is the chart's size in pixels: the widget's cell less its inset,
// title and footer.
func (w *Widget) size() (int, int) {
	lines := min(len(w.Footer()), maxNoteLines)
	title := titlePx
	if w.Title == "" {
		title = 0
	}
	return w.Width*colPx - 2*insetPx, max(40, w.Height*rowPx-2*insetPx-title-lines*notePx)
}

// Kind is how the widget is drawn: line, bar, gauge, single, table,
// logtable, alarms, text, nodata or unsupported.
func (w *Widget) Kind() string {
	switch {
	case w.Type == "text":
		return "text"
	case w.Type == "alarm":
		return "alarms"
	case w.Type != "metric" && w.Type != "log":
		return "unsupported"
	case !w.HasData():
		return "nodata"
	case w.Table != nil:
		return "logtable"
	case len(w.Series) > 0:
		return "line"
	}
	switch w.View {
	case "bar", "pie":
		return "bar"
	case "gauge":
		return "gauge"
	case "table":
		return "table"
	}
	return "single"
}

// Chart is the widget's SVG (line, bar and gauge kinds).
func (w *Widget) Chart() template.HTML {
	width, height := w.size()
	switch w.Kind() {
	case "line":
		return template.HTML(timeChart(w, width, height, w.From, w.To)) // escaped in svg.go
	case "bar":
		return template.HTML(barChart(w, width, height))
	case "gauge":
		return template.HTML(gaugeChart(w, width, height))
	}
	return ""
}

// SeriesCount is how many series or values the widget draws.
func (w *Widget) SeriesCount() int { return len(w.Series) + len(w.Values) }

// History is the alarm's transitions, as "STATE at 15:04:05".
func (a AlarmState) History() string {
	var parts []string
	for _, t := range a.Transitions {
		parts = append(parts, fmt.Sprintf("%s at %s", t.State, t.At.UTC().Format("15:04:05")))
	}
	return strings.Join(parts, " → ")
}

func stateLabel(s cwalarm.State) string {
	if s == "" {
		return "NOT EVALUATED"
	}
	return string(s)
}
