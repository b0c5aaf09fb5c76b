package render

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/queries/insights"
)

// logProps are a log widget's properties.
type logProps struct {
	Query string `json:"query"`
	View  string `json:"view"` // table (default), timeSeries, bar
}

// maxBars is how many rows a log bar chart draws.
const maxBars = 40

func (b *builder) log(w *Widget, raw json.RawMessage) {
	var lp logProps
	if err := json.Unmarshal(raw, &lp); err != nil {
		w.Notes = append(w.Notes, "properties do not parse: "+err.Error())
		return
	}
	w.View = lp.View
	if w.View == "" {
		w.View = "table"
	}
	groups, text, err := sourceGroups(lp.Query)
	if err != nil {
		w.Notes = append(w.Notes, err.Error())
		return
	}
	if len(groups) == 0 {
		w.Notes = append(w.Notes, "the query names no SOURCE: every log group is read")
	}
	if w.View != "table" {
		text = b.rebin(w, text)
	}
	q, err := insights.Parse(text)
	if err != nil {
		w.Notes = append(w.Notes, "the query does not parse: "+err.Error())
		return
	}
	res := q.Run(func(yield func(*insights.Event) bool) {
		for _, ev := range b.run.events {
			if insights.MatchGroup(ev.LogGroup, groups) && !yield(ev) {
				return
			}
		}
	}, insights.Options{})
	t := &Table{Query: strings.TrimSpace(text), Groups: groups, Columns: res.Columns, Rows: res.Rows, Scanned: res.Scanned}
	switch {
	case w.View == "timeSeries" && binColumn(res.Columns) >= 0:
		w.Series = logSeries(res)
		w.From, w.To = b.axis(w)
	case w.View == "bar":
		w.Values = logBars(w, res)
	default:
		if w.View != "table" {
			w.Notes = append(w.Notes, "the result has no bin() column: drawn as a table")
		}
		w.Table = t
	}
}

// sourceGroups are the log groups of a log widget's SOURCE clauses
// (none: every group) and the query after them.
func sourceGroups(q string) (groups []string, rest string, err error) {
	sources, rest, err := insights.SplitSources(q)
	for _, s := range sources {
		groups = append(groups, s.Group)
	}
	return groups, strings.TrimSpace(rest), err
}

var binCall = regexp.MustCompile(`(?i)\bbin\(\s*([0-9.]+)\s*([a-z]+)\s*\)`)

var binUnits = map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "sec": time.Second,
	"m": time.Minute, "min": time.Minute, "h": time.Hour, "hr": time.Hour, "d": 24 * time.Hour}

// rebin shortens a chart's bin() period by the period rule, so a run of
// seconds still draws several points.
func (b *builder) rebin(w *Widget, text string) string {
	m := binCall.FindStringSubmatch(text)
	if m == nil {
		return text
	}
	n, err := strconv.ParseFloat(m[1], 64)
	unit, ok := binUnits[strings.ToLower(m[2])]
	if err != nil || !ok || n <= 0 {
		return text
	}
	req := time.Duration(n * float64(unit))
	w.Period = Period{Requested: req, Used: choosePeriod(req, b.run.span(), b.cfg.MinPoints)}
	if !w.Period.Shortened() {
		return text
	}
	return binCall.ReplaceAllString(text, "bin("+fmtDuration(w.Period.Used)+")")
}

func binColumn(cols []string) int {
	return slices.IndexFunc(cols, func(c string) bool { return strings.HasPrefix(strings.ToLower(c), "bin(") })
}

// numericColumns reports which columns hold only numbers.
func numericColumns(res *insights.Result) []bool {
	out := make([]bool, len(res.Columns))
	for c := range res.Columns {
		seen := false
		out[c] = true
		for _, r := range res.Rows {
			if r[c] == "" {
				continue
			}
			seen = true
			if _, err := strconv.ParseFloat(r[c], 64); err != nil {
				out[c] = false
				break
			}
		}
		out[c] = out[c] && seen
	}
	return out
}

// logSeries draws a stats ... by bin(...) result: one series per numeric
// column and value of the other grouping columns.
func logSeries(res *insights.Result) []Series {
	bin := binColumn(res.Columns)
	num := numericColumns(res)
	index := map[string]int{}
	var out []Series
	for _, r := range res.Rows {
		at, err := time.Parse("2006-01-02 15:04:05.000", r[bin])
		if err != nil {
			continue
		}
		key := groupKey(res, r, num, bin)
		for c, isNum := range num {
			if !isNum || c == bin {
				continue
			}
			v, _ := strconv.ParseFloat(r[c], 64)
			name := strings.TrimSpace(key + " " + res.Columns[c])
			i, ok := index[name]
			if !ok {
				i = len(out)
				index[name] = i
				out = append(out, Series{ID: fmt.Sprintf("s%d", i+1), Label: name, Color: seriesColor("", i)})
			}
			out[i].Points = append(out[i].Points, Point{At: at.UTC(), Value: v})
			out[i].Samples++
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Points, func(a, b Point) int { return a.At.Compare(b.At) })
	}
	return out
}

// logBars draws each row's first numeric column, labelled by the others.
func logBars(w *Widget, res *insights.Result) []Value {
	num := numericColumns(res)
	first := slices.Index(num, true)
	if first < 0 {
		w.Notes = append(w.Notes, "the result has no numeric column to draw")
		return nil
	}
	var out []Value
	for i, r := range res.Rows {
		if i == maxBars {
			w.Notes = append(w.Notes, fmt.Sprintf("the first %d of %d rows are drawn", maxBars, len(res.Rows)))
			break
		}
		v, err := strconv.ParseFloat(r[first], 64)
		label := groupKey(res, r, num, -1)
		if label == "" {
			label = res.Columns[first]
		}
		out = append(out, Value{Label: label, Color: seriesColor("", i), Value: v, OK: err == nil, Samples: 1})
	}
	return out
}

func groupKey(res *insights.Result, r []string, num []bool, skip int) string {
	var parts []string
	for c := range res.Columns {
		if !num[c] && c != skip && r[c] != "" {
			parts = append(parts, r[c])
		}
	}
	return strings.Join(parts, " · ")
}
