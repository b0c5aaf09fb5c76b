package telemetry

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// peekEvent reads the fields the wrapper needs from an EventBridge event:
// id, detail-type, source, replay-name and detail.metadata's ids, trace
// carrier and redrive marker. It is a small scanner rather than
// encoding/json because it runs on every invocation and skips the rest of
// the detail (a plan can be kilobytes) without building it; for inputs it
// cannot read it falls back to encoding/json, and a fuzz test checks it
// against encoding/json on every input.
func peekEvent(raw []byte) eventInfo {
	var e eventInfo
	s := scanner{b: raw}
	if !s.object(func(key []byte) bool { return e.top(&s, key) }) || !s.end() {
		e = eventInfo{}
		_ = json.Unmarshal(raw, &e)
	}
	return e
}

func (e *eventInfo) top(s *scanner, key []byte) bool {
	switch string(key) { // no allocation: the compiler compares the bytes
	case "id":
		return s.str(&e.ID)
	case "detail-type":
		return s.str(&e.DetailType)
	case "source":
		return s.str(&e.Source)
	case "replay-name":
		return s.str(&e.ReplayName)
	case "detail":
		return s.objectOrSkip(func(k []byte) bool {
			if string(k) != "metadata" {
				return !bytes.EqualFold(k, []byte("metadata")) && s.skip()
			}
			return s.objectOrSkip(func(k []byte) bool { return e.meta(s, k) })
		})
	}
	return !folds(key, "id", "detail-type", "source", "replay-name", "detail") && s.skip()
}

// folds reports whether key matches one of names only case-insensitively:
// encoding/json would take it, so the scanner leaves it to encoding/json.
func folds(key []byte, names ...string) bool {
	for _, n := range names {
		if len(key) == len(n) && bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

func (e *eventInfo) meta(s *scanner, key []byte) bool {
	m := &e.Detail.Metadata
	switch string(key) {
	case "event_id":
		return s.str(&m.EventID)
	case "correlation_id":
		return s.str(&m.CorrelationID)
	case "causation_id":
		return s.str(&m.CausationID)
	case "redrive":
		return s.str(&m.Redrive)
	case "trace":
		if s.peekNull() {
			m.Trace = nil
			return true
		}
		if m.Trace == nil {
			m.Trace = map[string]string{}
		}
		return s.object(func(k []byte) bool {
			var v string
			if !s.str(&v) {
				return false
			}
			m.Trace[string(k)] = v
			return true
		})
	}
	return !folds(key, "event_id", "correlation_id", "causation_id", "redrive", "trace") && s.skip()
}

// scanner walks JSON without allocating except for the strings it keeps.
// Any method returning false means "not understood": the caller falls back.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) end() bool { s.ws(); return s.i == len(s.b) }

func (s *scanner) peekNull() bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// object calls f for each key with the scanner at the value. The key
// aliases the input unless it had escapes.
func (s *scanner) object(f func(key []byte) bool) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		key, ok := s.key()
		if !ok {
			return false
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		if !f(key) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// objectOrSkip reads an object, or skips a value of another type (which
// encoding/json would reject for a struct field: the caller's fallback
// then decides).
func (s *scanner) objectOrSkip(f func(key []byte) bool) bool {
	if s.peekNull() {
		return true
	}
	return s.object(f)
}

// str reads a string into *dst; null leaves it unchanged, as
// encoding/json does.
func (s *scanner) str(dst *string) bool {
	if s.peekNull() {
		return true
	}
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '\\':
			escaped = true
			s.i += 2
		case c == '"':
			s.i++
			if !escaped {
				*dst = string(s.b[start+1 : s.i-1])
				return validUTF8(*dst)
			}
			v, err := strconv.Unquote(string(s.b[start:s.i]))
			*dst = v
			return err == nil
		case c < 0x20:
			return false
		default:
			s.i++
		}
	}
	return false
}

func validUTF8(s string) bool {
	for _, r := range s {
		if r == 0xFFFD {
			return false // let encoding/json decide what invalid UTF-8 becomes
		}
	}
	return true
}

// key reads an object key without allocating when it has no escapes.
func (s *scanner) key() ([]byte, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			if !utf8.Valid(s.b[start:j]) {
				return nil, false
			}
			return s.b[start:j], true
		case c == '\\':
			var v string // escaped key: decode it the slow way
			if !s.str(&v) {
				return nil, false
			}
			return []byte(v), true
		case c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// skip passes over one value of any type.
func (s *scanner) skip() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		var v string
		return s.str(&v)
	case c == '{':
		return s.object(func([]byte) bool { return s.skip() })
	case c == '[':
		return s.array()
	default:
		start := s.i
		for s.i < len(s.b) && !isDelim(s.b[s.i]) {
			s.i++
		}
		return json.Valid(s.b[start:s.i])
	}
}

func (s *scanner) array() bool {
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return true
	}
	for {
		if !s.skip() {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
