package insights

import "regexp"

// expr is an expression node.
type expr interface{ text() string }

type (
	fieldRef struct{ name string }
	numLit   struct {
		v   float64
		src string
	}
	strLit   struct{ v string }
	regexLit struct {
		re  *regexp.Regexp
		src string
	}
	durLit struct {
		ms  int64
		src string
	}
	listLit struct{ items []expr }
	unary   struct {
		op string
		x  expr
	}
	binary struct {
		op   string
		l, r expr
	}
	call struct {
		name string
		args []expr
		src  string
	}
)

func (f fieldRef) text() string { return f.name }
func (n numLit) text() string   { return n.src }
func (s strLit) text() string   { return `"` + s.v + `"` }
func (r regexLit) text() string { return "/" + r.src + "/" }
func (d durLit) text() string   { return d.src }
func (l listLit) text() string {
	s := "["
	for i, it := range l.items {
		if i > 0 {
			s += ", "
		}
		s += it.text()
	}
	return s + "]"
}
func (u unary) text() string  { return u.op + " " + u.x.text() }
func (b binary) text() string { return b.l.text() + " " + b.op + " " + b.r.text() }
func (c call) text() string   { return c.src }

// projection is "expr [as name]".
type projection struct {
	x    expr
	name string // the alias, or the expression's text
}

// command is one stage of a query.
type command interface{ kind() string }

type (
	fieldsCmd  struct{ items []projection }
	displayCmd struct{ items []projection }
	filterCmd  struct{ cond expr }
	parseCmd   struct {
		src   expr
		glob  []string // literal parts around the *s
		names []string
		re    *regexp.Regexp
	}
	statsCmd struct {
		aggs   []projection // each x is a call of an aggregate
		groups []projection
	}
	sortCmd struct {
		keys []sortKey
	}
	limitCmd struct{ n int }
	dedupCmd struct{ fields []string }
)

type sortKey struct {
	x    expr
	desc bool
}

func (fieldsCmd) kind() string  { return "fields" }
func (displayCmd) kind() string { return "display" }
func (filterCmd) kind() string  { return "filter" }
func (parseCmd) kind() string   { return "parse" }
func (statsCmd) kind() string   { return "stats" }
func (sortCmd) kind() string    { return "sort" }
func (limitCmd) kind() string   { return "limit" }
func (dedupCmd) kind() string   { return "dedup" }
