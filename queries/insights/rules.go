package insights

import (
	"fmt"
	"slices"
	"strings"
)

// The rules between commands, from "CloudWatch Logs Insights language
// query syntax" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html)
// and its stats page (CWL_QuerySyntax-Stats.html, "Use multiple stats
// commands in a single query"):
//
//   - a query has at most two stats commands, and the second can use only
//     the fields the first defines;
//   - only limit can follow dedup;
//   - after a stats, the records are its rows: a later command (fields,
//     display, filter, sort, dedup, the second stats) can read only the
//     fields that stats defines (its groups and aggregates, by alias or
//     by expression text) and those a later fields, display or parse
//     adds. The guide is silent on reading another field there; CloudWatch
//     would find it absent in every row, so that a filter keeps nothing
//     and a sort does nothing, silently: the engine refuses it instead,
//     naming the field and the ones that exist.
func validate(q *Query) error {
	stats := 0
	var avail []string // the fields after the last stats; nil before any
	for i, c := range q.cmds {
		if avail != nil {
			if name, ok := unknownField(c, avail); ok {
				if _, second := c.(statsCmd); second {
					return &SyntaxError{1, 1, fmt.Sprintf("the second stats can use only fields the first defines; %q is not one (%s)", name, strings.Join(avail, ", "))}
				}
				return &SyntaxError{1, 1, fmt.Sprintf("%s after stats reads %q, which the stats does not define (its rows have %s)", c.kind(), name, strings.Join(avail, ", "))}
			}
		}
		switch c := c.(type) {
		case statsCmd:
			if stats++; stats > 2 {
				return &SyntaxError{1, 1, "a query can have at most two stats commands"}
			}
			avail = []string{}
			for _, p := range append(append([]projection{}, c.groups...), c.aggs...) {
				avail = append(avail, p.name)
			}
		case fieldsCmd:
			avail = addNames(avail, c.items)
		case displayCmd:
			avail = addNames(avail, c.items)
		case parseCmd:
			if avail != nil {
				avail = append(avail, parsedNames(c)...)
			}
		case dedupCmd:
			for _, after := range q.cmds[i+1:] {
				if _, ok := after.(limitCmd); !ok {
					return &SyntaxError{1, 1, "only limit can follow dedup"}
				}
			}
		}
	}
	return nil
}

func addNames(avail []string, items []projection) []string {
	if avail == nil {
		return nil
	}
	for _, p := range items {
		if !slices.Contains(avail, p.name) {
			avail = append(avail, p.name)
		}
	}
	return avail
}

func parsedNames(c parseCmd) []string {
	if c.re == nil {
		return c.names
	}
	var out []string
	for _, n := range c.re.SubexpNames() {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// unknownField returns the first field c reads that is not in avail. An
// expression that is itself a stats column (bin(5m) grouped without an
// alias) counts as that column.
func unknownField(c command, avail []string) (string, bool) {
	for _, x := range reads(c) {
		if slices.Contains(avail, x.text()) {
			continue
		}
		for _, name := range fieldNames(x) {
			if !slices.Contains(avail, name) {
				return name, true
			}
		}
	}
	return "", false
}

// reads lists the expressions a command evaluates.
func reads(c command) []expr {
	var out []expr
	switch c := c.(type) {
	case fieldsCmd:
		for _, p := range c.items {
			out = append(out, p.x)
		}
	case displayCmd:
		for _, p := range c.items {
			out = append(out, p.x)
		}
	case filterCmd:
		out = append(out, c.cond)
	case parseCmd:
		out = append(out, c.src)
	case statsCmd:
		for _, p := range append(append([]projection{}, c.aggs...), c.groups...) {
			out = append(out, p.x)
		}
	case sortCmd:
		for _, k := range c.keys {
			out = append(out, k.x)
		}
	case dedupCmd:
		for _, f := range c.fields {
			out = append(out, fieldRef{f})
		}
	}
	return out
}

// fieldNames lists the fields an expression reads (not count(*)'s *).
func fieldNames(x expr) []string {
	var out []string
	walkFields(x, func(name string) {
		if name != "*" {
			out = append(out, name)
		}
	})
	return out
}

// walkFields calls visit with the name of every field x reads.
func walkFields(x expr, visit func(name string)) {
	switch e := x.(type) {
	case fieldRef:
		visit(e.name)
	case unary:
		walkFields(e.x, visit)
	case binary:
		walkFields(e.l, visit)
		walkFields(e.r, visit)
	case call:
		for _, a := range e.args {
			walkFields(a, visit)
		}
	case listLit:
		for _, a := range e.items {
			walkFields(a, visit)
		}
	}
}
