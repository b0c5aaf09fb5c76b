package dashboards

import (
	"encoding/json"
	"fmt"
)

// Dashboard is a CloudWatch dashboard body: its JSON is what PutDashboard
// takes as DashboardBody.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
type Dashboard struct {
	Name           string     `json:"-"` // the dashboard's name suffix: Alchemiser-<stack>[-Name]
	Start          string     `json:"start,omitempty"`
	PeriodOverride string     `json:"periodOverride,omitempty"`
	Variables      []Variable `json:"variables,omitempty"`
	Widgets        []Widget   `json:"widgets"`
}

// Widget is one cell of the 24-column grid.
type Widget struct {
	Type       string `json:"type"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

// MetricProps are a metric widget's properties.
type MetricProps struct {
	Title                string       `json:"title,omitempty"`
	Region               string       `json:"region"`
	View                 string       `json:"view,omitempty"` // timeSeries, singleValue, bar, pie, gauge, table
	Stacked              bool         `json:"stacked,omitempty"`
	Stat                 string       `json:"stat,omitempty"`
	Period               int          `json:"period,omitempty"`
	SetPeriodToTimeRange bool         `json:"setPeriodToTimeRange,omitempty"`
	Metrics              []MetricRow  `json:"metrics,omitempty"`
	Annotations          *Annotations `json:"annotations,omitempty"`
	YAxis                *YAxes       `json:"yAxis,omitempty"`
}

// MetricRow is one line of a metric widget: a metric with its dimensions,
// or (Expression set) a metric-math expression. It marshals to the array
// form the body uses: [namespace, name, dim, value, ..., {options}].
type MetricRow struct {
	Namespace, Name string
	Dims            [][2]string // name, value: in this order
	Expression      string
	Options         RowOptions
}

// RowOptions are a row's rendering properties.
type RowOptions struct {
	Expression string `json:"expression,omitempty"`
	ID         string `json:"id,omitempty"`
	Label      string `json:"label,omitempty"`
	Stat       string `json:"stat,omitempty"`
	Period     int    `json:"period,omitempty"`
	Visible    *bool  `json:"visible,omitempty"`
	Color      string `json:"color,omitempty"`
	YAxis      string `json:"yAxis,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (r MetricRow) MarshalJSON() ([]byte, error) {
	opts := r.Options
	if r.Expression != "" {
		opts.Expression = r.Expression
		return json.Marshal([]any{opts})
	}
	if r.Namespace == "" || r.Name == "" {
		return nil, fmt.Errorf("metric row without namespace or name: %+v", r)
	}
	row := []any{r.Namespace, r.Name}
	for _, d := range r.Dims {
		row = append(row, d[0], d[1])
	}
	if opts != (RowOptions{}) {
		row = append(row, opts)
	}
	return json.Marshal(row)
}

// Annotations are horizontal lines (thresholds) or an alarm.
type Annotations struct {
	Horizontal []Annotation `json:"horizontal,omitempty"`
	Alarms     []string     `json:"alarms,omitempty"`
}

// Annotation is a horizontal line.
type Annotation struct {
	Label string  `json:"label,omitempty"`
	Value float64 `json:"value"`
	Color string  `json:"color,omitempty"`
}

// YAxes bound the axes.
type YAxes struct {
	Left *Axis `json:"left,omitempty"`
}

// Axis is one y axis.
type Axis struct {
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	Label     string   `json:"label,omitempty"`
	ShowUnits *bool    `json:"showUnits,omitempty"`
}

// LogProps are a log widget's properties: a Logs Insights query.
type LogProps struct {
	Title  string `json:"title,omitempty"`
	Region string `json:"region"`
	Query  string `json:"query"` // SOURCE 'group' | ... | the query
	View   string `json:"view,omitempty"`
}

// AlarmProps are an alarm status widget's properties.
type AlarmProps struct {
	Title  string   `json:"title,omitempty"`
	Alarms []string `json:"alarms"`
	SortBy string   `json:"sortBy,omitempty"` // default, stateUpdatedTimestamp, timestamp
}

// TextProps are a text widget's properties.
type TextProps struct {
	Markdown string `json:"markdown"`
}

// Variable is a dashboard variable: a value the reader picks that replaces
// a property (e.g. a dimension value) in every widget.
type Variable struct {
	Type         string          `json:"type"`               // property or pattern
	Property     string          `json:"property,omitempty"` // type property: e.g. FunctionName
	Pattern      string          `json:"pattern,omitempty"`  // type pattern: text replaced in the whole body
	InputType    string          `json:"inputType"`          // input, select or radio
	ID           string          `json:"id"`
	Label        string          `json:"label"`
	DefaultValue string          `json:"defaultValue"`
	Visible      bool            `json:"visible"`
	Values       []VariableValue `json:"values,omitempty"`
}

// VariableValue is one choice of a select or radio variable.
type VariableValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// grid places widgets left to right, row by row, on the 24 columns.
type grid struct {
	x, y, rowHeight int
	widgets         []Widget
}

const columns = 24

func (g *grid) add(typ string, width, height int, props any) {
	if g.x+width > columns {
		g.newRow()
	}
	g.widgets = append(g.widgets, Widget{Type: typ, X: g.x, Y: g.y, Width: width, Height: height, Properties: props})
	g.x += width
	g.rowHeight = max(g.rowHeight, height)
}

func (g *grid) newRow() {
	if g.x == 0 {
		return
	}
	g.x, g.y, g.rowHeight = 0, g.y+g.rowHeight, 0
}
