package eventpattern

import (
	"fmt"
	"maps"
	"unicode/utf8"
)

// MaxLength is EventBridge's limit on a pattern's length, in characters.
const MaxLength = 2048

// MaxCombinations is the most $or combinations a pattern may expand into:
// the guide limits the total number of combinations a pattern's $or
// produces to 1000
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
// A combination is one conjunction of fields, as event-ruler's
// JsonRuleCompiler expands $or: {"$or":[A,B],"x":{"$or":[C,D,E]}} has 6.
const MaxCombinations = 1000

// numericLimit bounds numeric matching ("limited to values between
// -1.0e9 and +1.0e9 inclusive", content filtering page).
const numericLimit = 1e9

// reservedInOr are the names that cannot name a field inside $or:
// event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP (its operators,
// the numeric comparisons and the names it keeps for later ones).
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true, "anything-but": true,
	"exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true, "date-on-or-before": true, "in-date-range": true,
	"ip-address-in-range": true, "ip-address-not-in-range": true,
}

// Error is an invalid pattern: what is wrong, and where (a dotted path
// into the pattern). The local EventBridge API returns it as
// InvalidEventPatternException.
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
	trie     *trieNode   // every path a combination reads: what the scanner keeps
	branches []*cnode    // the $or combinations, each a conjunction; any may match
	nodes    []*trieNode // by id
}

// trieNode is one path the pattern reads.
type trieNode struct {
	id       int32
	parent   *trieNode
	children map[string]*trieNode
	leaf     bool // some combination tests the values here
}

// cnode is one path of a combination: the test at that path, if any, and
// the paths below it.
type cnode struct {
	tid          int32
	leaf         *leaf
	children     []*cnode
	kidsAbsentOK bool // every test below holds when the field is missing
}

// leaf is one field's list of matchers (OR), with {"exists": false}
// kept aside: it is a property of the field, not of a value.
type leaf struct {
	ms     []matcher
	absent bool
}

// branch is one combination being built: a test per path (by trie id),
// the last reference to a path replacing the earlier.
type branch map[int32]*leaf

// Compile parses and validates an event pattern.
func Compile(src []byte) (*Pattern, error) {
	if n := utf8.RuneCount(src); n > MaxLength {
		return nil, &Error{Msg: fmt.Sprintf("pattern is %d characters; EventBridge allows %d", n, MaxLength)}
	}
	doc, err := parseOrdered(src)
	if err != nil {
		return nil, err
	}
	if doc.kind != '{' {
		return nil, &Error{Msg: "a pattern must be a JSON object"}
	}
	if len(doc.obj) == 0 {
		return nil, &Error{Msg: "a pattern must name at least one field"}
	}
	p := &Pattern{}
	p.trie = p.newNode(nil)
	bs, err := p.object(nil, nil, doc.obj, false)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		p.branches = append(p.branches, p.conjunction(b))
	}
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

// object reads a pattern object at path into the combinations bs, in the
// order its keys are written (so a later reference replaces an earlier).
func (p *Pattern) object(bs []branch, path []string, members []jmember, inOr bool) ([]branch, error) {
	for _, m := range members {
		if m.key == "$or" {
			var err error
			if bs, err = p.or(bs, path, m.val); err != nil {
				return nil, err
			}
			continue
		}
		sub := append(append([]string(nil), path...), m.key)
		if inOr && reservedInOr[m.key] {
			return nil, &Error{Path: dotted(sub), Msg: fmt.Sprintf("%q is an operator name, which cannot name a field inside $or", m.key)}
		}
		switch m.val.kind {
		case '{':
			if len(m.val.obj) == 0 {
				return nil, &Error{Path: dotted(sub), Msg: "an object in a pattern must name at least one field"}
			}
			var err error
			if bs, err = p.object(bs, sub, m.val.obj, inOr); err != nil {
				return nil, err
			}
		case '[':
			l, id, err := p.leaf(m.val.arr, sub)
			if err != nil {
				return nil, err
			}
			if len(bs) == 0 {
				bs = []branch{{}}
			}
			for _, b := range bs {
				b[id] = l
			}
		default:
			return nil, &Error{Path: dotted(sub), Msg: fmt.Sprintf("a leaf must be an array of values or operators, not %s", describe(m.val.scalar()))}
		}
	}
	return bs, nil
}

// or expands $or: each alternative extends a copy of every combination
// so far (event-ruler's parseIntoOrRelationship).
func (p *Pattern) or(bs []branch, path []string, v *jvalue) ([]branch, error) {
	at := dotted(append(append([]string(nil), path...), "$or"))
	if v.kind != '[' || len(v.arr) < 2 {
		return nil, &Error{Path: at, Msg: "$or needs an array of at least two pattern objects"}
	}
	var out []branch
	for i, alt := range v.arr {
		if alt.kind != '{' || len(alt.obj) == 0 {
			return nil, &Error{Path: fmt.Sprintf("%s[%d]", at, i), Msg: "each $or alternative must be a non-empty pattern object"}
		}
		cp := make([]branch, 0, max(len(bs), 1))
		for _, b := range bs {
			cp = append(cp, maps.Clone(b))
		}
		cp, err := p.object(cp, path, alt.obj, true)
		if err != nil {
			return nil, err
		}
		// Combinations only multiply from here, so an intermediate count
		// over the limit is a final one over it.
		if out = append(out, cp...); len(out) > MaxCombinations {
			return nil, &Error{Path: at, Msg: fmt.Sprintf("$or expands into more than %d combinations; EventBridge allows %d", MaxCombinations, MaxCombinations)}
		}
	}
	return out, nil
}

func (p *Pattern) leaf(list []*jvalue, path []string) (*leaf, int32, error) {
	at := dotted(path)
	if len(list) == 0 {
		return nil, 0, &Error{Path: at, Msg: "an empty array matches nothing; EventBridge rejects it"}
	}
	l := &leaf{}
	for i, item := range list {
		itemAt := fmt.Sprintf("%s[%d]", at, i)
		v, err := item.toAny(itemAt)
		if err != nil {
			return nil, 0, err
		}
		m, err := compileValue(v, itemAt)
		if err != nil {
			return nil, 0, err
		}
		if _, ok := m.(absent); ok {
			l.absent = true
			continue
		}
		l.ms = append(l.ms, m)
	}
	n := p.addPath(path)
	n.leaf = true
	return l, n.id, nil
}

func (p *Pattern) newNode(parent *trieNode) *trieNode {
	n := &trieNode{id: int32(len(p.nodes)), parent: parent}
	p.nodes = append(p.nodes, n)
	return n
}

// addPath registers a path in the trie.
func (p *Pattern) addPath(path []string) *trieNode {
	n := p.trie
	for _, k := range path {
		c, ok := n.children[k]
		if !ok {
			if n.children == nil {
				n.children = map[string]*trieNode{}
			}
			c = p.newNode(n)
			n.children[k] = c
		}
		n = c
	}
	return n
}

// conjunction turns a combination into the tree of its paths.
func (p *Pattern) conjunction(b branch) *cnode {
	byID := map[int32]*cnode{p.trie.id: {tid: p.trie.id}}
	var node func(t *trieNode) *cnode
	node = func(t *trieNode) *cnode {
		if c, ok := byID[t.id]; ok {
			return c
		}
		c := &cnode{tid: t.id}
		byID[t.id] = c
		parent := node(t.parent)
		parent.children = append(parent.children, c)
		return c
	}
	for id, l := range b {
		node(p.nodes[id]).leaf = l
	}
	root := byID[p.trie.id]
	root.settle()
	return root
}

// settle computes kidsAbsentOK below c and reports whether every test at
// or below c holds with the field missing.
func (c *cnode) settle() bool {
	c.kidsAbsentOK = true
	for _, k := range c.children {
		if !k.settle() {
			c.kidsAbsentOK = false
		}
	}
	return c.kidsAbsentOK && (c.leaf == nil || c.leaf.absent)
}
