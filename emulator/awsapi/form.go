package awsapi

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxKeyParts bounds a form key's dotted parts: the deepest AWS inputs
// (CloudWatch's MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name)
// have a handful, and a bound keeps a hostile key from building a deep
// tree.
const maxKeyParts = 32

// formNode is a form key's dotted part: Name.member.1.Field is the path
// Name → member → 1 → Field, the value at its end.
type formNode struct {
	value    string
	hasValue bool
	children map[string]*formNode
}

func (n *formNode) child(part string) *formNode {
	if n.children == nil {
		n.children = map[string]*formNode{}
	}
	c := n.children[part]
	if c == nil {
		c = &formNode{}
		n.children[part] = c
	}
	return c
}

// parseForm builds the tree of a form's keys; a key given twice takes
// its first value.
func parseForm(form url.Values) (*formNode, *Error) {
	root := &formNode{}
	for k, vs := range form {
		if strings.Count(k, ".") >= maxKeyParts {
			return nil, Errorf(codeMalformedQuery, "the key %q has more than %d parts", truncate(k), maxKeyParts)
		}
		n := root
		for part := range strings.SplitSeq(k, ".") {
			n = n.child(part)
		}
		n.value, n.hasValue = vs[0], true
	}
	return root, nil
}

// collection is how a list or map member is spelled: flattened or
// wrapped, and its element and entry names.
type collection struct {
	flat               bool
	member, key, value string
}

var wrapped = collection{member: "member", key: "key", value: "value"}

func (f *field) collection() collection {
	return collection{flat: f.flat, member: f.member, key: f.key, value: f.value}
}

// decodeForm decodes the form's members into in, a pointer to a struct.
func decodeForm(root *formNode, in any) error {
	return decodeStruct(root, reflect.ValueOf(in).Elem(), "")
}

func decodeStruct(n *formNode, v reflect.Value, path string) error {
	if v.Kind() != reflect.Struct {
		return internal(fmt.Errorf("the input %s is a %s, not a structure", v.Type(), v.Kind()))
	}
	if n.hasValue && n.value != "" && len(n.children) == 0 {
		return invalidValue(path, n.value, errors.New("a structure, not a value"))
	}
	for _, f := range fieldsOf(v.Type()) {
		c := n.children[f.wire]
		if c == nil {
			continue
		}
		if err := decodeMember(c, v.FieldByIndex(f.index), join(path, f.wire), f.collection()); err != nil {
			return err
		}
	}
	return nil
}

// decodeMember decodes the node n into v, whatever its type.
func decodeMember(n *formNode, v reflect.Value, path string, c collection) error {
	t := v.Type()
	if isScalar(t) {
		if !n.hasValue || len(n.children) > 0 {
			return invalidValue(path, n.value, errors.New("a value, not a list or structure"))
		}
		if err := setScalar(v, n.value); err != nil {
			return invalidValue(path, n.value, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := decodeMember(n, p.Elem(), path, c); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return decodeStruct(n, v, path)
	case reflect.Slice:
		return decodeList(n, v, path, c)
	case reflect.Map:
		return decodeMap(n, v, path, c)
	}
	return internal(fmt.Errorf("member %s: the query protocol cannot decode a %s", path, t))
}

// decodeList reads Name.member.N (N from 1) or, flattened, Name.N; a
// bare Name= is an empty list, as the SDKs send one.
func decodeList(n *formNode, v reflect.Value, path string, c collection) error {
	items := n
	if !c.flat {
		items = n.children[c.member]
		path = join(path, c.member)
		if items == nil {
			if len(n.children) > 0 || n.value != "" {
				return invalidValue(path, n.value, fmt.Errorf("a list is written %s.N", path))
			}
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return nil
		}
	}
	keys, err := indices(items, path)
	if err != nil {
		return err
	}
	list := reflect.MakeSlice(v.Type(), len(keys), len(keys))
	for i, k := range keys {
		if err := decodeMember(items.children[k], list.Index(i), join(path, k), wrapped); err != nil {
			return err
		}
	}
	v.Set(list)
	return nil
}

// decodeMap reads Name.entry.N.key and .value or, flattened,
// Name.N.key and .value, with the map's own key and value names.
func decodeMap(n *formNode, v reflect.Value, path string, c collection) error {
	entries := n
	if !c.flat {
		entries = n.children["entry"]
		path = join(path, "entry")
		if entries == nil {
			if len(n.children) > 0 || n.value != "" {
				return invalidValue(path, n.value, fmt.Errorf("a map is written %s.N.%s", path, c.key))
			}
			v.Set(reflect.MakeMap(v.Type()))
			return nil
		}
	}
	keys, err := indices(entries, path)
	if err != nil {
		return err
	}
	m := reflect.MakeMapWithSize(v.Type(), len(keys))
	for _, k := range keys {
		e, epath := entries.children[k], join(path, k)
		kn, vn := e.children[c.key], e.children[c.value]
		if kn == nil || vn == nil {
			return invalidValue(epath, e.value, fmt.Errorf("a map entry needs %s and %s", c.key, c.value))
		}
		key := reflect.New(v.Type().Key()).Elem()
		if err := decodeMember(kn, key, join(epath, c.key), wrapped); err != nil {
			return err
		}
		val := reflect.New(v.Type().Elem()).Elem()
		if err := decodeMember(vn, val, join(epath, c.value), wrapped); err != nil {
			return err
		}
		m.SetMapIndex(key, val)
	}
	v.Set(m)
	return nil
}

// indices are a list's or map's element keys, 1, 2, ..., in order.
func indices(n *formNode, path string) ([]string, error) {
	if n.hasValue && n.value != "" {
		return nil, invalidValue(path, n.value, errors.New("a list or map, not a value"))
	}
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		if i, err := strconv.Atoi(k); err != nil || i < 1 || strconv.Itoa(i) != k {
			return nil, invalidValue(join(path, k), n.children[k].value, fmt.Errorf("%q is not an index from 1", truncate(k)))
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.Atoi(keys[i])
		b, _ := strconv.Atoi(keys[j])
		return a < b
	})
	return keys, nil
}

// invalidValue is the query protocol's error for a member it cannot
// read: which member, its value and why.
func invalidValue(path, value string, why error) *Error {
	return Errorf(CodeInvalidParameterValue, "value %q for parameter %s is invalid: %v", truncate(value), path, why)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// truncate shortens a client's string for an error message.
func truncate(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}
