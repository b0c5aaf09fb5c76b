package eventpattern

import (
	"encoding/json"
	"strconv"
	"sync"
)

type kind uint8

const (
	kString kind = iota + 1
	kNumber
	kBool
	kNull
	kObject
	kArray
)

// value is one value of the event.
type value struct {
	kind kind
	s    []byte // string content (unescaped)
	f    float64
	b    bool
}

// enode is a value of the event on one of the pattern's paths. Objects
// and arrays list their members and elements through first and next;
// only what can matter to the pattern is kept (see add).
type enode struct {
	v     value
	tid   int32 // trie node of the value's path
	first int32 // first member or element, -1: none
	next  int32 // next sibling, -1: none
}

// tree holds the event values a match reads, in an arena reused through
// a pool, so matching does not allocate.
type tree struct {
	nodes []enode
	stack []byte // the scanner's open containers while it skips
}

var treePool = sync.Pool{New: func() any { return new(tree) }}

func getTree() *tree {
	t := treePool.Get().(*tree)
	t.nodes, t.stack = t.nodes[:0], t.stack[:0]
	return t
}

func putTree(t *tree) { treePool.Put(t) }

func (t *tree) add(v value, tid int32) int32 {
	t.nodes = append(t.nodes, enode{v: v, tid: tid, first: -1, next: -1})
	return int32(len(t.nodes) - 1)
}

// member is the value of object i at the child path tid, or -1.
func (t *tree) member(i, tid int32) int32 {
	for e := t.nodes[i].first; e >= 0; e = t.nodes[e].next {
		if t.nodes[e].tid == tid {
			return e
		}
	}
	return -1
}

// setMember puts child (or, at -1, nothing) as object i's value at path
// tid, replacing an earlier one: a key given twice keeps its last value.
func (t *tree) setMember(i, tid, child int32) {
	prev := int32(-1)
	for e := t.nodes[i].first; e >= 0; prev, e = e, t.nodes[e].next {
		if t.nodes[e].tid != tid {
			continue
		}
		next := t.nodes[e].next
		if child >= 0 {
			t.nodes[child].next, next = next, child
		}
		if prev < 0 {
			t.nodes[i].first = next
		} else {
			t.nodes[prev].next = next
		}
		return
	}
	if child >= 0 {
		t.push(i, child)
	}
}

// push prepends child to container i (the order of members and elements
// does not matter to matching).
func (t *tree) push(i, child int32) {
	t.nodes[child].next = t.nodes[i].first
	t.nodes[i].first = child
}

// fromValue adds a value decoded by encoding/json at trie node n and
// returns its node, or -1 when nothing in it can matter (as the scanner).
func (t *tree) fromValue(n *trieNode, v any) int32 {
	switch x := v.(type) {
	case map[string]any:
		if len(n.children) == 0 {
			return -1
		}
		i := t.add(value{kind: kObject}, n.id)
		for k, c := range n.children {
			if cv, ok := x[k]; ok {
				if ci := t.fromValue(c, cv); ci >= 0 {
					t.push(i, ci)
				}
			}
		}
		return t.keep(i)
	case []any:
		i := t.add(value{kind: kArray}, n.id)
		for _, e := range x {
			if ci := t.fromValue(n, e); ci >= 0 {
				t.push(i, ci)
			}
		}
		return t.keep(i)
	}
	if !n.leaf {
		return -1
	}
	var val value
	switch x := v.(type) {
	case string:
		val = value{kind: kString, s: []byte(x)}
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil && !isRange(err) {
			return -1
		}
		val = value{kind: kNumber, f: f}
	case float64:
		val = value{kind: kNumber, f: x}
	case bool:
		val = value{kind: kBool, b: x}
	case nil:
		val = value{kind: kNull}
	default:
		return -1
	}
	return t.add(val, n.id)
}

// keep is container i, or -1 when it holds nothing the pattern reads: an
// empty object or array matches exactly as a missing field does.
func (t *tree) keep(i int32) int32 {
	if t.nodes[i].first < 0 {
		return -1
	}
	return i
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
