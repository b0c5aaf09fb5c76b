package validate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// metricWidgetFields are a metric widget's properties: the page's, and
// setPeriodToTimeRange, singleValueFullPrecision and trend, which the
// CloudWatch console writes for single-value widgets though the page does
// not list them.
var metricWidgetFields = []string{"accountId", "annotations", "legend", "liveData", "metrics", "period", "region",
	"setPeriodToTimeRange", "singleValueFullPrecision", "sparkline", "stacked", "stat", "table", "timezone", "title",
	"trend", "view", "yAxis"}

var (
	regionRE   = regexp.MustCompile(`^(?:\$\{AWS::Region\}|[a-z]{2}(?:-[a-z]+)+-\d+)$`)
	accountRE  = regexp.MustCompile(`^(?:\$\{AWS::AccountId\}|\d{12})$`)
	colorRE    = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	timezoneRE = regexp.MustCompile(`^[+-](?:0\d|1[0-4])[0-5]\d$`)
)

// metricWidget checks a metric widget's properties.
func (c *checker) metricWidget(props *node, path string) {
	c.fields(props, path, "a metric widget", metricWidgetFields...)
	c.str(props, path, "title", false)
	c.pattern(props, path, "region", true, regionRE, "an AWS Region such as us-east-1, or ${AWS::Region}")
	c.pattern(props, path, "accountId", false, accountRE, "a 12-digit account id, or ${AWS::AccountId}")
	c.statAndPeriod(props, path)
	c.enum(props, path, "view", "timeSeries", "singleValue", "gauge", "bar", "pie", "table")
	c.boolean(props, path, "liveData", "sparkline", "stacked", "setPeriodToTimeRange", "singleValueFullPrecision", "trend")
	c.legend(props, path)
	c.pattern(props, path, "timezone", false, timezoneRE, "+ or - and four digits, such as +0130")
	c.yAxes(props, path)
	c.table(props, path)
	hasAlarm := c.annotations(props, path)
	ms, mp := child(props, path, "metrics")
	switch {
	case ms == nil && !hasAlarm:
		c.errorf(props, mp, "a metric widget needs metrics, or an alarm in annotations.alarms")
	case ms != nil && hasAlarm:
		c.errorf(ms, mp, "a widget with an alarm annotation cannot also have metrics")
	case ms != nil:
		c.metricRows(ms, mp)
	}
}

// pattern checks obj's string property key against re; what describes a
// valid value.
func (c *checker) pattern(obj *node, path, key string, required bool, re *regexp.Regexp, what string) {
	s, ok := c.str(obj, path, key, required)
	if ok && !re.MatchString(s) {
		n, p := child(obj, path, key)
		c.errorf(n, p, "%s %q is not %s", key, s, what)
	}
}

// statAndPeriod checks the stat and period of a widget or of a row.
func (c *checker) statAndPeriod(obj *node, path string) {
	if s, ok := c.str(obj, path, "stat", false); ok {
		if msg := checkStat(s); msg != "" {
			n, p := child(obj, path, "stat")
			c.errorf(n, p, "%s", msg)
		}
	}
	if v, _, ok := c.integer(obj, path, "period"); ok {
		if msg := checkPeriod(v); msg != "" {
			n, p := child(obj, path, "period")
			c.errorf(n, p, "%s", msg)
		}
	}
}

func (c *checker) legend(props *node, path string) {
	l, lp := child(props, path, "legend")
	if l == nil || !c.is(l, lp, kindObject, "legend") {
		return
	}
	c.fields(l, lp, "legend", "position")
	c.enum(l, lp, "position", "right", "bottom", "hidden")
}

// yAxes checks yAxis: left and right bounds, and a gauge's required range.
func (c *checker) yAxes(props *node, path string) {
	y, yp := child(props, path, "yAxis")
	if y != nil && c.is(y, yp, kindObject, "yAxis") {
		c.fields(y, yp, "yAxis", "left", "right")
		for _, side := range []string{"left", "right"} {
			c.axis(y, yp, side)
		}
	}
	view := props.get("view")
	left := y.get("left")
	if view != nil && view.str == "gauge" && (left.get("min") == nil || left.get("max") == nil) {
		c.errorf(props, yp, "a gauge needs yAxis.left.min and yAxis.left.max")
	}
}

func (c *checker) axis(y *node, path, side string) {
	a, ap := child(y, path, side)
	if a == nil || !c.is(a, ap, kindObject, "yAxis."+side) {
		return
	}
	c.fields(a, ap, "yAxis."+side, "label", "min", "max", "showUnits")
	c.str(a, ap, "label", false)
	c.boolean(a, ap, "showUnits")
	lo, hasLo := c.optionalNumber(a, ap, "min")
	hi, hasHi := c.optionalNumber(a, ap, "max")
	if hasLo && hasHi && lo >= hi {
		n, p := child(a, ap, "max")
		c.errorf(n, p, "max %g is not above min %g", hi, lo)
	}
}

func (c *checker) optionalNumber(obj *node, path, key string) (float64, bool) {
	n, p := child(obj, path, key)
	if n == nil {
		return 0, false
	}
	return c.number(n, p, key)
}

func (c *checker) table(props *node, path string) {
	t, tp := child(props, path, "table")
	if t == nil || !c.is(t, tp, kindObject, "table") {
		return
	}
	c.fields(t, tp, "table", "layout", "stickySummary", "showTimeSeriesData", "summaryColumns")
	c.enum(t, tp, "layout", "vertical", "horizontal")
	c.boolean(t, tp, "stickySummary", "showTimeSeriesData")
	cols, cp := child(t, tp, "summaryColumns")
	if cols == nil || !c.is(cols, cp, kindArray, "summaryColumns") {
		return
	}
	for i, col := range cols.items {
		p := fmt.Sprintf("%s/%d", cp, i)
		if c.is(col, p, kindString, "a summary column") && !contains([]string{"MIN", "MAX", "SUM", "AVG"}, col.str) {
			c.errorf(col, p, "summary column %q is not one of MIN, MAX, SUM, AVG", col.str)
		}
	}
}

// metricRef checks that the stack publishes namespace/name with exactly
// the dimension names dims: a metric is identified by its full dimension
// set, so a subset or superset is another metric, one nobody emits.
func (c *checker) metricRef(ns, name string, dims []string, row *node, path string) {
	names := append([]string(nil), dims...)
	sort.Strings(names)
	byName, ok := c.k.Metrics[ns]
	if !ok {
		c.errorf(row, path, "namespace %s is not one the stack publishes to%s (known: %s)",
			ns, didYouMean(ns, keys(c.k.Metrics)), strings.Join(keys(c.k.Metrics), ", "))
		return
	}
	sets, ok := byName[name]
	if !ok {
		c.errorf(row, path, "metric %s/%s is not in the catalogue%s", ns, name, didYouMean(name, keys(byName)))
		return
	}
	for _, s := range sets {
		if equalStrings(s, names) {
			return
		}
	}
	who := "the code emits"
	if strings.HasPrefix(ns, "AWS/") {
		who = "AWS publishes it with"
	}
	c.errorf(row, path, "%s/%s with dimensions %s: %s %s", ns, name, formatSet(names), who, formatSets(sets))
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func formatSet(s []string) string { return "[" + strings.Join(s, ",") + "]" }

// formatSets lists dimension sets, smallest first.
func formatSets(sets [][]string) string {
	out := make([]string, len(sets))
	for i, s := range sets {
		out[i] = formatSet(s)
	}
	sort.Slice(out, func(i, j int) bool {
		return len(out[i]) < len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j]
	})
	return strings.Join(out, ", ")
}
