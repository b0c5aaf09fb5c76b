package eventpattern

import (
	"encoding/json"
	"strconv"
)

// scanner reads just enough of an event's JSON to extract the values at
// a pattern's paths, skipping the rest without decoding it.
type scanner struct {
	b []byte
	i int
}

func (sc *scanner) fail(msg string) error { return &SyntaxError{Offset: sc.i, Msg: msg} }

func (sc *scanner) peek() byte {
	if sc.i < len(sc.b) {
		return sc.b[sc.i]
	}
	return 0
}

func (sc *scanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// object reads the object at sc.i. At the top level it stops once every
// field the pattern names has been read.
func (sc *scanner) object(n *trieNode, s *scratch, top bool) error {
	sc.i++ // '{'
	want, seen := len(n.children), 0
	for {
		sc.ws()
		switch sc.peek() {
		case '}':
			sc.i++
			return nil
		case '"':
		default:
			return sc.fail("expected a field name or '}'")
		}
		key, err := sc.str()
		if err != nil {
			return err
		}
		sc.ws()
		if sc.peek() != ':' {
			return sc.fail("expected ':'")
		}
		sc.i++
		sc.ws()
		if c, ok := n.children[string(key)]; ok {
			if err := sc.value(c, s); err != nil {
				return err
			}
			if seen++; top && seen == want {
				return nil
			}
		} else if err := sc.skip(); err != nil {
			return err
		}
		sc.ws()
		switch sc.peek() {
		case ',':
			sc.i++
		case '}':
			sc.i++
			return nil
		default:
			return sc.fail("expected ',' or '}'")
		}
	}
}

// value reads the value at sc.i into node n: objects descend, arrays
// flatten, scalars are kept when n is a leaf.
func (sc *scanner) value(n *trieNode, s *scratch) error {
	switch c := sc.peek(); {
	case c == '{':
		if n.children == nil {
			return sc.skip()
		}
		return sc.object(n, s, false)
	case c == '[':
		sc.i++
		sc.ws()
		if sc.peek() == ']' {
			sc.i++
			return nil
		}
		for {
			sc.ws()
			if err := sc.value(n, s); err != nil {
				return err
			}
			sc.ws()
			switch sc.peek() {
			case ',':
				sc.i++
			case ']':
				sc.i++
				return nil
			default:
				return sc.fail("expected ',' or ']'")
			}
		}
	case c == '"':
		str, err := sc.str()
		if err == nil && n.leaf >= 0 {
			s.vals[n.leaf] = append(s.vals[n.leaf], value{kind: kString, s: str})
		}
		return err
	case c == 't' || c == 'f' || c == 'n':
		return sc.literal(n, s)
	case c == '-' || c >= '0' && c <= '9':
		start := sc.i
		for sc.i < len(sc.b) && isNumberByte(sc.b[sc.i]) {
			sc.i++
		}
		if n.leaf < 0 {
			return nil
		}
		f, err := strconv.ParseFloat(string(sc.b[start:sc.i]), 64)
		if err != nil && !isRange(err) {
			sc.i = start
			return sc.fail("invalid number")
		}
		s.vals[n.leaf] = append(s.vals[n.leaf], value{kind: kNumber, f: f})
		return nil
	}
	return sc.fail("expected a JSON value")
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (sc *scanner) literal(n *trieNode, s *scratch) error {
	var v value
	rest := sc.b[sc.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		v, sc.i = value{kind: kBool, b: true}, sc.i+4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		v, sc.i = value{kind: kBool}, sc.i+5
	case len(rest) >= 4 && string(rest[:4]) == "null":
		v, sc.i = value{kind: kNull}, sc.i+4
	default:
		return sc.fail("invalid literal")
	}
	if n.leaf >= 0 {
		s.vals[n.leaf] = append(s.vals[n.leaf], v)
	}
	return nil
}

// str reads a string and returns its content, unescaped (a slice of the
// event when it has no escapes, which is the common case).
func (sc *scanner) str() ([]byte, error) {
	start := sc.i
	sc.i++ // '"'
	escaped := false
	for sc.i < len(sc.b) {
		switch c := sc.b[sc.i]; {
		case c == '"':
			sc.i++
			if !escaped {
				return sc.b[start+1 : sc.i-1], nil
			}
			var out string
			if err := json.Unmarshal(sc.b[start:sc.i], &out); err != nil {
				sc.i = start
				return nil, sc.fail("invalid string")
			}
			return []byte(out), nil
		case c == '\\':
			escaped = true
			sc.i += 2
		case c < 0x20:
			return nil, sc.fail("control character in string")
		default:
			sc.i++
		}
	}
	sc.i = start
	return nil, sc.fail("unterminated string")
}

// skip passes over one value of any kind.
func (sc *scanner) skip() error {
	depth := 0
	for {
		sc.ws()
		switch c := sc.peek(); {
		case c == '{' || c == '[':
			depth++
			sc.i++
			continue
		case c == '}' || c == ']':
			if depth == 0 {
				return sc.fail("unexpected close")
			}
			depth--
			sc.i++
		case c == '"':
			if _, err := sc.rawStr(); err != nil {
				return err
			}
		case c == ',' || c == ':':
			if depth == 0 {
				return sc.fail("unexpected separator")
			}
			sc.i++
			continue
		case c == 't' || c == 'f' || c == 'n':
			if err := sc.literal(skipNode, nil); err != nil {
				return err
			}
		case c == '-' || c >= '0' && c <= '9':
			for sc.i < len(sc.b) && isNumberByte(sc.b[sc.i]) {
				sc.i++
			}
		default:
			return sc.fail("expected a JSON value")
		}
		if depth == 0 {
			return nil
		}
	}
}

// rawStr passes over a string without unescaping it.
func (sc *scanner) rawStr() (int, error) {
	start := sc.i
	sc.i++
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case '"':
			sc.i++
			return start, nil
		case '\\':
			sc.i += 2
		default:
			sc.i++
		}
	}
	sc.i = start
	return start, sc.fail("unterminated string")
}

// skipNode is a node that keeps nothing, for skipping literals.
var skipNode = &trieNode{leaf: -1}
