// Package eventpattern implements Amazon EventBridge event patterns
// (content filtering), written here because no maintained Go
// implementation can be had (quamina cannot be fetched in this build
// environment).
//
// Supported: exact strings, numbers (compared as numbers: 3 matches 3.0),
// booleans and null; arrays as OR; nested objects; arrays in events
// (a pattern matches if any element does; arrays of objects are
// flattened); prefix and suffix (each also with equals-ignore-case);
// equals-ignore-case; anything-but with a value, a list of strings or of
// numbers, prefix, suffix, equals-ignore-case or wildcard; numeric with
// =, <, <=, >, >= (one lower and one upper bound at most); exists;
// cidr (IPv4 and IPv6); wildcard; and $or at any level.
//
// Semantics follow the EventBridge user guide:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
// Where the guide is silent we follow event-ruler, the library behind
// EventBridge: null is a value (exists: true and anything-but match it;
// a missing field matches neither), and operators apply to leaves only,
// so a field holding an object has no values (exists: false matches it).
package eventpattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxLength is EventBridge's limit on a pattern's length, in characters.
const MaxLength = 2048

// numericLimit bounds numeric matching ("limited to values between
// -1.0e9 and +1.0e9 inclusive", content filtering page).
const numericLimit = 1e9

// Error is an invalid pattern: what is wrong, and where (a dotted path
// into the pattern).
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "invalid event pattern: " + e.Msg
	}
	return fmt.Sprintf("invalid event pattern at %s: %s", e.Path, e.Msg)
}

// Pattern is a compiled event pattern. It is safe for concurrent use.
type Pattern struct {
	root  *group
	paths [][]string // leaf paths, indexed by leaf id
	trie  *trieNode
}

// group is a conjunction: every leaf must match, and for every $or one
// of its alternatives must.
type group struct {
	leaves []leaf
	ors    [][]*group
}

// leaf is one field's list of matchers (OR).
type leaf struct {
	path int
	ms   []matcher
}

// trieNode is the event paths a pattern reads, for extraction.
type trieNode struct {
	children map[string]*trieNode
	leaf     int // leaf id, or -1
}

// Compile parses and validates an event pattern.
func Compile(src []byte) (*Pattern, error) {
	if n := utf8.RuneCount(src); n > MaxLength {
		return nil, &Error{Msg: fmt.Sprintf("pattern is %d characters; EventBridge allows %d", n, MaxLength)}
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{Msg: "not JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &Error{Msg: "trailing data after the pattern object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Msg: "a pattern must be a JSON object"}
	}
	if len(obj) == 0 {
		return nil, &Error{Msg: "a pattern must name at least one field"}
	}
	p := &Pattern{trie: &trieNode{leaf: -1}}
	g, err := p.group(obj, nil)
	if err != nil {
		return nil, err
	}
	p.root = g
	return p, nil
}

// MustCompile is Compile for patterns known to be valid; it panics.
func MustCompile(src string) *Pattern {
	p, err := Compile([]byte(src))
	if err != nil {
		panic(err)
	}
	return p
}

func (p *Pattern) group(obj map[string]any, path []string) (*group, error) {
	g := &group{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		if k == "$or" {
			alts, err := p.or(v, path)
			if err != nil {
				return nil, err
			}
			g.ors = append(g.ors, alts)
			continue
		}
		sub := append(append([]string(nil), path...), k)
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				return nil, &Error{Path: dotted(sub), Msg: "an object in a pattern must name at least one field"}
			}
			child, err := p.group(x, sub)
			if err != nil {
				return nil, err
			}
			g.leaves = append(g.leaves, child.leaves...)
			g.ors = append(g.ors, child.ors...)
		case []any:
			l, err := p.leaf(x, sub)
			if err != nil {
				return nil, err
			}
			g.leaves = append(g.leaves, l)
		default:
			return nil, &Error{Path: dotted(sub), Msg: fmt.Sprintf("a leaf must be an array of values or operators, not %s", describe(v))}
		}
	}
	return g, nil
}

func (p *Pattern) or(v any, path []string) ([]*group, error) {
	at := dotted(append(append([]string(nil), path...), "$or"))
	list, ok := v.([]any)
	if !ok || len(list) < 2 {
		return nil, &Error{Path: at, Msg: "$or needs an array of at least two pattern objects"}
	}
	alts := make([]*group, 0, len(list))
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok || len(obj) == 0 {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i), Msg: "each $or alternative must be a non-empty pattern object"}
		}
		g, err := p.group(obj, path)
		if err != nil {
			return nil, err
		}
		alts = append(alts, g)
	}
	return alts, nil
}

func (p *Pattern) leaf(list []any, path []string) (leaf, error) {
	at := dotted(path)
	if len(list) == 0 {
		return leaf{}, &Error{Path: at, Msg: "an empty array matches nothing; EventBridge rejects it"}
	}
	l := leaf{path: p.addPath(path)}
	for i, item := range list {
		m, err := compileValue(item, fmt.Sprintf("%s[%d]", at, i))
		if err != nil {
			return leaf{}, err
		}
		l.ms = append(l.ms, m)
	}
	return l, nil
}

// addPath registers a leaf path in the extraction trie.
func (p *Pattern) addPath(path []string) int {
	n := p.trie
	for _, k := range path {
		if n.children == nil {
			n.children = map[string]*trieNode{}
		}
		c, ok := n.children[k]
		if !ok {
			c = &trieNode{leaf: -1}
			n.children[k] = c
		}
		n = c
	}
	if n.leaf < 0 {
		n.leaf = len(p.paths)
		p.paths = append(p.paths, path)
	}
	return n.leaf
}

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
			return exists(b), nil
		case "cidr":
			s, ok := arg.(string)
			if !ok {
				return nil, &Error{Path: at, Msg: "cidr needs a string such as 10.0.0.0/24"}
			}
			pfx, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, &Error{Path: at, Msg: fmt.Sprintf("%q is not a CIDR block: %v", s, err)}
			}
			return cidr{pfx.Masked()}, nil
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
