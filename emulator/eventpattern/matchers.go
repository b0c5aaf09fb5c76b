package eventpattern

import (
	"net/netip"
	"strings"
)

// matcher tests one value of the event.
type matcher interface{ match(v *value) bool }

type (
	exactString string
	exactNumber float64
	exactBool   bool
	exactNull   struct{}
	ignoreCase  string
	present     struct{} // {"exists": true}: any value, null included
	absent      struct{} // {"exists": false}: a property of the field, see leaf
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
func (present) match(*value) bool { return true }
func (absent) match(*value) bool  { return false }

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
	// No unmapping: an address matches a block of its own family as
	// written (see the package doc).
	a, err := netip.ParseAddr(string(v.s))
	return err == nil && m.p.Contains(a)
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
