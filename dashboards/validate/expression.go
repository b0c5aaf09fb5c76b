package validate

import "strings"

// expressionRow checks [{"expression": ..., "id": ..., "label": ...}].
func (c *checker) expressionRow(row *node, path string, rs *rowSet) {
	if len(row.items) > 1 {
		c.errorf(row, path, "an expression row holds only its object: [{\"expression\": ..., \"id\": ...}]")
	}
	opts, op := row.items[0], path+"/0"
	c.rowOptions(opts, op, rs, expressionRowFields)
	text, ok := c.str(opts, op, "expression", true)
	if !ok {
		return
	}
	n, p := child(opts, op, "expression")
	switch {
	case strings.TrimSpace(text) == "":
		c.errorf(n, p, "the expression is empty")
	case isMetricsInsights(text):
		if rs.insights++; rs.insights > 1 {
			c.errorf(n, p, "a metrics array can hold only one Metrics Insights query")
		}
	default:
		id, _ := c.str(opts, op, "id", false)
		rs.exprs = append(rs.exprs, exprRow{id: id, text: text, path: p, n: n})
	}
}

// isMetricsInsights reports whether an expression is a Metrics Insights
// query (SELECT ...) rather than metric math or a search; its names are
// metric and dimension names, not ids.
func isMetricsInsights(expr string) bool {
	f := strings.Fields(expr)
	return len(f) > 0 && strings.EqualFold(f[0], "SELECT")
}

// expressionRefs checks that every id an expression uses is an id of the
// widget, and that no expression depends on itself.
func (c *checker) expressionRefs(rs *rowSet) {
	deps := map[string][]string{}
	for _, e := range rs.exprs {
		refs := mathIDs(e.text)
		for _, r := range refs {
			if rs.ids[r] == "" {
				c.errorf(e.n, e.path, "the expression uses %q, which is not an id of this widget%s (ids: %s)",
					r, didYouMean(r, keys(rs.ids)), idList(rs.ids))
			}
		}
		if e.id != "" {
			deps[e.id] = refs
		}
	}
	for _, e := range rs.exprs {
		if cycle := findCycle(e.id, deps); cycle != nil {
			c.errorf(e.n, e.path, "the expression depends on itself: %s", strings.Join(cycle, " -> "))
		}
	}
}

func idList(ids map[string]string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(keys(ids), ", ")
}

// findCycle returns a path from id back to itself through deps, or nil.
func findCycle(id string, deps map[string][]string) []string {
	if id == "" {
		return nil
	}
	seen := map[string]bool{}
	var walk func(at string, path []string) []string
	walk = func(at string, path []string) []string {
		for _, d := range deps[at] {
			if d == id {
				return append(path, d)
			}
			if !seen[d] {
				seen[d] = true
				if found := walk(d, append(path, d)); found != nil {
					return found
				}
			}
		}
		return nil
	}
	return walk(id, []string{id})
}

// mathIDs returns the ids a metric math or search expression uses: the
// identifiers that start with a lowercase letter (functions and keywords
// are uppercase: SUM, METRICS, FILL, REPEAT, AND), outside quoted strings
// and number literals. Each id appears once, in order.
func mathIDs(expr string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(expr); {
		ch := expr[i]
		switch {
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(expr[i+1:], ch)
			if end < 0 {
				return out
			}
			i += end + 2
		case isDigit(ch):
			i = skipNumber(expr, i)
		case isIdentStart(ch):
			j := i + 1
			for j < len(expr) && isIdentPart(expr[j]) {
				j++
			}
			if word := expr[i:j]; ch >= 'a' && ch <= 'z' && !seen[word] {
				seen[word] = true
				out = append(out, word)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// skipNumber returns the end of the number literal at i (1, 0.5, 1e-3).
func skipNumber(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

func isDigit(b byte) bool      { return b >= '0' && b <= '9' }
func isIdentStart(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func isIdentPart(b byte) bool  { return isIdentStart(b) || isDigit(b) }
