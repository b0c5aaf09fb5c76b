package eventpattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

type kind uint8

const (
	kString kind = iota + 1
	kNumber
	kBool
	kNull
)

// value is one scalar of the event at a leaf path.
type value struct {
	kind kind
	s    []byte // string content (unescaped)
	f    float64
	b    bool
}

// scratch holds the values extracted for one match.
type scratch struct{ vals [][]value }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (p *Pattern) scratch() *scratch {
	s := scratchPool.Get().(*scratch)
	if cap(s.vals) < len(p.paths) {
		s.vals = make([][]value, len(p.paths))
	}
	s.vals = s.vals[:len(p.paths)]
	for i := range s.vals {
		s.vals[i] = s.vals[i][:0]
	}
	return s
}

// ErrNotObject is returned by Match for an event that is not a JSON object.
var ErrNotObject = errors.New("event is not a JSON object")

// Match reports whether the event (a whole EventBridge envelope, as JSON)
// matches. It reads only the fields the pattern names and stops once it
// has read every top-level field the pattern names, so the rest of the
// event is not validated; a malformed part it did read is an error.
func (p *Pattern) Match(event []byte) (bool, error) {
	s := p.scratch()
	defer scratchPool.Put(s)
	sc := scanner{b: event}
	sc.ws()
	if sc.peek() != '{' {
		return false, ErrNotObject
	}
	if err := sc.object(p.trie, s, true); err != nil {
		return false, err
	}
	return p.root.eval(s.vals), nil
}

// MatchValue is Match on an event already decoded by encoding/json (with
// or without UseNumber).
func (p *Pattern) MatchValue(event map[string]any) bool {
	s := p.scratch()
	defer scratchPool.Put(s)
	extract(p.trie, event, s)
	return p.root.eval(s.vals)
}

func extract(n *trieNode, v any, s *scratch) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range n.children {
			if cv, ok := x[k]; ok {
				extract(c, cv, s)
			}
		}
		return
	case []any:
		for _, e := range x {
			extract(n, e, s)
		}
		return
	}
	if n.leaf < 0 {
		return
	}
	var val value
	switch x := v.(type) {
	case string:
		val = value{kind: kString, s: []byte(x)}
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return
		}
		val = value{kind: kNumber, f: f}
	case float64:
		val = value{kind: kNumber, f: x}
	case bool:
		val = value{kind: kBool, b: x}
	case nil:
		val = value{kind: kNull}
	default:
		return
	}
	s.vals[n.leaf] = append(s.vals[n.leaf], val)
}

func (g *group) eval(vals [][]value) bool {
	for i := range g.leaves {
		if !g.leaves[i].eval(vals[g.leaves[i].path]) {
			return false
		}
	}
	for _, alts := range g.ors {
		ok := false
		for _, a := range alts {
			if a.eval(vals) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (l *leaf) eval(vs []value) bool {
	for _, m := range l.ms {
		if e, ok := m.(exists); ok {
			if bool(e) == (len(vs) > 0) {
				return true
			}
			continue
		}
		for i := range vs {
			if m.match(&vs[i]) {
				return true
			}
		}
	}
	return false
}

// matcher tests one value of the event.
type matcher interface{ match(v *value) bool }

type (
	exactString string
	exactNumber float64
	exactBool   bool
	exactNull   struct{}
	ignoreCase  string
	exists      bool
	prefix      struct {
		s    string
		fold bool
	}
	suffix struct {
		s    string
		fold bool
	}
	anythingBut struct{ m matcher }
	anyOf       []matcher
	numeric     struct {
		lo, hi         float64
		loIncl, hiIncl bool
	}
	cidr     struct{ p netip.Prefix }
	wildcard struct{ parts []string }
)

func (m exactString) match(v *value) bool { return v.kind == kString && string(v.s) == string(m) }
func (m exactNumber) match(v *value) bool { return v.kind == kNumber && v.f == float64(m) }
func (m exactBool) match(v *value) bool   { return v.kind == kBool && v.b == bool(m) }
func (exactNull) match(v *value) bool     { return v.kind == kNull }
func (m ignoreCase) match(v *value) bool {
	return v.kind == kString && strings.EqualFold(string(v.s), string(m))
}
func (exists) match(*value) bool { return false } // evaluated per leaf, see leaf.eval

func (m prefix) match(v *value) bool {
	if v.kind != kString || len(v.s) < len(m.s) {
		return false
	}
	head := v.s[:len(m.s)]
	if m.fold {
		return strings.EqualFold(string(head), m.s)
	}
	return string(head) == m.s
}

func (m suffix) match(v *value) bool {
	if v.kind != kString || len(v.s) < len(m.s) {
		return false
	}
	tail := v.s[len(v.s)-len(m.s):]
	if m.fold {
		return strings.EqualFold(string(tail), m.s)
	}
	return string(tail) == m.s
}

func (m anythingBut) match(v *value) bool { return !m.m.match(v) }

func (m anyOf) match(v *value) bool {
	for _, x := range m {
		if x.match(v) {
			return true
		}
	}
	return false
}

func (m numeric) match(v *value) bool {
	if v.kind != kNumber {
		return false
	}
	f := v.f
	if f < m.lo || f == m.lo && !m.loIncl {
		return false
	}
	return f < m.hi || f == m.hi && m.hiIncl
}

func (m cidr) match(v *value) bool {
	if v.kind != kString {
		return false
	}
	a, err := netip.ParseAddr(string(v.s))
	return err == nil && m.p.Contains(a.Unmap())
}

func (m wildcard) match(v *value) bool {
	if v.kind != kString {
		return false
	}
	s := string(v.s)
	parts := m.parts
	if len(parts) == 1 {
		return s == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return true
}

// SyntaxError is malformed event JSON, at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("event JSON at byte %d: %s", e.Offset, e.Msg)
}
