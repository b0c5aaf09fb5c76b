package insights

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Query is a parsed Logs Insights query.
type Query struct {
	src  string
	cmds []command
}

// Parse parses a query. Keywords are case-insensitive; errors name the
// line and column.
func Parse(src string) (*Query, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	q := &Query{src: src}
	for {
		if p.peek().kind == tEOF {
			break
		}
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		q.cmds = append(q.cmds, c)
		switch t := p.peek(); t.kind {
		case tPipe:
			p.next()
		case tEOF:
		default:
			return nil, p.errorf(t, "unexpected %q: commands are separated by |", t.text)
		}
	}
	if len(q.cmds) == 0 {
		return nil, &SyntaxError{1, 1, "empty query"}
	}
	return q, validate(q)
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &SyntaxError{t.line, t.col, fmt.Sprintf(format, args...)}
}

// word reports whether t is the keyword w (any case).
func word(t token, w string) bool {
	return t.kind == tIdent && !t.quoted && strings.EqualFold(t.text, w)
}

func (p *parser) command() (command, error) {
	t := p.next()
	if t.kind != tIdent {
		return nil, p.errorf(t, "expected a command (fields, display, filter, parse, stats, sort, limit, dedup)")
	}
	switch strings.ToLower(t.text) {
	case "fields":
		items, err := p.projections(false)
		return fieldsCmd{items}, err
	case "display":
		items, err := p.projections(false)
		return displayCmd{items}, err
	case "filter":
		x, err := p.expr()
		return filterCmd{x}, err
	case "parse":
		return p.parseCommand()
	case "stats":
		return p.statsCommand()
	case "sort":
		return p.sortCommand()
	case "limit":
		n := p.next()
		v, err := strconv.Atoi(n.text)
		if n.kind != tNumber || err != nil || v < 1 {
			return nil, p.errorf(n, "limit needs a positive whole number")
		}
		if v > 10000 {
			return nil, p.errorf(n, "limit is at most 10000")
		}
		return limitCmd{v}, nil
	case "dedup":
		var fields []string
		for {
			f := p.next()
			if f.kind != tIdent {
				return nil, p.errorf(f, "dedup needs field names")
			}
			fields = append(fields, f.text)
			if !p.comma() {
				return dedupCmd{fields}, nil
			}
		}
	}
	return nil, p.errorf(t, "unknown command %q", t.text)
}

func (p *parser) comma() bool {
	if t := p.peek(); t.kind == tOp && t.text == "," {
		p.next()
		return true
	}
	return false
}

// projections reads "expr [as name], ...".
func (p *parser) projections(needAgg bool) ([]projection, error) {
	var out []projection
	for {
		start := p.peek()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		pr := projection{x: x, name: p.textFrom(start)}
		if f, ok := x.(fieldRef); ok {
			pr.name = f.name
		}
		if word(p.peek(), "as") {
			p.next()
			n := p.next()
			if n.kind != tIdent {
				return nil, p.errorf(n, "as needs a field name")
			}
			pr.name = n.text
		}
		out = append(out, pr)
		if !p.comma() {
			return out, nil
		}
	}
}

// textFrom is the query text from token start to the last token read.
func (p *parser) textFrom(start token) string {
	last := p.toks[max(p.i-1, 0)]
	return strings.TrimSpace(p.src[start.off:last.end])
}

func (p *parser) parseCommand() (command, error) {
	src, err := p.primary()
	if err != nil {
		return nil, err
	}
	pat := p.next()
	switch pat.kind {
	case tString:
		if !word(p.peek(), "as") {
			return nil, p.errorf(p.peek(), `parse with a glob needs "as" and one field name per *`)
		}
		p.next()
		var names []string
		for {
			n := p.next()
			if n.kind != tIdent {
				return nil, p.errorf(n, "expected a field name")
			}
			names = append(names, n.text)
			if !p.comma() {
				break
			}
		}
		parts := strings.Split(pat.text, "*")
		if len(parts)-1 != len(names) {
			return nil, p.errorf(pat, "the glob has %d * but %d field names follow as", len(parts)-1, len(names))
		}
		return parseCmd{src: src, glob: parts, names: names}, nil
	case tRegex:
		re, err := compileRegex(pat.text, pat.flags)
		if err != nil {
			return nil, p.errorf(pat, "invalid regular expression: %v", err)
		}
		var names []string
		for _, n := range re.SubexpNames() {
			if n != "" {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, p.errorf(pat, "parse with a regular expression needs named groups (?<name>...)")
		}
		return parseCmd{src: src, re: re, names: names}, nil
	}
	return nil, p.errorf(pat, "parse needs a glob string or a /regular expression/")
}

// compileRegex accepts Logs Insights' (?<name>...) groups, which Go spells
// (?P<name>...), and the i flag.
func compileRegex(body, flags string) (*regexp.Regexp, error) {
	body = strings.ReplaceAll(body, "(?<", "(?P<")
	body = strings.ReplaceAll(body, `\/`, "/")
	if flags != "" {
		body = "(?" + flags + ")" + body
	}
	return regexp.Compile(body)
}

func (p *parser) statsCommand() (command, error) {
	start := p.peek()
	aggs, err := p.projections(true)
	if err != nil {
		return nil, err
	}
	for _, a := range aggs {
		if !hasAggregate(a.x) {
			return nil, p.errorf(start, "stats needs aggregate functions (count, sum, avg, ...); %q is not one", a.name)
		}
	}
	var groups []projection
	if word(p.peek(), "by") {
		p.next()
		if groups, err = p.projections(false); err != nil {
			return nil, err
		}
	}
	return statsCmd{aggs: aggs, groups: groups}, nil
}

func (p *parser) sortCommand() (command, error) {
	var keys []sortKey
	for {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		k := sortKey{x: x, desc: true} // Logs Insights sorts descending unless asc is given
		switch {
		case word(p.peek(), "asc"):
			p.next()
			k.desc = false
		case word(p.peek(), "desc"):
			p.next()
		}
		keys = append(keys, k)
		if !p.comma() {
			return sortCmd{keys}, nil
		}
	}
}

// Expressions, lowest precedence first.

func (p *parser) expr() (expr, error) { return p.or() }

func (p *parser) or() (expr, error) {
	l, err := p.and()
	for err == nil && word(p.peek(), "or") {
		p.next()
		var r expr
		if r, err = p.and(); err == nil {
			l = binary{"or", l, r}
		}
	}
	return l, err
}

func (p *parser) and() (expr, error) {
	l, err := p.not()
	for err == nil && word(p.peek(), "and") {
		p.next()
		var r expr
		if r, err = p.not(); err == nil {
			l = binary{"and", l, r}
		}
	}
	return l, err
}

func (p *parser) not() (expr, error) {
	if word(p.peek(), "not") {
		p.next()
		x, err := p.not()
		return unary{"not", x}, err
	}
	return p.comparison()
}

func (p *parser) comparison() (expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tOp && (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		p.next()
		r, err := p.additive()
		op := t.text
		if op == "==" {
			op = "="
		}
		return binary{op, l, r}, err
	case t.kind == tOp && t.text == "=~":
		p.next()
		r, err := p.likeOperand()
		return binary{"like", l, r}, err
	case word(t, "like"):
		p.next()
		r, err := p.likeOperand()
		return binary{"like", l, r}, err
	case word(t, "in"):
		p.next()
		r, err := p.primary()
		if _, ok := r.(listLit); err == nil && !ok {
			return nil, p.errorf(t, "in needs a list [a, b, ...]")
		}
		return binary{"in", l, r}, err
	case word(t, "not") && word(p.toks[p.i+1], "in"):
		p.next()
		p.next()
		r, err := p.primary()
		if _, ok := r.(listLit); err == nil && !ok {
			return nil, p.errorf(t, "not in needs a list [a, b, ...]")
		}
		return unary{"not", binary{"in", l, r}}, err
	case word(t, "not") && word(p.toks[p.i+1], "like"):
		p.next()
		p.next()
		r, err := p.likeOperand()
		return unary{"not", binary{"like", l, r}}, err
	}
	return l, nil
}

func (p *parser) likeOperand() (expr, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return strLit{t.text}, nil
	case tRegex:
		re, err := compileRegex(t.text, t.flags)
		if err != nil {
			return nil, p.errorf(t, "invalid regular expression: %v", err)
		}
		return regexLit{re, t.text}, nil
	}
	return nil, p.errorf(t, "like needs a string or a /regular expression/")
}

func (p *parser) additive() (expr, error) {
	l, err := p.multiplicative()
	for err == nil {
		t := p.peek()
		if t.kind != tOp || t.text != "+" && t.text != "-" {
			break
		}
		p.next()
		var r expr
		if r, err = p.multiplicative(); err == nil {
			l = binary{t.text, l, r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (expr, error) {
	l, err := p.power()
	for err == nil {
		t := p.peek()
		if t.kind != tOp || t.text != "*" && t.text != "/" && t.text != "%" {
			break
		}
		p.next()
		var r expr
		if r, err = p.power(); err == nil {
			l = binary{t.text, l, r}
		}
	}
	return l, err
}

func (p *parser) power() (expr, error) {
	if t := p.peek(); t.kind == tOp && t.text == "-" {
		p.next()
		x, err := p.power()
		return unary{"-", x}, err
	}
	l, err := p.primary()
	if err == nil {
		if t := p.peek(); t.kind == tOp && t.text == "^" {
			p.next()
			var r expr
			if r, err = p.power(); err == nil {
				l = binary{"^", l, r}
			}
		}
	}
	return l, err
}

func (p *parser) primary() (expr, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.errorf(t, "invalid number %q", t.text)
		}
		return numLit{v, t.text}, nil
	case tDuration:
		ms, err := parseDuration(t.text)
		if err != nil {
			return nil, p.errorf(t, "%v", err)
		}
		return durLit{ms, t.text}, nil
	case tString:
		return strLit{t.text}, nil
	case tRegex:
		re, err := compileRegex(t.text, t.flags)
		if err != nil {
			return nil, p.errorf(t, "invalid regular expression: %v", err)
		}
		return regexLit{re, t.text}, nil
	case tIdent:
		if !t.quoted && isKeyword(t.text) {
			return nil, p.errorf(t, "unexpected keyword %q", t.text)
		}
		if n := p.peek(); !t.quoted && n.kind == tOp && n.text == "(" {
			return p.call(t)
		}
		return fieldRef{t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			if c := p.next(); c.kind != tOp || c.text != ")" {
				return nil, p.errorf(c, "expected )")
			}
			return x, nil
		case "[":
			var items []expr
			if c := p.peek(); c.kind == tOp && c.text == "]" {
				p.next()
				return listLit{}, nil
			}
			for {
				x, err := p.expr()
				if err != nil {
					return nil, err
				}
				items = append(items, x)
				if !p.comma() {
					break
				}
			}
			if c := p.next(); c.kind != tOp || c.text != "]" {
				return nil, p.errorf(c, "expected ]")
			}
			return listLit{items}, nil
		}
	case tEOF:
		return nil, p.errorf(t, "unexpected end of query")
	}
	return nil, p.errorf(t, "unexpected %q", t.text)
}

func (p *parser) call(name token) (expr, error) {
	p.next() // (
	fn := strings.ToLower(name.text)
	if _, ok := functions[fn]; !ok && !isAggregate(fn) {
		return nil, p.errorf(name, "unknown function %q", name.text)
	}
	var args []expr
	if c := p.peek(); c.kind == tOp && c.text == ")" {
		p.next()
	} else {
		for {
			var x expr
			var err error
			if t := p.peek(); t.kind == tOp && t.text == "*" && fn == "count" { // count(*)
				p.next()
				x = fieldRef{"*"}
			} else if x, err = p.expr(); err != nil {
				return nil, err
			}
			args = append(args, x)
			if !p.comma() {
				break
			}
		}
		if c := p.next(); c.kind != tOp || c.text != ")" {
			return nil, p.errorf(c, "expected ) to close %s(", name.text)
		}
	}
	if f, ok := functions[fn]; ok && (len(args) < f.min || f.max >= 0 && len(args) > f.max) {
		return nil, p.errorf(name, "%s takes %s, got %d", name.text, f.arity(), len(args))
	}
	if isAggregate(fn) {
		want := map[string][2]int{"count": {0, 1}, "pct": {2, 2}}[fn]
		if want == [2]int{} {
			want = [2]int{1, 1}
		}
		if len(args) < want[0] || len(args) > want[1] {
			return nil, p.errorf(name, "%s takes %d to %d argument(s), got %d", name.text, want[0], want[1], len(args))
		}
		if fn == "pct" {
			if _, ok := args[1].(numLit); !ok {
				return nil, p.errorf(name, "pct's second argument must be a number (the percentile)")
			}
		}
	}
	return call{name: fn, args: args, src: p.textFrom(name)}, nil
}

// parseDuration reads bin periods: 500ms, 30s, 5m, 1h, 1d, 1w, 1mo, 1q, 1y.
func parseDuration(s string) (int64, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid period %q", s)
	}
	unit := map[string]float64{"ms": 1, "s": 1e3, "sec": 1e3, "m": 60e3, "min": 60e3, "h": 3600e3, "hr": 3600e3,
		"d": 86400e3, "w": 7 * 86400e3, "mo": 30 * 86400e3, "q": 91 * 86400e3, "y": 365 * 86400e3}[strings.ToLower(s[i:])]
	if unit == 0 {
		return 0, fmt.Errorf("unknown period unit in %q (ms, s, m, h, d, w, mo, q, y)", s)
	}
	return int64(n * unit), nil
}
