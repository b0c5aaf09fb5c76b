package render

import (
	"html/template"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Page is what WriteHTML draws: the run, and one section per dashboard.
type Page struct {
	Title        string
	RunDir       string
	Start, End   time.Time // first and last event or metric point of the run
	MetricPoints int       // metric values the run recorded
	LogEvents    int
	MinPoints    int       // the period rule's minimum number of periods
	AlarmsFrom   time.Time // first and last alarm evaluation; zero when none
	AlarmsTo     time.Time
	Notes        []string // what applies to the whole page
	Sections     []*Section
}

// Section is one dashboard.
type Section struct {
	Name    string
	Rows    int // grid rows the widgets span
	Notes   []string
	Widgets []*Widget
}

// Widget is one widget, computed from the run and ready to draw.
type Widget struct {
	Index               int    // 1-based across the page (data-widget)
	Type                string // metric, log, alarm, text, or what the body says
	View                string // metric: timeSeries, singleValue, bar, pie, gauge, table; log: table, timeSeries, bar
	X, Y, Width, Height int    // on the 24-column grid
	Title               string
	Period              Period        // metric widgets and log charts
	From, To            time.Time     // a time series' axis
	Series              []Series      // time series: the visible ones
	Values              []Value       // singleValue, bar, pie, gauge, table
	Table               *Table        // log table
	Alarms              []AlarmState  // alarm widget, or a metric widget's alarm annotations
	Lines               []Line        // horizontal annotations
	YMin, YMax          *float64      // the left axis' bounds when the widget sets them
	YLabel              string        // the left axis' label
	NoLegend            bool          // legend.position hidden
	Text                template.HTML // text widget
	Notes               []string      // what the preview could not do, said on the widget
}

// Points is how many data points the widget draws.
func (w *Widget) Points() int {
	n := 0
	for _, s := range w.Series {
		n += len(s.Points)
	}
	for _, v := range w.Values {
		if v.OK {
			n++
		}
	}
	if w.Table != nil {
		n += len(w.Table.Rows)
	}
	return n
}

// HasData reports whether there is something to draw: text and alarm
// widgets always have; the others when they have a point or a row.
func (w *Widget) HasData() bool {
	switch w.Type {
	case "text", "alarm":
		return true
	}
	return w.Points() > 0
}

// Series is one line of a chart.
type Series struct {
	ID, Label, Color string
	Points           []Point
	Samples          int // metric values the points aggregate
}

// Point is one period's value (At is the period's start).
type Point struct {
	At    time.Time
	Value float64
}

// Value is one metric's single value (singleValue, bar, gauge, table).
type Value struct {
	Label, Color string
	Value        float64
	OK           bool // false: no data
	Samples      int
}

// Line is a horizontal annotation.
type Line struct {
	Label, Color string
	Value        float64
}

// Table is a log widget's query result.
type Table struct {
	Query   string   // the query run, SOURCE clauses removed
	Groups  []string // the log groups read
	Columns []string
	Rows    [][]string
	Scanned int // events read
}

// AlarmState is one alarm's state over the run.
type AlarmState struct {
	Name        string        // as the widget names it (stack prefix included)
	State       cwalarm.State // at the last evaluation; "" when not evaluated
	Transitions []cwalarm.Sample
	Note        string // why it was not evaluated
}

// Fired reports whether the alarm was in ALARM at some evaluation.
func (a AlarmState) Fired() bool {
	for _, t := range a.Transitions {
		if t.State == cwalarm.Alarm {
			return true
		}
	}
	return false
}
