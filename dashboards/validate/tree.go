package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is a JSON value's type.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

var kindNames = [...]string{"null", "a boolean", "a number", "a string", "an object", "an array"}

func (k kind) String() string { return kindNames[k] }

// node is one JSON value and the byte offset where it starts in the body,
// so that every problem can be reported as file:line:col.
type node struct {
	kind    kind
	off     int
	str     string
	num     json.Number
	b       bool
	members []member // objects, in file order
	items   []*node  // arrays
}

// member is one key of an object.
type member struct {
	key    string
	keyOff int
	val    *node
}

// get returns the value of key, or nil. As encoding/json does, the last
// of duplicate keys wins (duplicates are reported separately).
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

// maxDepth bounds nesting: a dashboard body nests about eight levels, and a
// bound keeps hostile input from costing unbounded memory.
const maxDepth = 64

// parseError is a body that is not one JSON value, at a byte offset.
type parseError struct {
	off int
	msg string
}

func (e *parseError) Error() string { return e.msg }

// duplicate is a key given twice in one object.
type duplicate struct {
	path, key string
	off       int
}

// frame is an object or array being read.
type frame struct {
	n      *node
	path   string
	key    string // the object key whose value comes next
	keyOff int
	keys   map[string]bool
	inKey  bool // an object expecting a key (or its end)
}

// parse reads body into a tree of nodes with offsets, using the standard
// library's tokenizer (so syntax errors are exactly encoding/json's).
func parse(body []byte) (*node, []duplicate, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	p := &parser{body: body, dec: dec}
	for {
		done, err := p.step()
		if err != nil {
			return nil, nil, err
		}
		if done {
			return p.root, p.dups, nil
		}
	}
}

type parser struct {
	body  []byte
	dec   *json.Decoder
	stack []*frame
	root  *node
	dups  []duplicate
}

// step reads one token; done is true at the end of the body.
func (p *parser) step() (done bool, err error) {
	start := skipSeparators(p.body, int(p.dec.InputOffset()))
	tok, err := p.dec.Token()
	if err == io.EOF {
		return true, p.end()
	}
	if err != nil {
		return false, syntaxError(p.body, err)
	}
	if p.root != nil && len(p.stack) == 0 {
		return false, &parseError{start, "unexpected data after the dashboard object"}
	}
	if top := p.top(); top != nil && top.inKey {
		return false, p.key(top, tok, start)
	}
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		p.pop()
		return false, nil
	}
	return false, p.value(tok, start)
}

// end checks the body is complete at its end.
func (p *parser) end() error {
	switch {
	case p.root == nil:
		return &parseError{0, "the body is empty: a dashboard is a JSON object"}
	case len(p.stack) > 0:
		return &parseError{len(p.body), "invalid JSON: the body ends before the dashboard object is closed"}
	}
	return nil
}

func (p *parser) top() *frame {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

func (p *parser) pop() {
	p.stack = p.stack[:len(p.stack)-1]
	if top := p.top(); top != nil && top.n.kind == kindObject {
		top.inKey = true
	}
}

// key handles a token read where an object expects a key.
func (p *parser) key(top *frame, tok json.Token, start int) error {
	if d, ok := tok.(json.Delim); ok && d == '}' {
		p.pop()
		return nil
	}
	k, _ := tok.(string) // the tokenizer allows only strings here
	if top.keys[k] {
		p.dups = append(p.dups, duplicate{path: top.path + "/" + escapePointer(k), key: k, off: start})
	}
	top.keys[k] = true
	top.key, top.keyOff, top.inKey = k, start, false
	return nil
}

// value attaches a new value to its parent and descends into containers.
func (p *parser) value(tok json.Token, start int) error {
	n := &node{off: start}
	switch t := tok.(type) {
	case json.Delim:
		n.kind = kindObject
		if t == '[' {
			n.kind = kindArray
		}
	case string:
		n.kind, n.str = kindString, t
	case json.Number:
		n.kind, n.num = kindNumber, t
	case bool:
		n.kind, n.b = kindBool, t
	}
	path := p.attach(n)
	if n.kind != kindObject && n.kind != kindArray {
		return nil
	}
	if len(p.stack) >= maxDepth {
		return &parseError{start, fmt.Sprintf("the body nests more than %d levels deep", maxDepth)}
	}
	p.stack = append(p.stack, &frame{n: n, path: path, keys: map[string]bool{}, inKey: n.kind == kindObject})
	return nil
}

// attach adds n to the current container (or makes it the root) and
// returns its JSON pointer.
func (p *parser) attach(n *node) string {
	top := p.top()
	switch {
	case top == nil:
		p.root = n
		return ""
	case top.n.kind == kindObject:
		top.n.members = append(top.n.members, member{key: top.key, keyOff: top.keyOff, val: n})
		top.inKey = true
		return top.path + "/" + escapePointer(top.key)
	}
	top.n.items = append(top.n.items, n)
	return fmt.Sprintf("%s/%d", top.path, len(top.n.items)-1)
}

// skipSeparators moves off past the whitespace, commas and colons between
// the previous token and the next one.
func skipSeparators(body []byte, off int) int {
	for off < len(body) {
		switch body[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// syntaxError positions a tokenizer error.
func syntaxError(body []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &parseError{offendingByte(body, se), "invalid JSON: " + se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &parseError{len(body), "invalid JSON: the body ends before the dashboard object is closed"}
	}
	return &parseError{0, "invalid JSON: " + err.Error()}
}

// offendingByte finds the character a SyntaxError names ("invalid
// character 'x' ..."): its Offset is that character's, or the one before
// it, depending on where the tokenizer noticed.
func offendingByte(body []byte, se *json.SyntaxError) int {
	off := min(max(int(se.Offset), 0), len(body))
	msg := se.Error()
	i := strings.Index(msg, "character '")
	if i < 0 {
		return off
	}
	quoted := msg[i+len("character "):]
	for n := 3; n <= min(len(quoted), 8); n++ {
		if r, err := strconv.Unquote(quoted[:n]); err == nil {
			if j := bytes.Index(body[off:min(off+3, len(body))], []byte(r)); j >= 0 {
				return off + j
			}
			break
		}
	}
	return off
}

// escapePointer escapes a key as a JSON pointer reference token (RFC 6901).
func escapePointer(key string) string {
	if !strings.ContainsAny(key, "~/") {
		return key
	}
	return pointerEscaper.Replace(key)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// lineStarts returns the offsets where body's lines start.
func lineStarts(body []byte) []int {
	starts := []int{0}
	for i, b := range body {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// position turns a byte offset into a 1-based line and a 1-based byte
// column, as Go's tools count them. With the line starts computed once,
// each of many problems in a large body costs a binary search.
func position(starts []int, off int) (line, col int) {
	line = sort.SearchInts(starts, off+1) // the first start after off
	return line, off - starts[line-1] + 1
}

// rawCursor maps indexes of a decoded string to the offsets of the raw
// bytes that produced them, so a problem inside a string is reported where
// it is. Indexes asked in increasing order cost one pass over the string.
type rawCursor struct {
	body         []byte
	start        int // the opening quote
	raw, decoded int
}

func newRawCursor(body []byte, strOff int) *rawCursor {
	return &rawCursor{body: body, start: strOff, raw: strOff + 1}
}

// offset returns the raw offset of decoded index i.
func (rc *rawCursor) offset(i int) int {
	if i < rc.decoded {
		rc.raw, rc.decoded = rc.start+1, 0
	}
	for rc.decoded < i && rc.raw < len(rc.body) && rc.body[rc.raw] != '"' {
		n, width := escapeWidth(rc.body[rc.raw:])
		rc.raw, rc.decoded = rc.raw+n, rc.decoded+width
	}
	return rc.raw
}

// escapeWidth returns how many raw bytes the next character of a JSON
// string takes and how many bytes it decodes to.
func escapeWidth(b []byte) (raw, decoded int) {
	if b[0] != '\\' || len(b) < 2 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return 1, 3 // invalid UTF-8 decodes to U+FFFD
		}
		return size, size
	}
	if b[1] != 'u' || len(b) < 6 {
		return 2, 1
	}
	u, err := strconv.ParseUint(string(b[2:6]), 16, 32)
	if err != nil {
		return 6, 3
	}
	r := rune(u)
	if r >= 0xD800 && r < 0xDC00 && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		return 12, 4 // a surrogate pair is one 4-byte character
	}
	if !utf8.ValidRune(r) {
		return 6, 3 // U+FFFD
	}
	return 6, utf8.RuneLen(r)
}
