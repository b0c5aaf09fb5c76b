package validate

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Error is one problem of a dashboard body.
type Error struct {
	File   string `json:"file"`
	Widget int    `json:"widget"` // index in widgets; -1 for the dashboard level
	Title  string `json:"title,omitempty"`
	Path   string `json:"path"` // JSON pointer, e.g. /widgets/3/properties/metrics/2
	Line   int    `json:"line"` // 1-based; 0 when unknown
	Col    int    `json:"col"`  // 1-based byte column
	Msg    string `json:"message"`
}

// Error formats the problem as FILE:LINE:COL: widget N ("Title") PATH: message.
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Widget >= 0 {
		fmt.Fprintf(&b, "widget %d ", e.Widget)
		if e.Title != "" {
			fmt.Fprintf(&b, "(%q) ", e.Title)
		}
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Validate checks the dashboard body read from file (the name is only used
// in the errors) against the Dashboard Body Structure and what k says the
// stack publishes. It returns nil for a valid body; errors are in file
// order.
func Validate(file string, body []byte, k Known) []Error {
	c := &checker{file: file, body: body, k: k, widget: -1}
	root, dups, err := parse(body)
	if err != nil {
		var pe *parseError
		errors.As(err, &pe)
		c.at(pe.off, "", "%s", pe.msg)
		return c.errs
	}
	for _, d := range dups {
		c.at(d.off, d.path, "key %q appears twice in this object; only the last one would count", d.key)
	}
	c.dashboard(root)
	sort.SliceStable(c.errs, func(i, j int) bool {
		a, b := c.errs[i], c.errs[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return c.errs
}

// checker accumulates the problems of one body.
type checker struct {
	file   string
	body   []byte
	k      Known
	errs   []Error
	widget int                       // the widget being checked, -1 outside widgets
	title  string                    // its title
	rows   int                       // metrics of the whole dashboard, for the 2,500 quota
	starts []int                     // offsets where lines start, built on the first problem
	groups map[string]*regexp.Regexp // known log groups as patterns
}

// at records a problem at a byte offset.
func (c *checker) at(off int, path, format string, args ...any) {
	if c.starts == nil {
		c.starts = lineStarts(c.body)
	}
	line, col := position(c.starts, off)
	c.errs = append(c.errs, Error{File: c.file, Widget: c.widget, Title: c.title, Path: path,
		Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// errorf records a problem of value n (or, for a missing value, of its
// parent) at path.
func (c *checker) errorf(n *node, path, format string, args ...any) {
	c.at(n.off, path, format, args...)
}

// child returns the value of key in obj and its path; when it is missing,
// the node to report at is obj itself.
func child(obj *node, path, key string) (*node, string) {
	return obj.get(key), path + "/" + escapePointer(key)
}

// is reports whether n has kind k, recording a problem if not.
func (c *checker) is(n *node, path string, k kind, what string) bool {
	if n.kind == k {
		return true
	}
	c.errorf(n, path, "%s must be %s, not %s", what, k, n.kind)
	return false
}

// fields reports the keys of obj that allowed does not list.
func (c *checker) fields(obj *node, path, what string, allowed ...string) {
	for _, m := range obj.members {
		if contains(allowed, m.key) {
			continue
		}
		hint := ""
		if s := suggest(m.key, allowed); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		c.at(m.keyOff, path+"/"+escapePointer(m.key), "%s has no property %q%s; allowed: %s",
			what, m.key, hint, strings.Join(allowed, ", "))
	}
}

// str returns obj's string property key; required reports it when missing.
func (c *checker) str(obj *node, path, key string, required bool) (string, bool) {
	n, p := child(obj, path, key)
	if n == nil {
		if required {
			c.errorf(obj, p, "%s is required", key)
		}
		return "", false
	}
	if !c.is(n, p, kindString, key) {
		return "", false
	}
	return n.str, true
}

// enum checks that obj's optional string property key is one of values.
func (c *checker) enum(obj *node, path, key string, values ...string) {
	s, ok := c.str(obj, path, key, false)
	if ok && !contains(values, s) {
		n, p := child(obj, path, key)
		c.errorf(n, p, "%s %q is not one of %s", key, s, strings.Join(values, ", "))
	}
}

// boolean checks that obj's optional property key is a boolean.
func (c *checker) boolean(obj *node, path string, keys ...string) {
	for _, key := range keys {
		if n, p := child(obj, path, key); n != nil {
			c.is(n, p, kindBool, key)
		}
	}
}

// integer returns obj's optional integer property key.
func (c *checker) integer(obj *node, path, key string) (v int, present, ok bool) {
	n, p := child(obj, path, key)
	if n == nil {
		return 0, false, false
	}
	if !c.is(n, p, kindNumber, key) {
		return 0, true, false
	}
	f, err := n.num.Float64()
	if err != nil || f != float64(int64(f)) || f > 1<<31 || f < -(1<<31) {
		c.errorf(n, p, "%s must be an integer, not %s", key, n.num)
		return 0, true, false
	}
	return int(f), true, true
}

// number returns n's value, recording a problem if n is not a number.
func (c *checker) number(n *node, path, what string) (float64, bool) {
	if !c.is(n, path, kindNumber, what) {
		return 0, false
	}
	f, err := n.num.Float64()
	if err != nil {
		c.errorf(n, path, "%s %s is out of range", what, n.num)
		return 0, false
	}
	return f, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
