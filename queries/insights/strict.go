package insights

import (
	"strings"
	"unicode/utf8"
)

// Strict JSON reading for decodeEvent's fast path, which must accept
// exactly what encoding/json accepts and read the same values, or decline
// so that encoding/json reads the line and explains. Written here because
// the standard library offers no allocation-free validator for a string
// (json.Valid wants a []byte copy), and FuzzReadEvents holds the two to
// each other.

// exportedFields are exported's JSON names; encoding/json matches keys
// case-insensitively (with Unicode folding), so a key that folds to one of
// these without being it is left to encoding/json.
var exportedFields = []string{"message", "logGroupName", "logStreamName", "timestamp", "ingestionTime"}

// foreignSpelling reports whether key is not one of exportedFields but
// encoding/json might read it as one.
func foreignSpelling(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, f := range exportedFields {
		if key != f && strings.EqualFold(key, f) {
			return true
		}
	}
	return false
}

// strictString reads a JSON string at d.i that needs no repair: no raw
// control character and valid UTF-8 (encoding/json refuses the first and
// replaces the second, which is left to it). The value is decoded only
// when decode is set.
func (d *jsonDiscoverer) strictString(decode bool) (string, bool) {
	start := d.i
	d.i++
	esc := false
	for d.i < len(d.s) {
		switch c := d.s[d.i]; {
		case c == '"':
			raw := d.s[start+1 : d.i]
			d.i++
			if !utf8.ValidString(raw) {
				return "", false
			}
			if !esc || !decode {
				if esc {
					_, ok := unescape(raw) // validates the escapes
					return "", ok
				}
				return raw, true
			}
			return unescape(raw)
		case c == '\\':
			esc = true
			d.i += 2
		case c < 0x20:
			return "", false
		default:
			d.i++
		}
	}
	return "", false
}

// strictValue passes over one JSON value, enforcing JSON's grammar.
func (d *jsonDiscoverer) strictValue(depth int) bool {
	if depth > 10000 { // encoding/json's nesting limit
		return false
	}
	d.ws()
	switch c := d.peek(); {
	case c == '{':
		return d.members(func(string) bool { return d.strictValue(depth + 1) })
	case c == '[':
		d.i++
		if d.ws(); d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.strictValue(depth + 1) {
				return false
			}
			if more, ok := d.more(']'); !more {
				return ok
			}
		}
	case c == '"':
		_, ok := d.strictString(false)
		return ok
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return false
}

// members reads the object at d.i, strictly, calling member for each key
// with d.i at its value: member reads the value and reports whether it
// was valid.
func (d *jsonDiscoverer) members(member func(key string) bool) bool {
	d.i++
	if d.ws(); d.peek() == '}' {
		d.i++
		return true
	}
	for {
		if d.ws(); d.peek() != '"' {
			return false
		}
		key, ok := d.strictString(true)
		if !ok {
			return false
		}
		if d.ws(); d.peek() != ':' {
			return false
		}
		d.i++
		if d.ws(); !member(key) {
			return false
		}
		if more, ok := d.more('}'); !more {
			return ok
		}
	}
}

// more passes the separator after a member or element: more when a comma
// announces another, ok when it was a comma or close (which ends the
// container).
func (d *jsonDiscoverer) more(close byte) (more, ok bool) {
	d.ws()
	switch d.peek() {
	case ',':
		d.i++
		return true, true
	case close:
		d.i++
		return false, true
	}
	return false, false
}

func (d *jsonDiscoverer) literal(word string) bool {
	if !strings.HasPrefix(d.s[d.i:], word) {
		return false
	}
	d.i += len(word)
	return true
}

// number passes over -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *jsonDiscoverer) number() bool {
	if d.peek() == '-' {
		d.i++
	}
	switch {
	case d.peek() == '0':
		d.i++
	case d.digits() == 0:
		return false
	}
	if d.peek() == '.' {
		d.i++
		if d.digits() == 0 {
			return false
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if d.digits() == 0 {
			return false
		}
	}
	return true
}

func (d *jsonDiscoverer) digits() int {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}
