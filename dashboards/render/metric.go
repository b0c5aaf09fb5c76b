package render

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// metricProps are a metric widget's properties.
type metricProps struct {
	View                 string            `json:"view"`
	Stacked              bool              `json:"stacked"`
	Stat                 string            `json:"stat"`
	Period               int               `json:"period"`
	SetPeriodToTimeRange bool              `json:"setPeriodToTimeRange"`
	Metrics              []json.RawMessage `json:"metrics"`
	Annotations          struct {
		Horizontal []json.RawMessage `json:"horizontal"`
		Vertical   []json.RawMessage `json:"vertical"`
		Alarms     []string          `json:"alarms"`
	} `json:"annotations"`
	YAxis struct {
		Left  *axis `json:"left"`
		Right *axis `json:"right"`
	} `json:"yAxis"`
	Legend struct {
		Position string `json:"position"` // bottom, right, hidden
	} `json:"legend"`
}

type axis struct {
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
	Label string   `json:"label"`
}

// defaultStat is a metric widget's statistic when neither the widget nor
// the row gives one (CloudWatch's).
const defaultStat = "Average"

// rowData is one row's values: by period for charts, and one value over
// the single-value window.
type rowData struct {
	buckets map[time.Time]float64
	single  float64
	hasOne  bool
	samples int
	err     string // why the row has no values
}

// window is the time range single values aggregate.
type window struct{ from, to time.Time }

func (w window) holds(t time.Time) bool { return !t.Before(w.from) && !t.After(w.to) }

func (b *builder) metric(w *Widget, raw json.RawMessage, props map[string]string) {
	var mp metricProps
	if err := json.Unmarshal(raw, &mp); err != nil {
		w.Notes = append(w.Notes, "properties do not parse: "+err.Error())
		return
	}
	w.View = mp.View
	if w.View == "" {
		w.View = "timeSeries"
	}
	rows, err := parseRows(mp.Metrics, props)
	if err != nil {
		w.Notes = append(w.Notes, err.Error())
		return
	}
	w.Alarms = b.alarmStates(mp.Annotations.Alarms)
	if len(rows) == 0 {
		rows, w.Lines = b.alarmMetric(w, mp.Annotations.Alarms)
	}
	requested := time.Duration(mp.Period) * time.Second
	if requested <= 0 {
		requested = DefaultPeriod
	}
	w.Period = Period{Requested: requested, Used: choosePeriod(requested, b.run.span(), b.cfg.MinPoints)}
	single := window{from: b.run.start, to: b.run.end}
	if !mp.SetPeriodToTimeRange && requested < b.run.span() {
		single.from = b.run.end.Truncate(requested)
	}
	data := b.rowsData(w, rows, mp.Stat, single)
	rows = b.fallBackToMetrics(w, rows, data)
	b.draw(w, rows, data)
	w.From, w.To = b.axis(w)
	w.Lines = append(w.Lines, horizontalLines(mp.Annotations.Horizontal)...)
	if mp.YAxis.Left != nil {
		w.YMin, w.YMax, w.YLabel = mp.YAxis.Left.Min, mp.YAxis.Left.Max, mp.YAxis.Left.Label
	}
	w.NoLegend = mp.Legend.Position == "hidden"
	w.Notes = append(w.Notes, metricNotes(mp, rows, single, b.run)...)
}

// rowsData computes every row, metrics first, then the expressions in
// dependency order.
func (b *builder) rowsData(w *Widget, rows []row, widgetStat string, single window) map[string]*rowData {
	data := map[string]*rowData{}
	byID := map[string]row{}
	for _, r := range rows {
		byID[r.ID] = r
		if r.Expression != "" {
			continue
		}
		stat := firstOf(r.Stat, widgetStat, defaultStat)
		period := w.Period.Used
		if r.Period > 0 && time.Duration(r.Period)*time.Second != w.Period.Requested {
			period = choosePeriod(time.Duration(r.Period)*time.Second, b.run.span(), b.cfg.MinPoints)
		}
		pts := cwalarm.Points(b.run.metrics, cwalarm.Metric{Namespace: r.Namespace, Name: r.Name, Dims: r.dims()})
		data[r.ID] = metricData(pts, stat, period, single)
	}
	for _, r := range rows {
		if r.Expression != "" {
			b.expression(r.ID, byID, data, w.Period.Used)
		}
	}
	return data
}

// metricData aggregates a metric's points by period and over the
// single-value window.
func metricData(pts []cwalarm.Point, stat string, period time.Duration, single window) *rowData {
	d := &rowData{buckets: map[time.Time]float64{}, samples: len(pts)}
	f, err := statFunc(stat)
	if err != nil {
		d.err = err.Error()
		return d
	}
	byPeriod := map[time.Time][]float64{}
	var inWindow []float64
	for _, p := range pts {
		k := p.At.Truncate(period)
		byPeriod[k] = append(byPeriod[k], p.Value)
		if single.holds(p.At) {
			inWindow = append(inWindow, p.Value)
		}
	}
	for k, vs := range byPeriod {
		d.buckets[k] = f(vs)
	}
	if len(inWindow) > 0 {
		d.single, d.hasOne = f(inWindow), true
	}
	return d
}

// expression evaluates an expression row period by period with the
// alarms' metric-math (same missing-point rules), after what it reads.
func (b *builder) expression(id string, rows map[string]row, data map[string]*rowData, period time.Duration) *rowData {
	if d, ok := data[id]; ok {
		return d
	}
	// Until its references are resolved, reading it again is a cycle.
	d := &rowData{buckets: map[time.Time]float64{}, err: "not evaluated: its references form a cycle"}
	data[id] = d
	r, ok := rows[id]
	if !ok {
		d.err = fmt.Sprintf("not evaluated: no metric or expression has id %q", id)
		return d
	}
	x, err := cwalarm.ParseExpression(r.Expression)
	if err != nil {
		d.err = "not evaluated locally: " + err.Error()
		return d
	}
	refs := map[string]*rowData{}
	for _, ref := range x.Refs() {
		rd := b.expression(ref, rows, data, period)
		if rd.err != "" {
			d.err = fmt.Sprintf("not evaluated: it reads %s, which has no values (%s)", ref, rd.err)
			return d
		}
		refs[ref] = rd
	}
	d.err = ""
	for _, k := range b.periodsOf(refs, period) {
		vals := map[string]float64{}
		for ref, rd := range refs {
			if v, ok := rd.buckets[k]; ok {
				vals[ref] = v
			}
		}
		if v, ok := x.Eval(vals); ok {
			d.buckets[k] = v
		}
	}
	vals := map[string]float64{}
	for ref, rd := range refs {
		if rd.hasOne {
			vals[ref] = rd.single
		}
		d.samples += rd.samples
	}
	d.single, d.hasOne = x.Eval(vals)
	return d
}

// periodsOf are the periods the refs have values in, or, for an
// expression of constants, every period of the run.
func (b *builder) periodsOf(refs map[string]*rowData, period time.Duration) []time.Time {
	seen := map[time.Time]bool{}
	var out []time.Time
	for _, rd := range refs {
		for k := range rd.buckets {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	if len(refs) == 0 && !b.run.start.IsZero() {
		for t := b.run.start.Truncate(period); !t.After(b.run.end); t = t.Add(period) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// fallBackToMetrics shows the hidden metrics when a visible expression
// could not be evaluated, so the raw data is still on the page.
func (b *builder) fallBackToMetrics(w *Widget, rows []row, data map[string]*rowData) []row {
	failed := false
	for _, r := range rows {
		if r.Expression != "" && r.visible() && data[r.ID].err != "" {
			failed = true
			w.Notes = append(w.Notes, fmt.Sprintf("expression %s (%s) is %s", r.ID, r.Expression, data[r.ID].err))
		}
	}
	if !failed {
		return rows
	}
	shown := true
	out := slices.Clone(rows)
	for i := range out {
		if out[i].Expression == "" && !out[i].visible() {
			out[i].Visible = &shown
		}
	}
	w.Notes = append(w.Notes, "the raw metrics are shown instead")
	return out
}

// draw turns the visible rows into series or values.
func (b *builder) draw(w *Widget, rows []row, data map[string]*rowData) {
	n := 0
	for _, r := range rows {
		if !r.visible() {
			continue
		}
		d := data[r.ID]
		color := seriesColor(r.Color, n)
		n++
		if d.err != "" && r.Expression == "" {
			w.Notes = append(w.Notes, fmt.Sprintf("%s: %s", r.defaultLabel(), d.err))
		}
		if w.View == "timeSeries" {
			s := Series{ID: r.ID, Color: color, Samples: d.samples, Points: sortedPoints(d.buckets)}
			s.Label = dynamicLabel(r, s.Points)
			w.Series = append(w.Series, s)
			continue
		}
		v := Value{Label: dynamicLabel(r, nil), Color: color, Value: d.single, OK: d.hasOne, Samples: d.samples}
		w.Values = append(w.Values, v)
	}
}

// axis is a time series' time range: the run, from the start of its
// first period, widened to the points drawn; a run of one instant gets
// a period on either side.
func (b *builder) axis(w *Widget) (time.Time, time.Time) {
	p := max(w.Period.Used, time.Millisecond)
	from, to := b.run.start.Truncate(p), b.run.end
	for _, s := range w.Series {
		for _, pt := range s.Points {
			if pt.At.Before(from) {
				from = pt.At
			}
			if pt.At.After(to) {
				to = pt.At
			}
		}
	}
	if !to.After(from) {
		from, to = from.Add(-p), to.Add(p)
	}
	return from, to
}

func sortedPoints(buckets map[time.Time]float64) []Point {
	out := make([]Point, 0, len(buckets))
	for k, v := range buckets {
		out = append(out, Point{At: k, Value: v})
	}
	slices.SortFunc(out, func(a, b Point) int { return a.At.Compare(b.At) })
	return out
}

// dynamicLabel fills the label's dynamic values from the points drawn.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/graph-dynamic-labels.html
func dynamicLabel(r row, pts []Point) string {
	label := r.defaultLabel()
	if !strings.Contains(label, "${") {
		return label
	}
	vals := make([]float64, len(pts))
	for i, p := range pts {
		vals[i] = p.Value
	}
	stat := func(name string) string {
		v, ok, _ := aggregate(name, vals)
		if !ok {
			return "–"
		}
		return fmtValue(v)
	}
	last, first := "–", "–"
	if len(vals) > 0 {
		first, last = fmtValue(vals[0]), fmtValue(vals[len(vals)-1])
	}
	return strings.NewReplacer("${SUM}", stat("Sum"), "${AVG}", stat("Average"), "${MIN}", stat("Minimum"),
		"${MAX}", stat("Maximum"), "${FIRST}", first, "${LAST}", last,
		"${DATAPOINT_COUNT}", fmt.Sprint(len(vals)), "${LABEL}", r.Name,
		"${PROP('MetricName')}", r.Name, "${PROP('Namespace')}", r.Namespace).Replace(label)
}

// horizontalLines reads horizontal annotations: a line, or a band of two.
func horizontalLines(raw []json.RawMessage) []Line {
	type ann struct {
		Value   *float64 `json:"value"`
		Label   string   `json:"label"`
		Color   string   `json:"color"`
		Visible *bool    `json:"visible"`
	}
	var out []Line
	add := func(a ann) {
		if a.Value != nil && (a.Visible == nil || *a.Visible) {
			out = append(out, Line{Label: a.Label, Color: annotationColor(a.Color), Value: *a.Value})
		}
	}
	for _, r := range raw {
		var a ann
		if json.Unmarshal(r, &a) == nil {
			add(a)
			continue
		}
		var band []ann
		if json.Unmarshal(r, &band) == nil {
			for _, a := range band {
				add(a)
			}
		}
	}
	return out
}

// metricNotes say what the preview drew differently from CloudWatch.
func metricNotes(mp metricProps, rows []row, single window, r *run) []string {
	var out []string
	if mp.View != "" && mp.View != "timeSeries" {
		if single.from.Equal(r.start) {
			out = append(out, "values over the whole run")
		} else {
			out = append(out, "values of the last period")
		}
	}
	if mp.View == "pie" {
		out = append(out, "a pie is drawn as bars")
	}
	if mp.Stacked {
		out = append(out, "stacked series are drawn as lines")
	}
	if len(mp.Annotations.Vertical) > 0 {
		out = append(out, "vertical annotations are not drawn")
	}
	for _, x := range rows {
		if x.YAxis == "right" && x.visible() {
			out = append(out, "right-axis series share the left axis")
			break
		}
	}
	return out
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
