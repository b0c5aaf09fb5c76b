package eventpattern

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// maxDepth is how deep an event may nest, as encoding/json allows.
const maxDepth = 10000

// scanner validates an event's JSON in one pass (RFC 8259) and keeps, in
// a tree, the values on the pattern's paths; the rest it checks and
// passes over without decoding.
type scanner struct {
	b     []byte
	i     int
	depth int
	t     *tree
	lazy  bool // stop after the root's last field on the pattern's paths
}

// scan reads event into t and returns the root object's node (-1 when
// it holds nothing on the pattern's paths).
func (t *tree) scan(event []byte, root *trieNode) (int32, error) {
	sc := scanner{b: event, t: t}
	return sc.top(root)
}

// scanLazy is scan for an event known to be valid, with unique top-level
// keys: it stops after the root's last member on the pattern's paths.
func (t *tree) scanLazy(event []byte, root *trieNode) (int32, error) {
	sc := scanner{b: event, t: t, lazy: true}
	return sc.top(root)
}

func (sc *scanner) top(root *trieNode) (int32, error) {
	sc.ws()
	if sc.peek() != '{' {
		return -1, ErrNotObject
	}
	i, err := sc.object(root)
	if err != nil {
		return -1, err
	}
	if sc.ws(); sc.i < len(sc.b) && !sc.lazy {
		return -1, sc.fail("data after the event object")
	}
	return i, nil
}

func (sc *scanner) fail(msg string) error { return &SyntaxError{Offset: sc.i, Msg: msg} }

func (sc *scanner) peek() byte {
	if sc.i < len(sc.b) {
		return sc.b[sc.i]
	}
	return 0
}

func (sc *scanner) ws() {
	if sc.i < len(sc.b) && sc.b[sc.i] > ' ' { // the common case: none
		return
	}
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// open enters an object or array.
func (sc *scanner) open() error {
	if sc.depth++; sc.depth > maxDepth {
		return sc.fail("the event nests deeper than 10000 levels")
	}
	sc.i++
	sc.ws()
	return nil
}

// value reads the value at sc.i, on the path of trie node n.
func (sc *scanner) value(n *trieNode) (int32, error) {
	switch c := sc.peek(); {
	case c == '{':
		if len(n.children) == 0 {
			return -1, sc.skip()
		}
		return sc.object(n)
	case c == '[':
		return sc.array(n)
	case c == '"':
		s, err := sc.str(n.leaf)
		if err != nil || !n.leaf {
			return -1, err
		}
		return sc.t.add(value{kind: kString, s: s}, n.id), nil
	}
	v, err := sc.scalar()
	if err != nil || !n.leaf {
		return -1, err
	}
	return sc.t.add(v, n.id), nil
}

// object reads an object whose members at n's children are kept.
func (sc *scanner) object(n *trieNode) (int32, error) {
	if err := sc.open(); err != nil {
		return -1, err
	}
	i := sc.t.add(value{kind: kObject}, n.id)
	if sc.peek() == '}' {
		sc.i++
		sc.depth--
		return -1, nil
	}
	want, seen := 0, 0
	if sc.lazy && sc.depth == 1 {
		want = len(n.children)
	}
	for {
		key, err := sc.key()
		if err != nil {
			return -1, err
		}
		if c, ok := n.children[string(key)]; ok {
			ci, err := sc.value(c)
			if err != nil {
				return -1, err
			}
			sc.t.setMember(i, c.id, ci)
			if seen++; seen == want {
				return sc.t.keep(i), nil
			}
		} else if err := sc.skip(); err != nil {
			return -1, err
		}
		sc.ws()
		switch sc.peek() {
		case ',':
			sc.i++
			sc.ws()
		case '}':
			sc.i++
			sc.depth--
			return sc.t.keep(i), nil
		default:
			return -1, sc.fail("expected ',' or '}' after an object member")
		}
	}
}

// key reads a member's name and the ':' after it.
func (sc *scanner) key() ([]byte, error) {
	if sc.peek() != '"' {
		return nil, sc.fail("expected a field name in double quotes")
	}
	k, err := sc.str(true)
	if err != nil {
		return nil, err
	}
	if sc.ws(); sc.peek() != ':' {
		return nil, sc.fail("expected ':' after a field name")
	}
	sc.i++
	sc.ws()
	return k, nil
}

// array reads an array: its elements are on the same path as it.
func (sc *scanner) array(n *trieNode) (int32, error) {
	if err := sc.open(); err != nil {
		return -1, err
	}
	i := sc.t.add(value{kind: kArray}, n.id)
	if sc.peek() == ']' {
		sc.i++
		sc.depth--
		return -1, nil
	}
	for {
		ci, err := sc.value(n)
		if err != nil {
			return -1, err
		}
		if ci >= 0 {
			sc.t.push(i, ci)
		}
		sc.ws()
		switch sc.peek() {
		case ',':
			sc.i++
			sc.ws()
		case ']':
			sc.i++
			sc.depth--
			return sc.t.keep(i), nil
		default:
			return -1, sc.fail("expected ',' or ']' after an array element")
		}
	}
}

// skip checks and passes over one value the pattern does not read,
// without recursion (its open containers are on t.stack).
func (sc *scanner) skip() error {
	base := len(sc.t.stack)
	for {
		// A value.
		switch c := sc.peek(); c {
		case '{', '[':
			if err := sc.open(); err != nil {
				return err
			}
			end := byte('}')
			if c == '[' {
				end = ']'
			}
			if sc.peek() == end {
				sc.i++
				sc.depth--
				break
			}
			sc.t.stack = append(sc.t.stack, end)
			if end == '}' {
				if _, err := sc.key(); err != nil {
					return err
				}
			}
			continue
		case '"':
			if _, err := sc.str(false); err != nil {
				return err
			}
		default:
			if _, err := sc.scalar(); err != nil {
				return err
			}
		}
		// After a value: close what ends here, or go on to the next.
		for {
			if len(sc.t.stack) == base {
				return nil
			}
			sc.ws()
			top := sc.t.stack[len(sc.t.stack)-1]
			c := sc.peek()
			if c == top {
				sc.i++
				sc.depth--
				sc.t.stack = sc.t.stack[:len(sc.t.stack)-1]
				continue
			}
			if c != ',' {
				if top == '}' {
					return sc.fail("expected ',' or '}' after an object member")
				}
				return sc.fail("expected ',' or ']' after an array element")
			}
			sc.i++
			sc.ws()
			if top == '}' {
				if _, err := sc.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// scalar reads a number or a literal.
func (sc *scanner) scalar() (value, error) {
	rest := sc.b[sc.i:]
	switch c := sc.peek(); {
	case c == '-' || c >= '0' && c <= '9':
		return sc.number()
	case len(rest) >= 4 && string(rest[:4]) == "true":
		sc.i += 4
		return value{kind: kBool, b: true}, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		sc.i += 5
		return value{kind: kBool}, nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		sc.i += 4
		return value{kind: kNull}, nil
	case c == 't' || c == 'f' || c == 'n':
		return value{}, sc.fail("invalid literal (true, false and null are the literals)")
	}
	return value{}, sc.fail("expected a JSON value")
}

// number reads a number as RFC 8259 writes it:
// -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
func (sc *scanner) number() (value, error) {
	b, start := sc.b, sc.i
	i := start
	bad := func(why string) (value, error) {
		return value{}, &SyntaxError{Offset: start, Msg: "invalid number: " + why}
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		if i++; i < len(b) && isDigit(b[i]) {
			return bad("a leading zero")
		}
	case i < len(b) && isDigit(b[i]):
		i = digits(b, i)
	default:
		return bad("no digit")
	}
	if i < len(b) && b[i] == '.' {
		if i++; i >= len(b) || !isDigit(b[i]) {
			return bad("no digit after the decimal point")
		}
		i = digits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return bad("no digit in the exponent")
		}
		i = digits(b, i)
	}
	sc.i = i
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil && !isRange(err) {
		return bad(err.Error())
	}
	return value{kind: kNumber, f: f}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// str reads a string, checking its escapes and UTF-8; with keep it
// returns the content unescaped (a slice of the event when it has no
// escapes, the common case).
func (sc *scanner) str(keep bool) ([]byte, error) {
	b, start := sc.b, sc.i
	i, escaped := start+1, false
	for i < len(b) {
		if plain[b[i]] { // most of a string: one table lookup a byte
			i++
			continue
		}
		switch c := b[i]; {
		case c == '"':
			sc.i = i + 1
			if !keep {
				return nil, nil
			}
			if !escaped {
				return b[start+1 : i], nil
			}
			var out string
			if err := json.Unmarshal(b[start:i+1], &out); err != nil {
				return nil, &SyntaxError{Offset: start, Msg: "invalid string: " + err.Error()}
			}
			return []byte(out), nil
		case c == '\\':
			n := escapeLen(b[i+1:])
			if n == 0 {
				sc.i = i
				return nil, sc.fail(`invalid escape in a string (\" \\ \/ \b \f \n \r \t or \u and four hex digits)`)
			}
			i, escaped = i+1+n, true
		case c < 0x20:
			sc.i = i
			return nil, sc.fail("control character in a string (escape it)")
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				sc.i = i
				return nil, sc.fail("invalid UTF-8 in a string")
			}
			i += size
		}
	}
	sc.i = start
	return nil, sc.fail("unterminated string")
}

// plain marks the bytes a string holds as they are: ASCII but for
// control characters, '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escapeLen is the length of the escape after a backslash, 0 if invalid.
func escapeLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(b) < 5 {
			return 0
		}
		for _, c := range b[1:5] {
			if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return 0
			}
		}
		return 5
	}
	return 0
}
