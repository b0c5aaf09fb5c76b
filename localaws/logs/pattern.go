package logs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pattern is a compiled filter pattern, the subset of
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
// that FilterLogEvents serves:
//
//   - empty: every event;
//   - terms: ERROR Exception (all must occur), "exact phrase" (quoted,
//     a substring), ?ERROR ?WARN (any of them), -DEBUG (none of them);
//     an unquoted term matches a whole word (not inside a longer run of
//     letters and digits); matching is case-sensitive;
//   - JSON: { $.level = "ERROR" && ($.latency > 100 || $.retry IS TRUE) },
//     selectors $.a.b and $.a[0], operators = != < > <= >=, string values
//     quoted or bare with * as a wildcard, numbers, IS NULL, IS TRUE,
//     IS FALSE, NOT EXISTS; an event that is not a JSON object does not
//     match;
//   - a regular expression between % (Go's RE2 syntax).
//
// Space-delimited patterns ([ip, user, ...]) are refused.
type Pattern struct {
	match func(msg string) bool
}

// Match reports whether a log event's message matches.
func (p *Pattern) Match(msg string) bool { return p.match(msg) }

// CompilePattern reads a filter pattern; an error says what is wrong and
// where.
func CompilePattern(src string) (*Pattern, error) {
	// CloudWatch Logs takes the pattern as a JSON string, so it is UTF-8;
	// a pattern that is not would otherwise reach regexp as a panic.
	if !utf8.ValidString(src) {
		for i, r := range src {
			if _, size := utf8.DecodeRuneInString(src[i:]); r == utf8.RuneError && size == 1 {
				return nil, fmt.Errorf("the filter pattern is not valid UTF-8 at byte %d", i)
			}
		}
	}
	s := strings.TrimSpace(src)
	switch {
	case s == "":
		return &Pattern{match: func(string) bool { return true }}, nil
	case strings.HasPrefix(s, "{"):
		return compileJSON(s)
	case strings.HasPrefix(s, "["):
		return nil, fmt.Errorf("space-delimited filter patterns ([...]) are not served locally")
	case len(s) > 1 && strings.HasPrefix(s, "%") && strings.HasSuffix(s, "%"):
		re, err := regexp.Compile(s[1 : len(s)-1])
		if err != nil {
			return nil, fmt.Errorf("the regular expression %s: %v", s, err)
		}
		return &Pattern{match: re.MatchString}, nil
	}
	return compileTerms(s)
}

type term struct {
	text   string
	quoted bool
}

func (t term) in(msg string) bool {
	if t.quoted {
		return strings.Contains(msg, t.text)
	}
	for i := 0; ; {
		j := strings.Index(msg[i:], t.text)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(t.text)
		if !wordByteAt(msg, start-1) && !wordByteAt(msg, end) {
			return true
		}
		i = start + 1
	}
}

func wordByteAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := rune(s[i])
	return c >= 0x80 || unicode.IsLetter(c) || unicode.IsDigit(c)
}

func compileTerms(s string) (*Pattern, error) {
	var all, any, none []term
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		kind := byte(0)
		if s[i] == '?' || s[i] == '-' {
			kind, i = s[i], i+1
		}
		var t term
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("the quoted term at column %d has no closing quote", i+1)
			}
			t, i = term{text: s[i+1 : i+1+end], quoted: true}, i+end+2
		} else {
			end := strings.IndexAny(s[i:], " \t")
			if end < 0 {
				end = len(s) - i
			}
			t, i = term{text: s[i : i+end]}, i+end
		}
		if t.text == "" {
			return nil, fmt.Errorf("an empty term at column %d", i)
		}
		switch kind {
		case '?':
			any = append(any, t)
		case '-':
			none = append(none, t)
		default:
			all = append(all, t)
		}
	}
	return &Pattern{match: func(msg string) bool {
		for _, t := range all {
			if !t.in(msg) {
				return false
			}
		}
		for _, t := range none {
			if t.in(msg) {
				return false
			}
		}
		if len(any) == 0 {
			return true
		}
		for _, t := range any {
			if t.in(msg) {
				return true
			}
		}
		return false
	}}, nil
}

// A JSON pattern is an expression over the parsed message.
type jsonExpr func(doc any) bool

type jsonParser struct {
	s string
	i int
}

func compileJSON(s string) (*Pattern, error) {
	p := &jsonParser{s: s, i: 1}
	x, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i >= len(p.s) || p.s[p.i] != '}' {
		return nil, p.errorf("expected } or an operator (&&, ||)")
	}
	if p.i++; strings.TrimSpace(p.s[p.i:]) != "" {
		return nil, p.errorf("unexpected text after }")
	}
	return &Pattern{match: func(msg string) bool {
		var doc any
		if json.Unmarshal([]byte(msg), &doc) != nil {
			return false
		}
		if _, ok := doc.(map[string]any); !ok {
			return false
		}
		return x(doc)
	}}, nil
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("filter pattern column %d: %s", p.i+1, fmt.Sprintf(format, args...))
}

func (p *jsonParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *jsonParser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *jsonParser) or() (jsonExpr, error) {
	x, err := p.and()
	for err == nil && p.eat("||") {
		var y jsonExpr
		if y, err = p.and(); err == nil {
			l := x
			x = func(d any) bool { return l(d) || y(d) }
		}
	}
	return x, err
}

func (p *jsonParser) and() (jsonExpr, error) {
	x, err := p.unary()
	for err == nil && p.eat("&&") {
		var y jsonExpr
		if y, err = p.unary(); err == nil {
			l := x
			x = func(d any) bool { return l(d) && y(d) }
		}
	}
	return x, err
}

func (p *jsonParser) unary() (jsonExpr, error) {
	if p.eat("(") {
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, p.errorf("expected )")
		}
		return x, nil
	}
	return p.condition()
}

// condition is selector op value, or selector IS NULL|TRUE|FALSE, or
// selector NOT EXISTS.
func (p *jsonParser) condition() (jsonExpr, error) {
	path, err := p.selector()
	if err != nil {
		return nil, err
	}
	get := func(d any) (any, bool) { return lookupPath(d, path) }
	switch {
	case p.eatWord("IS"):
		switch {
		case p.eatWord("NULL"):
			return func(d any) bool { v, ok := get(d); return ok && v == nil }, nil
		case p.eatWord("TRUE"):
			return func(d any) bool { v, ok := get(d); return ok && v == true }, nil
		case p.eatWord("FALSE"):
			return func(d any) bool { v, ok := get(d); return ok && v == false }, nil
		}
		return nil, p.errorf("IS takes NULL, TRUE or FALSE")
	case p.eatWord("NOT"):
		if !p.eatWord("EXISTS") {
			return nil, p.errorf("NOT takes EXISTS")
		}
		return func(d any) bool { _, ok := get(d); return !ok }, nil
	}
	op := ""
	for _, o := range []string{"!=", ">=", "<=", "=", ">", "<"} {
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, p.errorf("expected an operator (= != < > <= >=) after the selector")
	}
	return p.comparison(get, op)
}

func (p *jsonParser) eatWord(w string) bool {
	p.skip()
	if len(p.s)-p.i >= len(w) && strings.EqualFold(p.s[p.i:p.i+len(w)], w) && !wordByteAt(p.s, p.i+len(w)) {
		p.i += len(w)
		return true
	}
	return false
}

// selector reads $.a.b[0].c into its steps: names and indexes.
func (p *jsonParser) selector() ([]any, error) {
	p.skip()
	if p.i >= len(p.s) || p.s[p.i] != '$' {
		return nil, p.errorf("expected a selector ($.field)")
	}
	p.i++
	var path []any
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '.':
			start := p.i + 1
			p.i = start
			for p.i < len(p.s) && !strings.ContainsRune(" \t\n.[=!<>()&|}", rune(p.s[p.i])) {
				p.i++
			}
			if p.i == start {
				return nil, p.errorf("a selector step needs a name")
			}
			path = append(path, p.s[start:p.i])
		case '[':
			end := strings.IndexByte(p.s[p.i:], ']')
			if end < 0 {
				return nil, p.errorf("[ has no ]")
			}
			n, err := strconv.Atoi(p.s[p.i+1 : p.i+end])
			if err != nil || n < 0 {
				return nil, p.errorf("an array index must be a whole number")
			}
			path, p.i = append(path, n), p.i+end+1
		default:
			if len(path) == 0 {
				return nil, p.errorf("expected a selector ($.field)")
			}
			return path, nil
		}
	}
	return path, nil
}

func lookupPath(v any, path []any) (any, bool) {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || s >= len(a) {
				return nil, false
			}
			v = a[s]
		}
	}
	return v, true
}

// comparison reads the value and builds the test: numbers compare as
// numbers, strings (quoted or bare, * a wildcard) with = and != only.
func (p *jsonParser) comparison(get func(any) (any, bool), op string) (jsonExpr, error) {
	p.skip()
	var text string
	quoted := p.i < len(p.s) && p.s[p.i] == '"'
	if quoted {
		end := strings.IndexByte(p.s[p.i+1:], '"')
		if end < 0 {
			return nil, p.errorf("the string value has no closing quote")
		}
		text, p.i = p.s[p.i+1:p.i+1+end], p.i+end+2
	} else {
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(" \t\n()&|}", rune(p.s[p.i])) {
			p.i++
		}
		if text = p.s[start:p.i]; text == "" {
			return nil, p.errorf("expected a value after %s", op)
		}
	}
	if n, err := strconv.ParseFloat(text, 64); err == nil && !quoted {
		return func(d any) bool {
			v, ok := get(d)
			f, isNum := v.(float64)
			return ok && isNum && compareNum(f, op, n)
		}, nil
	}
	if op != "=" && op != "!=" {
		return nil, p.errorf("%s compares numbers, not %q", op, text)
	}
	re := wildcard(text)
	return func(d any) bool {
		v, ok := get(d)
		s, isStr := v.(string)
		if !ok || !isStr {
			return false
		}
		return re.MatchString(s) == (op == "=")
	}, nil
}

func compareNum(f float64, op string, n float64) bool {
	switch op {
	case "=":
		return f == n
	case "!=":
		return f != n
	case ">":
		return f > n
	case ">=":
		return f >= n
	case "<":
		return f < n
	}
	return f <= n
}

// wildcard is a string value with * matching any run of characters.
func wildcard(v string) *regexp.Regexp {
	parts := strings.Split(v, "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}
