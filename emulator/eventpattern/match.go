package eventpattern

import (
	"errors"
	"fmt"
)

// ErrNotObject is returned by Match for an event that is not a JSON object.
var ErrNotObject = errors.New("event is not a JSON object")

// SyntaxError is malformed event JSON, at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("event JSON at byte %d: %s", e.Offset, e.Msg)
}

// Match reports whether the event (a whole EventBridge envelope, as JSON)
// matches. The event is validated in full (RFC 8259, see the package
// doc); only the values on the pattern's paths are kept.
func (p *Pattern) Match(event []byte) (bool, error) {
	t := getTree()
	defer putTree(t)
	root, err := t.scan(event, p.trie)
	if err != nil {
		return false, err
	}
	return p.eval(t, root), nil
}

// MatchValid is Match for an event already known to be valid JSON with
// unique top-level keys, as the emulator's bus builds each envelope after
// PutEvents has checked its Detail: it stops reading after the last
// top-level field the pattern names (EventBridge's source and
// detail-type come before detail), so it does not check the rest.
func (p *Pattern) MatchValid(event []byte) (bool, error) {
	t := getTree()
	defer putTree(t)
	root, err := t.scanLazy(event, p.trie)
	if err != nil {
		return false, err
	}
	return p.eval(t, root), nil
}

// MatchValue is Match on an event already decoded by encoding/json (with
// or without UseNumber).
func (p *Pattern) MatchValue(event map[string]any) bool {
	t := getTree()
	defer putTree(t)
	return p.eval(t, t.fromValue(p.trie, event))
}

func (p *Pattern) eval(t *tree, root int32) bool {
	for _, b := range p.branches {
		if pos, neg := t.eval(b, root, normal); pos || neg {
			return true
		}
	}
	return false
}

// mode is what is asked of the test at a path while an array is searched.
type mode uint8

const (
	normal       mode = iota
	satisfied         // a value outside the array's elements already matched it
	positiveOnly      // a value outside the elements is present: only a match will do
)

// eval reports whether the requirements of c (the test at c's path and
// the paths below) can hold in the event value i (-1: missing), and how:
// pos, with at least one value inside i matched (which binds every array
// enclosing it to the element holding i); neg, with no value inside i
// matched (tests of absence only, binding nothing).
//
// This is event-ruler's array consistency
// (https://github.com/aws/event-ruler#json-array-matching): no match may
// use two fields from different elements of one array. An array's
// requirements are met either inside one element, bound by a match there,
// or, binding none, by absence in every element; scalars directly in the
// array belong to no element and match freely.
func (t *tree) eval(c *cnode, i int32, m mode) (pos, neg bool) {
	active := c.leaf != nil && m != satisfied
	absentOK := !active || (c.leaf.absent && m != positiveOnly)
	if i < 0 {
		return false, absentOK && c.kidsAbsentOK
	}
	n := &t.nodes[i]
	switch n.v.kind {
	case kObject:
		// A field holding an object has no values: its test must be one
		// of absence.
		if !absentOK {
			return false, false
		}
		neg = true
		for _, k := range c.children {
			p, q := t.eval(k, t.member(i, k.tid), normal)
			if !p && !q {
				return false, false
			}
			pos, neg = pos || p, neg && q
		}
		return pos, neg
	case kArray:
		return t.evalArray(c, i, m, active)
	}
	if !active {
		return false, c.kidsAbsentOK
	}
	return c.leaf.match(&n.v) && c.kidsAbsentOK, false
}

func (t *tree) evalArray(c *cnode, i int32, m mode, active bool) (pos, neg bool) {
	free, scalars := false, false
	for e := t.nodes[i].first; e >= 0; e = t.nodes[e].next {
		if v := &t.nodes[e].v; active && v.kind != kObject && v.kind != kArray {
			scalars = true
			free = free || c.leaf.match(v)
		}
	}
	inner := m
	switch {
	case free:
		inner = satisfied
	case scalars:
		inner = positiveOnly
	}
	// Binding no element, every requirement must hold by absence in all.
	negAll := c.kidsAbsentOK && (c.leaf == nil || inner == satisfied || (c.leaf.absent && inner != positiveOnly))
	for e := t.nodes[i].first; e >= 0; e = t.nodes[e].next {
		if k := t.nodes[e].v.kind; k != kObject && k != kArray {
			continue
		}
		p, q := t.eval(c, e, inner)
		pos, negAll = pos || p, negAll && q
	}
	return pos || free && negAll, !scalars && negAll
}

// match reports whether any of the leaf's matchers matches v.
func (l *leaf) match(v *value) bool {
	for _, m := range l.ms {
		if m.match(v) {
			return true
		}
	}
	return false
}
