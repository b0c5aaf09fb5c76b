package eventpattern

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strings"
)

func compileValue(item any, at string) (matcher, error) {
	switch x := item.(type) {
	case string:
		return exactString(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, &Error{Path: at, Msg: fmt.Sprintf("number %s is out of range", x)}
		}
		return exactNumber(f), nil
	case bool:
		return exactBool(x), nil
	case nil:
		return exactNull{}, nil
	case map[string]any:
		return compileOperator(x, at)
	}
	return nil, &Error{Path: at, Msg: fmt.Sprintf("%s cannot be matched; use a value or an operator object", describe(item))}
}

func compileOperator(obj map[string]any, at string) (matcher, error) {
	if len(obj) != 1 {
		return nil, &Error{Path: at, Msg: fmt.Sprintf("an operator object must have exactly one key, has %d", len(obj))}
	}
	for op, arg := range obj {
		at := at + "." + op
		switch op {
		case "prefix", "suffix":
			return compileAffix(op, arg, at)
		case "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: at, Msg: "equals-ignore-case needs a string"}
			}
			return ignoreCase(s), nil
		case "anything-but":
			return compileAnythingBut(arg, at)
		case "numeric":
			return compileNumeric(arg, at)
		case "exists":
			b, ok := arg.(bool)
			if !ok {
				return nil, &Error{Path: at, Msg: "exists needs true or false"}
			}
			if !b {
				return absent{}, nil
			}
			return present{}, nil
		case "cidr":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: at, Msg: "cidr needs a string such as 10.0.0.0/24"}
			}
			return compileCIDR(s, at)
		case "wildcard":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: at, Msg: "wildcard needs a string"}
			}
			return compileWildcard(s, at)
		}
		return nil, &Error{Path: at, Msg: fmt.Sprintf("unknown operator %q (known: prefix, suffix, equals-ignore-case, anything-but, numeric, exists, cidr, wildcard)", op)}
	}
	panic("unreachable")
}

func compileAffix(op string, arg any, at string) (matcher, error) {
	fold := false
	if m, ok := arg.(map[string]any); ok {
		s, ok := m["equals-ignore-case"].(string)
		if len(m) != 1 || !ok {
			return nil, &Error{Path: at, Msg: op + " needs a string or {\"equals-ignore-case\": string}"}
		}
		arg, fold = s, true
	}
	s, ok := arg.(string)
	if !ok {
		return nil, &Error{Path: at, Msg: op + " needs a string"}
	}
	if op == "prefix" {
		return prefix{s, fold}, nil
	}
	return suffix{s, fold}, nil
}

func compileAnythingBut(arg any, at string) (matcher, error) {
	switch x := arg.(type) {
	case string, json.Number:
		m, err := compileValue(x, at)
		return anythingBut{m}, err
	case []any:
		if len(x) == 0 {
			return nil, &Error{Path: at, Msg: "anything-but needs at least one value"}
		}
		var strs, nums int
		var any anyOf
		for i, v := range x {
			switch v.(type) {
			case string:
				strs++
			case json.Number:
				nums++
			default:
				return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i), Msg: "anything-but lists hold only strings or only numbers"}
			}
			m, err := compileValue(v, at)
			if err != nil {
				return nil, err
			}
			any = append(any, m)
		}
		if strs > 0 && nums > 0 {
			return nil, &Error{Path: at, Msg: "anything-but lists hold only strings or only numbers, not both"}
		}
		return anythingBut{any}, nil
	case map[string]any:
		if len(x) != 1 {
			return nil, &Error{Path: at, Msg: "anything-but takes one of prefix, suffix, equals-ignore-case or wildcard"}
		}
		for op, v := range x {
			switch op {
			case "prefix", "suffix":
				if _, ok := v.(string); !ok {
					return nil, &Error{Path: at + "." + op, Msg: "anything-but " + op + " needs a string"}
				}
				m, err := compileAffix(op, v, at+"."+op)
				return anythingBut{m}, err
			case "equals-ignore-case", "wildcard":
				ms, err := stringsOf(v, at+"."+op)
				if err != nil {
					return nil, err
				}
				var any anyOf
				for _, s := range ms {
					if op == "equals-ignore-case" {
						any = append(any, ignoreCase(s))
						continue
					}
					w, err := compileWildcard(s, at+"."+op)
					if err != nil {
						return nil, err
					}
					any = append(any, w)
				}
				return anythingBut{any}, nil
			}
			return nil, &Error{Path: at + "." + op, Msg: fmt.Sprintf("anything-but does not take %q", op)}
		}
	}
	return nil, &Error{Path: at, Msg: fmt.Sprintf("anything-but needs a string, a number, a list of either, or an operator object, not %s", describe(arg))}
}

func stringsOf(v any, at string) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, s := range x {
			str, ok := s.(string)
			if !ok {
				return nil, &Error{Path: at, Msg: "needs a string or a list of strings"}
			}
			out = append(out, str)
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, &Error{Path: at, Msg: "needs a string or a non-empty list of strings"}
}

func compileNumeric(arg any, at string) (matcher, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 || len(list) > 4 {
		return nil, &Error{Path: at, Msg: `numeric needs one or two operator/value pairs, e.g. [">", 0, "<=", 5]`}
	}
	n := numeric{lo: math.Inf(-1), hi: math.Inf(1)}
	var lower, upper, eq bool
	for i := 0; i < len(list); i += 2 {
		op, ok := list[i].(string)
		num, isNum := list[i+1].(json.Number)
		if !ok || !isNum {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i), Msg: "numeric needs an operator string followed by a number"}
		}
		f, err := num.Float64()
		if err != nil || f < -numericLimit || f > numericLimit {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i+1), Msg: fmt.Sprintf("%s is outside the numeric range -1e9..1e9", num)}
		}
		switch op {
		case "=":
			if len(list) != 2 {
				return nil, &Error{Path: at, Msg: `"=" cannot be combined with another bound`}
			}
			n.lo, n.hi, n.loIncl, n.hiIncl, eq = f, f, true, true, true
		case ">", ">=":
			if lower {
				return nil, &Error{Path: at, Msg: "numeric has two lower bounds"}
			}
			n.lo, n.loIncl, lower = f, op == ">=", true
		case "<", "<=":
			if upper {
				return nil, &Error{Path: at, Msg: "numeric has two upper bounds"}
			}
			n.hi, n.hiIncl, upper = f, op == "<=", true
		default:
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i), Msg: fmt.Sprintf("unknown numeric operator %q (=, <, <=, >, >=)", op)}
		}
	}
	if !eq && (n.lo > n.hi || n.lo == n.hi && !(n.loIncl && n.hiIncl)) {
		return nil, &Error{Path: at, Msg: "numeric range is empty: its lower bound is above its upper bound"}
	}
	return n, nil
}

func compileWildcard(s, at string) (matcher, error) {
	var parts []string // literal runs between unescaped stars
	var b strings.Builder
	star := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return nil, &Error{Path: at, Msg: `wildcard: a backslash escapes only "*" or "\"`}
			}
			i++
			b.WriteByte(s[i])
			star = false
		case c == '*':
			if star {
				return nil, &Error{Path: at, Msg: "wildcard: consecutive \"*\" are not allowed"}
			}
			parts = append(parts, b.String())
			b.Reset()
			star = true
		default:
			b.WriteByte(c)
			star = false
		}
	}
	parts = append(parts, b.String())
	return wildcard{parts}, nil
}

// compileCIDR reads a cidr block. An IPv4-mapped IPv6 prefix is refused:
// the guide takes IPv4 and IPv6 blocks, and event-ruler, EventBridge's
// matcher, refuses ::ffff:a.b.c.d/n as a nonstandard address (and the hex
// form ::ffff:a00:0/n, which Java reads as IPv4, for any n over 31).
func compileCIDR(s, at string) (matcher, error) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, &Error{Path: at, Msg: fmt.Sprintf("%q is not a CIDR block: %v", s, err)}
	}
	if a := pfx.Addr(); a.Is4In6() {
		msg := fmt.Sprintf("%q is an IPv4-mapped IPv6 prefix; EventBridge takes IPv4 or IPv6 blocks", s)
		if pfx.Bits() >= 96 {
			msg += fmt.Sprintf(": write the IPv4 block %s", netip.PrefixFrom(a.Unmap(), pfx.Bits()-96).Masked())
		}
		return nil, &Error{Path: at, Msg: msg}
	}
	return cidr{pfx.Masked()}, nil
}

func dotted(path []string) string { return strings.Join(path, ".") }

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("%v", x)
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
