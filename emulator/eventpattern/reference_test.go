package eventpattern

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// refField is one value of a flattened event, with the array elements
// it lies in (array id → index), as event-ruler's Event builds them.
type refField struct {
	path string
	val  value
	in   map[int]int
}

// refFlatten flattens a decoded event the way event-ruler's loadObject
// and loadArray do: each array gets an id; a value inside an element
// that is an object or an array records that element's index.
func refFlatten(v any) []refField {
	var out []refField
	ids := 0
	var walk func(path string, v any, in map[int]int)
	walk = func(path string, v any, in map[int]int) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"\x00"+k, e, in)
			}
		case []any:
			id := ids
			ids++
			for i, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					sub := map[int]int{id: i}
					for a, j := range in {
						sub[a] = j
					}
					walk(path, e, sub)
				default:
					walk(path, e, in)
				}
			}
		default:
			t := &tree{}
			n := &trieNode{leaf: true}
			if i := t.fromValue(n, v); i >= 0 {
				out = append(out, refField{path: path, val: t.nodes[i].v, in: in})
			}
		}
	}
	walk("", v, map[int]int{})
	return out
}

func refConsistent(a, b map[int]int) bool {
	for id, i := range a {
		if j, ok := b[id]; ok && i != j {
			return false
		}
	}
	return true
}

// refMatch is the definition the tree evaluation implements, by brute
// force: some combination has, for each of its fields, either a matching
// value or (with exists: false) none, such that the matching values are
// pairwise array-consistent and no value of an absent field is
// consistent with them all.
func refMatch(p *Pattern, event map[string]any) (bool, bool) {
	fields := refFlatten(event)
	for _, b := range p.branches {
		type test struct {
			path string
			l    *leaf
		}
		var tests []test
		var collect func(c *cnode, path string)
		collect = func(c *cnode, path string) {
			if c.leaf != nil {
				tests = append(tests, test{path, c.leaf})
			}
			for _, k := range c.children {
				collect(k, path+"\x00"+p.keyOf(k.tid))
			}
		}
		collect(b, "")
		options := make([][]int, len(tests)) // field index, or -1 for absent
		size := 1
		for i, tt := range tests {
			for fi, f := range fields {
				if f.path == tt.path && tt.l.match(&f.val) {
					options[i] = append(options[i], fi)
				}
			}
			if tt.l.absent {
				options[i] = append(options[i], -1)
			}
			if size *= len(options[i]); size > 20000 {
				return false, false
			}
		}
		if size == 0 {
			continue
		}
		choice := make([]int, len(tests))
		var try func(i int) bool
		try = func(i int) bool {
			if i < len(tests) {
				for _, o := range options[i] {
					choice[i] = o
					if try(i + 1) {
						return true
					}
				}
				return false
			}
			bound := map[int]int{}
			for _, o := range choice {
				if o < 0 {
					continue
				}
				if !refConsistent(fields[o].in, bound) {
					return false
				}
				for a, j := range fields[o].in {
					bound[a] = j
				}
			}
			for ti, o := range choice {
				if o >= 0 {
					continue
				}
				for _, f := range fields {
					if f.path == tests[ti].path && refConsistent(f.in, bound) {
						return false
					}
				}
			}
			return true
		}
		if try(0) {
			return true, true
		}
	}
	return false, true
}

// keyOf is the last step of trie node id's path.
func (p *Pattern) keyOf(id int32) string {
	n := p.nodes[id]
	for k, c := range n.parent.children {
		if c == n {
			return k
		}
	}
	return ""
}

var refPatterns = []string{
	`{"e":{"f":["Anna"],"l":["Jones"]}}`,
	`{"e":{"f":["Anna","Peter"],"l":[{"exists":false}]}}`,
	`{"e":{"a":[{"exists":false}],"f":[{"prefix":"A"}]}}`,
	`{"e":{"l":[{"exists":false}]}}`,
	`{"e":{"f":[{"exists":true}],"g":{"h":[1,{"exists":false}]}}}`,
	`{"e":{"g":{"h":[1],"i":[2]},"f":["Anna"]}}`,
	`{"e":{"f":["Anna"],"$or":[{"l":["Smith"]},{"g":{"h":[1]}}]},"x":[{"exists":false}]}`,
	`{"e":[{"exists":false},"Anna"],"x":[1]}`,
	`{"e":{"f":[{"anything-but":"Anna"}],"g":{"h":[{"numeric":[">",0]}]}}}`,
	`{"e":["Anna"],"$or":[{"e":{"f":["Anna"]}},{"x":[1]}]}`,
	`{"e":{"g":{"h":[1,{"exists":false}],"i":[{"exists":false}]},"l":[null,"Smith"]}}`,
}

// TestReferenceExamples runs the reference over hand-written events.
func TestReferenceExamples(t *testing.T) {
	events := []string{
		`{"e":[{"f":"Anna","l":"Smith"},{"f":"Peter","l":"Jones"}]}`,
		`{"e":[[{"f":"Anna"},{"l":"Jones"}],[{"f":"Anna","l":"Jones"}]]}`,
		`{"e":[{"f":"Anna","g":[{"h":1},{"i":2}]},{"f":"Anna","g":[{"h":1,"i":2}]}],"x":1}`,
		`{"e":[{"f":"Anna","a":1},{"f":"Ann"},"Anna",[{"f":"Peter","l":null}]]}`,
		`{"e":[{"f":"Anna","g":{"h":[1,2]}},{"f":"Bob","g":[{"h":3},{"h":0}]}]}`,
		`{"e":[],"x":[]}`,
		`{"e":["Anna",{"f":"Anna"},[{"f":"Bob","g":{"i":1}},{"l":null}]],"x":[2,[1]]}`,
		`{"e":[{"g":[{"h":1,"i":0},{"h":2}],"l":"Smith"},{"g":{"h":3},"l":null}]}`,
	}
	for _, src := range refPatterns {
		p := MustCompile(src)
		for _, ev := range events {
			checkReference(t, p, src, []byte(ev))
		}
	}
}

func checkReference(t *testing.T, p *Pattern, src string, event []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return
	}
	want, ok := refMatch(p, m)
	if !ok {
		return // too many combinations to enumerate
	}
	got, err := p.Match(event)
	if err != nil || got != want {
		t.Fatalf("Match(%s, %s) = %v, %v; the brute-force reference says %v", src, event, got, err, want)
	}
}

// FuzzReference compares the tree evaluation with the brute-force
// reference on arrays of objects.
func FuzzReference(f *testing.F) {
	f.Add(0, []byte(`{"e":[{"f":"Anna","l":"Smith"},{"f":"Peter","l":"Jones"}]}`))
	f.Add(4, []byte(`{"e":[{"f":"Anna","g":[{"h":1},{"i":2}]},[{"f":"Anna","g":{"h":1,"i":2}}]],"x":1}`))
	f.Add(6, []byte(`{"e":[{"f":"Anna","l":"Jones"},{"f":"Anna","g":[{"h":1}]}]}`))
	f.Fuzz(func(t *testing.T, which int, event []byte) {
		if which < 0 || !json.Valid(event) || !utf8.Valid(event) || strings.Count(string(event), "[") > 12 {
			return
		}
		src := refPatterns[which%len(refPatterns)]
		checkReference(t, MustCompile(src), src, event)
	})
}
