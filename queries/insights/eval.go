package insights

import (
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"
)

// eval computes x for record r.
func eval(x expr, r *record) value {
	switch e := x.(type) {
	case fieldRef:
		return r.get(e.name)
	case numLit:
		return num(e.v)
	case strLit:
		return str(e.v)
	case durLit:
		return num(float64(e.ms))
	case regexLit:
		return str(e.src)
	case unary:
		v := eval(e.x, r)
		if e.op == "not" {
			return boolean(!v.truthy())
		}
		f, ok := v.number()
		if !ok {
			return null
		}
		return num(-f)
	case binary:
		return evalBinary(e, r)
	case call:
		if isAggregate(e.name) {
			return r.aggs[e.src]
		}
		if e.name == "bin" { // bin(period) floors @timestamp
			p, ok := eval(e.args[0], r).number()
			ts := r.get("@timestamp")
			if !ok || p <= 0 || ts.k == vNull {
				return null
			}
			return timeMs(floorTo(int64(ts.f), int64(p), false))
		}
		f := functions[e.name]
		args := make([]value, len(e.args))
		for i, a := range e.args {
			args[i] = eval(a, r)
		}
		return f.fn(args, e)
	}
	return null
}

func evalBinary(e binary, r *record) value {
	switch e.op {
	case "and":
		return boolean(eval(e.l, r).truthy() && eval(e.r, r).truthy())
	case "or":
		return boolean(eval(e.l, r).truthy() || eval(e.r, r).truthy())
	case "in":
		l := eval(e.l, r)
		for _, it := range e.r.(listLit).items {
			if equal(l, eval(it, r)) {
				return num(1)
			}
		}
		return num(0)
	case "like":
		l := eval(e.l, r)
		if l.k == vNull {
			return num(0)
		}
		switch p := e.r.(type) {
		case regexLit:
			return boolean(p.re.MatchString(l.String()))
		case strLit: // like "text": the field contains the text
			return boolean(strings.Contains(l.String(), p.v))
		}
		return num(0)
	}
	l, rv := eval(e.l, r), eval(e.r, r)
	switch e.op {
	case "=":
		return boolean(equal(l, rv))
	case "!=":
		return boolean(l.k != vNull && rv.k != vNull && !equal(l, rv))
	case "<", "<=", ">", ">=":
		if l.k == vNull || rv.k == vNull {
			return num(0)
		}
		c := compareForFilter(l, rv)
		switch e.op {
		case "<":
			return boolean(c < 0)
		case "<=":
			return boolean(c <= 0)
		case ">":
			return boolean(c > 0)
		}
		return boolean(c >= 0)
	}
	a, aok := l.number()
	b, bok := rv.number()
	if !aok || !bok {
		return null
	}
	switch e.op {
	case "+":
		return num(a + b)
	case "-":
		return num(a - b)
	case "*":
		return num(a * b)
	case "/":
		if b == 0 {
			return null
		}
		return num(a / b)
	case "%":
		if b == 0 {
			return null
		}
		return num(math.Mod(a, b))
	case "^":
		return num(math.Pow(a, b))
	}
	return null
}

// compareForFilter compares numbers as numbers and anything else as
// strings (lexically, unlike sort's natural order).
func compareForFilter(a, b value) int {
	if af, ok := a.number(); ok {
		if bf, ok := b.number(); ok {
			switch {
			case af < bf:
				return -1
			case af > bf:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(a.String(), b.String())
}

// function is a non-aggregate function of the query language.
type function struct {
	min, max int // arity; max -1 for any
	fn       func(args []value, c call) value
}

func (f function) arity() string {
	switch {
	case f.min == f.max:
		return fmt.Sprintf("%d argument(s)", f.min)
	case f.max < 0:
		return fmt.Sprintf("at least %d argument(s)", f.min)
	}
	return fmt.Sprintf("%d to %d arguments", f.min, f.max)
}

func s1(f func(string) string) function {
	return function{1, 1, func(a []value, _ call) value {
		if a[0].k == vNull {
			return null
		}
		return str(f(a[0].String()))
	}}
}

func n1(f func(float64) float64) function {
	return function{1, 1, func(a []value, _ call) value {
		x, ok := a[0].number()
		if !ok {
			return null
		}
		return num(f(x))
	}}
}

func ipCheck(f func(netip.Addr) bool) function {
	return function{1, 1, func(a []value, _ call) value {
		ip, err := netip.ParseAddr(a[0].String())
		return boolean(err == nil && f(ip))
	}}
}

func ipInSubnet(f func(netip.Addr) bool) function {
	return function{2, 2, func(a []value, _ call) value {
		ip, err1 := netip.ParseAddr(a[0].String())
		pfx, err2 := netip.ParsePrefix(a[1].String())
		return boolean(err1 == nil && err2 == nil && f(ip) && pfx.Contains(ip))
	}}
}

// functions are the documented string, numeric, datetime, general and IP
// functions (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html).
var functions map[string]function

func init() {
	functions = map[string]function{
		"tolower": s1(strings.ToLower), "toupper": s1(strings.ToUpper),
		"trim": s1(strings.TrimSpace), "ltrim": s1(func(s string) string { return strings.TrimLeft(s, " \t\n\r") }),
		"rtrim": s1(func(s string) string { return strings.TrimRight(s, " \t\n\r") }),
		"strlen": {1, 1, func(a []value, _ call) value {
			if a[0].k == vNull {
				return null
			}
			return num(float64(len([]rune(a[0].String()))))
		}},
		"concat": {1, -1, func(a []value, _ call) value {
			var b strings.Builder
			for _, v := range a {
				b.WriteString(v.String())
			}
			return str(b.String())
		}},
		"substr": {2, 3, func(a []value, _ call) value {
			s := []rune(a[0].String())
			start, _ := a[1].number()
			i := max(0, min(int(start), len(s)))
			j := len(s)
			if len(a) == 3 {
				n, _ := a[2].number()
				j = max(i, min(i+int(n), len(s)))
			}
			return str(string(s[i:j]))
		}},
		"replace": {3, 3, func(a []value, _ call) value {
			return str(strings.ReplaceAll(a[0].String(), a[1].String(), a[2].String()))
		}},
		"strcontains": {2, 2, func(a []value, _ call) value {
			return boolean(a[0].k != vNull && strings.Contains(a[0].String(), a[1].String()))
		}},
		"isempty": {1, 1, func(a []value, _ call) value { return boolean(a[0].k == vNull || a[0].String() == "") }},
		"isblank": {1, 1, func(a []value, _ call) value {
			return boolean(a[0].k == vNull || strings.TrimSpace(a[0].String()) == "")
		}},
		"ispresent": {1, 1, func(a []value, _ call) value { return boolean(a[0].k != vNull) }},
		"coalesce": {1, -1, func(a []value, _ call) value {
			for _, v := range a {
				if v.k != vNull {
					return v
				}
			}
			return null
		}},
		"abs": n1(math.Abs), "ceil": n1(math.Ceil), "floor": n1(math.Floor), "sqrt": n1(math.Sqrt), "log": n1(math.Log),
		"greatest":  {1, -1, func(a []value, _ call) value { return extreme(a, 1) }},
		"least":     {1, -1, func(a []value, _ call) value { return extreme(a, -1) }},
		"bin":       {1, 1, func([]value, call) value { return null }}, // evaluated in eval: it reads @timestamp
		"datefloor": {2, 2, func(a []value, _ call) value { return roundTime(a, false) }},
		"dateceil":  {2, 2, func(a []value, _ call) value { return roundTime(a, true) }},
		"frommillis": {1, 1, func(a []value, _ call) value {
			f, ok := a[0].number()
			if !ok {
				return null
			}
			return timeMs(int64(f))
		}},
		"tomillis": {1, 1, func(a []value, _ call) value {
			if a[0].k == vTime {
				return num(a[0].f)
			}
			t, err := parseTime(a[0].String())
			if err != nil {
				return null
			}
			return num(float64(t.UnixMilli()))
		}},
		"isvalidip":      ipCheck(func(netip.Addr) bool { return true }),
		"isvalidipv4":    ipCheck(func(ip netip.Addr) bool { return ip.Is4() }),
		"isvalidipv6":    ipCheck(func(ip netip.Addr) bool { return ip.Is6() && !ip.Is4In6() }),
		"isipinsubnet":   ipInSubnet(func(netip.Addr) bool { return true }),
		"isipv4insubnet": ipInSubnet(func(ip netip.Addr) bool { return ip.Is4() }),
		"isipv6insubnet": ipInSubnet(func(ip netip.Addr) bool { return ip.Is6() }),
	}
}

func extreme(a []value, sign int) value {
	best := null
	for _, v := range a {
		if v.k == vNull {
			continue
		}
		if best.k == vNull || compare(v, best)*sign > 0 {
			best = v
		}
	}
	return best
}

func roundTime(a []value, up bool) value {
	var ms int64
	switch {
	case a[0].k == vTime:
		ms = int64(a[0].f)
	default:
		t, err := parseTime(a[0].String())
		if err != nil {
			return null
		}
		ms = t.UnixMilli()
	}
	p, ok := a[1].number()
	if !ok || p <= 0 {
		return null
	}
	return timeMs(floorTo(ms, int64(p), up))
}

func floorTo(ms, period int64, up bool) int64 {
	f := ms - ((ms%period)+period)%period
	if up && f != ms {
		f += period
	}
	return f
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeFormat, time.RFC3339Nano, "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}
