package strategy

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// formKind is the kind of a read S-expression.
type formKind int

const (
	kList formKind = iota
	kVector
	kMap
	kString
	kNumber
	kKeyword
	kSymbol
)

var kindNames = [...]string{"list", "vector", "map", "string", "number", "keyword", "symbol"}

func (k formKind) String() string { return kindNames[k] }

// form is one S-expression as read, before it means anything.
type form struct {
	Kind  formKind
	Pos   Pos
	Text  string  // string contents, keyword/symbol name, number text
	Num   float64 // for numbers
	Items []form  // for lists, vectors, maps
}

// reader turns source text into forms.
type reader struct {
	src       string
	file      string
	off       int
	line, col int
}

// readAll reads every top-level form of src.
func readAll(file string, src []byte) ([]form, error) {
	r := &reader{src: string(src), file: file, line: 1, col: 1}
	var out []form
	for {
		r.skipSpace()
		if r.off >= len(r.src) {
			return out, nil
		}
		f, err := r.read()
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
}

func (r *reader) pos() Pos { return Pos{File: r.file, Line: r.line, Col: r.col} }

func (r *reader) advance() rune {
	c, size := utf8.DecodeRuneInString(r.src[r.off:])
	r.off += size
	if c == '\n' {
		r.line, r.col = r.line+1, 1
	} else {
		r.col += size
	}
	return c
}

func (r *reader) peek() byte { return r.src[r.off] }

func (r *reader) skipSpace() {
	for r.off < len(r.src) {
		switch c := r.peek(); {
		case c == ';':
			for r.off < len(r.src) && r.peek() != '\n' {
				r.advance()
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			r.advance() // Clojure treats commas as white space
		default:
			return
		}
	}
}

func (r *reader) read() (form, error) {
	p := r.pos()
	switch c := r.peek(); c {
	case '(':
		return r.readSeq(kList, ')')
	case '[':
		return r.readSeq(kVector, ']')
	case '{':
		f, err := r.readSeq(kMap, '}')
		if err == nil && len(f.Items)%2 != 0 {
			return f, errorf(p, "map needs key-value pairs, got %d items", len(f.Items))
		}
		return f, err
	case ')', ']', '}':
		return form{}, errorf(p, "unexpected %q", c)
	case '"':
		return r.readString()
	}
	return r.readAtom()
}

var closerOf = map[formKind]byte{kList: ')', kVector: ']', kMap: '}'}

func (r *reader) readSeq(kind formKind, closer byte) (form, error) {
	f := form{Kind: kind, Pos: r.pos()}
	r.advance()
	for {
		r.skipSpace()
		if r.off >= len(r.src) {
			return f, errorf(f.Pos, "unclosed %s: missing %q", kind, closer)
		}
		if r.peek() == closer {
			r.advance()
			return f, nil
		}
		if c := r.peek(); (c == ')' || c == ']' || c == '}') && c != closer {
			return f, errorf(r.pos(), "unexpected %q: %s opened at %d:%d needs %q", c, kind, f.Pos.Line, f.Pos.Col, closerOf[kind])
		}
		item, err := r.read()
		if err != nil {
			return f, err
		}
		f.Items = append(f.Items, item)
	}
}

func (r *reader) readString() (form, error) {
	f := form{Kind: kString, Pos: r.pos()}
	r.advance()
	var b strings.Builder
	for {
		if r.off >= len(r.src) {
			return f, errorf(f.Pos, "unterminated string")
		}
		c := r.advance()
		switch c {
		case '"':
			f.Text = b.String()
			return f, nil
		case '\\':
			if r.off >= len(r.src) {
				return f, errorf(f.Pos, "unterminated string")
			}
			esc := r.advance()
			switch esc {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '"', '\\':
				b.WriteRune(esc)
			default:
				return f, errorf(r.pos(), "unknown escape \\%c", esc)
			}
		default:
			b.WriteRune(c)
		}
	}
}

func (r *reader) readAtom() (form, error) {
	p := r.pos()
	start := r.off
	for r.off < len(r.src) && !strings.ContainsRune(" \t\r\n,;()[]{}\"", rune(r.peek())) {
		r.advance()
	}
	text := r.src[start:r.off]
	switch {
	case text == "":
		return form{}, errorf(p, "unexpected character %q", r.src[r.off])
	case strings.HasPrefix(text, ":"):
		if len(text) == 1 {
			return form{}, errorf(p, "empty keyword")
		}
		return form{Kind: kKeyword, Pos: p, Text: text[1:]}, nil
	case isNumberStart(text):
		n, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return form{}, errorf(p, "bad number %q", text)
		}
		return form{Kind: kNumber, Pos: p, Text: text, Num: n}, nil
	}
	return form{Kind: kSymbol, Pos: p, Text: text}, nil
}

func isNumberStart(s string) bool {
	c := s[0]
	if c == '-' || c == '+' || c == '.' {
		return len(s) > 1 && (s[1] >= '0' && s[1] <= '9' || s[1] == '.')
	}
	return c >= '0' && c <= '9'
}
