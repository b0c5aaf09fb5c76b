package cwalarm

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// A metric-math expression, the subset the generated alarms use:
// numbers, metric ids, + - * /, comparisons (> >= < <= == !=) giving 1
// or 0, AND / OR, IF(cond, a, b) and FILL(m, value).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
// Missing points (the same page): in an operation of two
// series, a series without a point at a time counts as 0 when the other
// has one there; with neither, or with a scalar on the other side, the
// result has no point. Division by zero gives no point; FILL replaces
// missing points.
type mathExpr interface {
	eval(vals map[string]float64) float64 // NaN: missing
}

type (
	mNum float64
	mRef string
	mBin struct {
		op   string
		l, r mathExpr
	}
	mIf   struct{ c, a, b mathExpr }
	mFill struct{ x, v mathExpr }
)

func (n mNum) eval(map[string]float64) float64 { return float64(n) }
func (r mRef) eval(v map[string]float64) float64 {
	if x, ok := v[string(r)]; ok {
		return x
	}
	return math.NaN()
}
func (f mFill) eval(v map[string]float64) float64 {
	if x := f.x.eval(v); !math.IsNaN(x) {
		return x
	}
	return f.v.eval(v)
}
func (i mIf) eval(v map[string]float64) float64 {
	c := i.c.eval(v)
	if math.IsNaN(c) {
		return math.NaN()
	}
	if c != 0 {
		return i.a.eval(v)
	}
	return i.b.eval(v)
}
func (b mBin) eval(v map[string]float64) float64 {
	l, r := b.l.eval(v), b.r.eval(v)
	switch ln, rn := math.IsNaN(l), math.IsNaN(r); {
	case ln && rn:
		return math.NaN()
	case ln && !constant(b.r) && !constant(b.l):
		l = 0
	case rn && !constant(b.l) && !constant(b.r):
		r = 0
	case ln || rn:
		return math.NaN()
	}
	t := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	switch b.op {
	case "+":
		return l + r
	case "-":
		return l - r
	case "*":
		return l * r
	case "/":
		if r == 0 {
			return math.NaN()
		}
		return l / r
	case ">":
		return t(l > r)
	case ">=":
		return t(l >= r)
	case "<":
		return t(l < r)
	case "<=":
		return t(l <= r)
	case "==":
		return t(l == r)
	case "!=":
		return t(l != r)
	case "AND":
		return t(l != 0 && r != 0)
	case "OR":
		return t(l != 0 || r != 0)
	}
	return math.NaN()
}

// constant reports whether x uses no metric: a scalar, not a series.
func constant(x mathExpr) bool {
	switch x := x.(type) {
	case mNum:
		return true
	case mBin:
		return constant(x.l) && constant(x.r)
	case mIf:
		return constant(x.c) && constant(x.a) && constant(x.b)
	case mFill:
		return constant(x.x)
	}
	return false
}

// parseMath parses an expression; refs lists the ids it uses.
func parseMath(src string) (mathExpr, []string, error) {
	p := &mathParser{src: src}
	p.lex()
	x, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("expression %q: unexpected %q", src, p.toks[p.i])
	}
	return x, p.refs, err
}

type mathParser struct {
	src  string
	toks []string
	i    int
	refs []string
}

func (p *mathParser) lex() {
	s := p.src
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.ContainsRune("+-*/(),", c):
			p.toks = append(p.toks, string(c))
			i++
		case strings.ContainsRune("<>=!&|", c):
			j := i + 1
			if j < len(s) && strings.ContainsRune("=&|", rune(s[j])) {
				j++
			}
			p.toks = append(p.toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_' || s[j] == '.') {
				j++
			}
			if j == i {
				j++
			}
			p.toks = append(p.toks, s[i:j])
			i = j
		}
	}
}

func (p *mathParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *mathParser) bin(next func() (mathExpr, error), ops ...string) (mathExpr, error) {
	l, err := next()
	for err == nil {
		op := strings.ToUpper(p.peek())
		switch op {
		case "&&":
			op = "AND"
		case "||":
			op = "OR"
		}
		found := false
		for _, o := range ops {
			found = found || o == op
		}
		if !found {
			break
		}
		p.i++
		var r mathExpr
		if r, err = next(); err == nil {
			l = mBin{op, l, r}
		}
	}
	return l, err
}

func (p *mathParser) or() (mathExpr, error)  { return p.bin(p.and, "OR") }
func (p *mathParser) and() (mathExpr, error) { return p.bin(p.cmp, "AND") }
func (p *mathParser) cmp() (mathExpr, error) { return p.bin(p.add, ">", ">=", "<", "<=", "==", "!=") }
func (p *mathParser) add() (mathExpr, error) { return p.bin(p.mul, "+", "-") }
func (p *mathParser) mul() (mathExpr, error) { return p.bin(p.unary, "*", "/") }

func (p *mathParser) unary() (mathExpr, error) {
	if p.peek() == "-" {
		p.i++
		x, err := p.unary()
		return mBin{"-", mNum(0), x}, err
	}
	return p.primary()
}

func (p *mathParser) primary() (mathExpr, error) {
	t := p.peek()
	if t == "" {
		return nil, fmt.Errorf("expression %q ends too early", p.src)
	}
	p.i++
	if t == "(" {
		x, err := p.or()
		if err == nil && p.peek() != ")" {
			err = fmt.Errorf("expression %q: missing )", p.src)
		}
		p.i++
		return x, err
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return mNum(f), nil
	}
	if p.peek() == "(" {
		p.i++
		var args []mathExpr
		for {
			x, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, x)
			if p.peek() == "," {
				p.i++
				continue
			}
			break
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("expression %q: missing ) after %s(", p.src, t)
		}
		p.i++
		switch strings.ToUpper(t) {
		case "IF":
			if len(args) != 3 {
				return nil, fmt.Errorf("expression %q: IF takes 3 arguments", p.src)
			}
			return mIf{args[0], args[1], args[2]}, nil
		case "FILL":
			if len(args) != 2 {
				return nil, fmt.Errorf("expression %q: FILL takes 2 arguments", p.src)
			}
			return mFill{args[0], args[1]}, nil
		}
		return nil, fmt.Errorf("expression %q: function %s is not supported by the simulator", p.src, t)
	}
	p.refs = append(p.refs, t)
	return mRef(t), nil
}
