package validate

import (
	"fmt"
	"regexp"
	"strings"
)

// maxDimensions is the dimensions a metric can have (CloudWatch service
// quotas: 30 per metric).
const maxDimensions = 30

// idRE is a metric or expression id: it "must start with a lowercase
// letter" (the Dashboard Body Structure page) and, as a GetMetricData
// MetricDataQuery Id, holds letters, digits and underscores.
var idRE = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]{0,254}$`)

var (
	metricRowFields     = []string{"accountId", "color", "id", "label", "period", "region", "stat", "visible", "yAxis"}
	expressionRowFields = []string{"accountId", "color", "expression", "id", "label", "period", "region", "visible", "yAxis"}
)

// rowSet is what the rows of one metrics array share: the previous
// metric (for the "." shorthand) and the ids.
type rowSet struct {
	prev     []string
	broken   bool              // the previous metric was wrong: rows repeating it are not checked
	ids      map[string]string // id -> path of its row
	exprs    []exprRow
	insights int
}

// exprRow is an expression to check once every id is known.
type exprRow struct {
	id, text, path string
	n              *node
}

// metricRows checks a metrics array, then its expressions' references.
func (c *checker) metricRows(ms *node, path string) {
	if !c.is(ms, path, kindArray, "metrics") {
		return
	}
	if len(ms.items) > maxRowsPerWidget {
		c.errorf(ms, path, "%d metrics and expressions: a widget has at most %d", len(ms.items), maxRowsPerWidget)
	}
	rs := &rowSet{ids: map[string]string{}}
	for i, row := range ms.items {
		c.metricRow(row, fmt.Sprintf("%s/%d", path, i), rs)
	}
	c.expressionRefs(rs)
}

// metricRow checks one row: [namespace, name, dim, value, ..., {options}]
// or [{"expression": ..., "id": ...}].
func (c *checker) metricRow(row *node, path string, rs *rowSet) {
	if !c.is(row, path, kindArray, "a metric row") {
		return
	}
	if len(row.items) == 0 {
		c.errorf(row, path, "a metric row is empty")
		return
	}
	if first := row.items[0]; first.kind == kindObject && first.get("expression") != nil {
		c.expressionRow(row, path, rs)
		return
	}
	c.rows++
	strs, opts := c.rowElements(row, path)
	if opts != nil {
		c.rowOptions(opts, fmt.Sprintf("%s/%d", path, len(row.items)-1), rs, metricRowFields)
	}
	if rs.broken && usesShorthand(strs) {
		return // the previous row's problem, already reported
	}
	resolved, ok := c.shorthand(strs, rs.prev, row, path)
	var dims []string
	if ok {
		dims, ok = c.rowShape(resolved, row, path)
	}
	rs.prev, rs.broken = resolved, !ok
	if ok {
		c.metricRef(resolved[0], resolved[1], dims, row, path)
	}
}

func usesShorthand(strs []string) bool {
	return contains(strs, ".") || len(strs) > 0 && strs[0] == "..."
}

// rowElements splits a metric row into its strings and its trailing
// options object.
func (c *checker) rowElements(row *node, path string) (strs []string, opts *node) {
	for j, it := range row.items {
		switch {
		case it.kind == kindString:
			strs = append(strs, it.str)
		case it.kind == kindObject && j == len(row.items)-1:
			opts = it
		case it.kind == kindObject && it.get("expression") != nil:
			c.errorf(it, fmt.Sprintf("%s/%d", path, j), "an expression has a row of its own: [{\"expression\": ..., \"id\": ...}]")
		default:
			c.errorf(it, fmt.Sprintf("%s/%d", path, j), "a metric row holds strings (namespace, metric name, dimension names and values) and, last, an options object; not %s", it.kind)
		}
	}
	return strs, opts
}

// shorthand resolves "." (the previous metric's string at this position)
// and a leading "..." (the previous metric's strings, with the last ones
// replaced by those that follow, as the console writes rows). "." is
// documented; "..." is what the console writes.
func (c *checker) shorthand(strs, prev []string, row *node, path string) ([]string, bool) {
	if len(strs) > 0 && strs[0] == "..." {
		rest := strs[1:]
		if len(prev) < len(rest) {
			c.errorf(row, path, "\"...\" repeats the previous metric, but %s", noPrevious(prev))
			return nil, false
		}
		strs = append(append([]string(nil), prev[:len(prev)-len(rest)]...), rest...)
	}
	out := make([]string, len(strs))
	for i, s := range strs {
		if s != "." {
			out[i] = s
			continue
		}
		if i >= len(prev) {
			c.errorf(row, path, "\".\" at position %d repeats the previous metric's string there, but %s", i, noPrevious(prev))
			return nil, false
		}
		out[i] = prev[i]
	}
	return out, true
}

func noPrevious(prev []string) string {
	if prev == nil {
		return "there is no previous metric"
	}
	return fmt.Sprintf("the previous metric has only %d strings", len(prev))
}

// rowShape checks a resolved row: a namespace, a name, and name/value
// pairs with distinct names; it returns the dimension names.
func (c *checker) rowShape(s []string, row *node, path string) ([]string, bool) {
	switch {
	case len(s) < 2:
		c.errorf(row, path, "a metric row needs a namespace and a metric name")
		return nil, false
	case s[0] == "" || s[1] == "":
		c.errorf(row, path, "the namespace and the metric name must not be empty")
		return nil, false
	case len(s)%2 != 0:
		c.errorf(row, path, "dimension %s has no value", s[len(s)-1])
		return nil, false
	case (len(s)-2)/2 > maxDimensions:
		c.errorf(row, path, "%d dimensions: a metric has at most %d", (len(s)-2)/2, maxDimensions)
		return nil, false
	}
	var dims []string
	for i := 2; i < len(s); i += 2 {
		if s[i] == "" || s[i+1] == "" || contains(dims, s[i]) {
			c.errorf(row, path, "dimension %q is empty, has an empty value, or is given twice", s[i])
			return nil, false
		}
		dims = append(dims, s[i])
	}
	return dims, true
}

// rowOptions checks a row's options object: its fields, id, stat, period
// and rendering properties.
func (c *checker) rowOptions(opts *node, path string, rs *rowSet, allowed []string) {
	if !c.is(opts, path, kindObject, "row options") {
		return
	}
	c.fields(opts, path, "a row's options", allowed...)
	c.statAndPeriod(opts, path)
	c.str(opts, path, "label", false)
	c.boolean(opts, path, "visible")
	c.enum(opts, path, "yAxis", "left", "right")
	c.pattern(opts, path, "color", false, colorRE, "an HTML colour such as #1f77b4")
	c.pattern(opts, path, "region", false, regionRE, "an AWS Region such as us-east-1, or ${AWS::Region}")
	c.pattern(opts, path, "accountId", false, accountRE, "a 12-digit account id, or ${AWS::AccountId}")
	id, ok := c.str(opts, path, "id", false)
	if !ok {
		return
	}
	n, p := child(opts, path, "id")
	switch {
	case !idRE.MatchString(id):
		c.errorf(n, p, "id %q must start with a lowercase letter and hold only letters, digits and _", id)
	case rs.ids[id] != "":
		c.errorf(n, p, "id %q is already the id of %s", id, rs.ids[id])
	default:
		rs.ids[id] = path[:strings.LastIndexByte(path, '/')] // the row
	}
}
