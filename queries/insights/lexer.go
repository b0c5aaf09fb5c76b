package insights

import (
	"fmt"
	"strings"
	"unicode"
)

// tokKind is a lexical token kind.
type tokKind int

const (
	tEOF      tokKind = iota
	tIdent            // a field or keyword: name, @name, a.b.c, `quoted name`
	tNumber           // 3, 2.5, 1e3
	tDuration         // 5m, 1h, 30s (bin periods)
	tString           // "..." or '...'
	tRegex            // /.../flags
	tOp               // = == != < <= > >= + - * / % ^ =~ ( ) [ ] ,
	tPipe             // |
)

type token struct {
	kind      tokKind
	text      string // identifier, number text, unquoted string, regex body, operator
	flags     string // regex flags
	quoted    bool   // a backtick-quoted identifier
	line, col int
	off, end  int // byte offsets in the query
}

// SyntaxError is a query that cannot be parsed, at line:col.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("query:%d:%d: %s", e.Line, e.Col, e.Msg) }

// lex splits a query into tokens. Comments run from # to the end of the
// line (outside strings and regexes).
func lex(src string) ([]token, error) {
	var out []token
	line, col := 1, 1
	i := 0
	adv := func(n int) {
		for k := 0; k < n && i < len(src); k++ {
			if src[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
	}
	prevValue := func() bool { // can a '/' here be division?
		if len(out) == 0 {
			return false
		}
		t := out[len(out)-1]
		if len(out) >= 2 && out[len(out)-2].kind == tIdent && strings.EqualFold(out[len(out)-2].text, "parse") {
			return false // parse @message /regex/
		}
		return t.kind == tIdent && !isKeyword(t.text) || t.kind == tNumber || t.kind == tDuration ||
			t.kind == tString || t.kind == tOp && (t.text == ")" || t.text == "]")
	}
	for i < len(src) {
		start, n0 := i, len(out)
		c := src[i]
		switch {
		case c == '\n' || c == ' ' || c == '\t' || c == '\r':
			adv(1)
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case c == '|':
			out = append(out, token{kind: tPipe, text: "|", line: line, col: col})
			adv(1)
		case c == '"' || c == '\'':
			l, cl := line, col
			s, n, err := readQuoted(src[i:], c)
			if err != nil {
				return nil, &SyntaxError{l, cl, err.Error()}
			}
			out = append(out, token{kind: tString, text: s, line: l, col: cl})
			adv(n)
		case c == '`':
			l, cl := line, col
			end := strings.IndexByte(src[i+1:], '`')
			if end < 0 {
				return nil, &SyntaxError{l, cl, "unterminated `field name`"}
			}
			out = append(out, token{kind: tIdent, text: src[i+1 : i+1+end], quoted: true, line: l, col: cl})
			adv(end + 2)
		case c == '/' && !prevValue():
			l, cl := line, col
			body, flags, n, err := readRegex(src[i:])
			if err != nil {
				return nil, &SyntaxError{l, cl, err.Error()}
			}
			out = append(out, token{kind: tRegex, text: body, flags: flags, line: l, col: cl})
			adv(n)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			l, cl := line, col
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' ||
				(src[j] == 'e' || src[j] == 'E') && j+1 < len(src) && (src[j+1] >= '0' && src[j+1] <= '9' || src[j+1] == '-' || src[j+1] == '+')) {
				if src[j] == 'e' || src[j] == 'E' {
					j++
				}
				j++
			}
			k := j
			for k < len(src) && unicode.IsLetter(rune(src[k])) {
				k++
			}
			if k > j {
				out = append(out, token{kind: tDuration, text: src[i:k], line: l, col: cl})
			} else {
				out = append(out, token{kind: tNumber, text: src[i:j], line: l, col: cl})
			}
			adv(k - i)
		case c == '@' || c == '_' || unicode.IsLetter(rune(c)):
			l, cl := line, col
			j := i + 1
			for j < len(src) && (src[j] == '.' || isIdentByte(src[j])) {
				j++
			}
			out = append(out, token{kind: tIdent, text: src[i:j], line: l, col: cl})
			adv(j - i)
		default:
			l, cl := line, col
			op := string(c)
			if i+1 < len(src) {
				two := src[i : i+2]
				switch two {
				case "==", "!=", "<=", ">=", "=~":
					op = two
				}
			}
			if !strings.Contains("=!<>+-*/%^()[],", string(c)) {
				return nil, &SyntaxError{l, cl, fmt.Sprintf("unexpected character %q", c)}
			}
			out = append(out, token{kind: tOp, text: op, line: l, col: cl})
			adv(len(op))
		}
		if len(out) > n0 {
			out[n0].off, out[n0].end = start, i
		}
	}
	out = append(out, token{kind: tEOF, line: line, col: col})
	return out, nil
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func readQuoted(s string, q byte) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[i])
				}
			}
		case q:
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}

func readRegex(s string) (body, flags string, n int, err error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\n':
			return "", "", 0, fmt.Errorf("unterminated regular expression")
		case '/':
			j := i + 1
			for j < len(s) && (s[j] == 'i' || s[j] == 'm' || s[j] == 's') {
				j++
			}
			return s[1:i], s[i+1 : j], j, nil
		}
	}
	return "", "", 0, fmt.Errorf("unterminated regular expression")
}

var keywords = map[string]bool{"and": true, "or": true, "not": true, "in": true, "like": true, "as": true,
	"by": true, "asc": true, "desc": true}

func isKeyword(s string) bool { return keywords[strings.ToLower(s)] }
