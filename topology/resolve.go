package topology

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws-cloudformation/rain/cft/parse"
	"gopkg.in/yaml.v3"
)

// Error is a template problem, positioned as file:line:col.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// resolver turns template nodes into plain values (map[string]any, []any,
// string, bool, int, float64), resolving the intrinsic functions the
// topology needs: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, Fn::Equals,
// Fn::Not, Fn::Select. Other intrinsics are an error naming their place.
// rain's parser has already turned short forms (!Ref) into long ones.
type resolver struct {
	file       string
	params     map[string]string
	pseudo     map[string]string
	resources  map[string]*yaml.Node // logical id -> resource node
	conditions map[string]*yaml.Node
	physical   func(id, attr string) (string, bool)
	pos        *yaml.Node // the last node with a position, for errors
	depth      int
	visited    int
}

func (r *resolver) errorf(n *yaml.Node, format string, args ...any) error {
	if n.Line == 0 && r.pos != nil { // a node rain made while expanding a short form
		n = r.pos
	}
	return &Error{File: r.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// maxDepth bounds nesting, so a recursive YAML alias or a condition
// that refers to itself is an error rather than a hang.
const maxDepth = 64

// maxNodes bounds the work of resolving one template.
const maxNodes = 1_000_000

// value resolves n.
func (r *resolver) value(n *yaml.Node) (any, error) {
	if n.Line > 0 {
		r.pos = n
	}
	if r.visited++; r.visited > maxNodes {
		return nil, r.errorf(n, "template expands to more than %d values", maxNodes)
	}
	if r.depth++; r.depth > maxDepth {
		r.depth = 0 // report once, then unwind
		return nil, r.errorf(n, "nested more than %d levels deep, or refers to itself", maxDepth)
	}
	defer func() {
		if r.depth > 0 {
			r.depth--
		}
	}()
	switch n.Kind {
	case yaml.DocumentNode:
		return r.value(n.Content[0])
	case yaml.AliasNode:
		// "YAML aliases are not allowed in CloudFormation templates"; they
		// would also let a small file expand without bound here.
		return nil, r.errorf(n, "YAML aliases (*%s) are not allowed in CloudFormation templates", n.Value)
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := r.value(c)
			if err != nil {
				return nil, err
			}
			if v == noValue {
				continue
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 && (n.Content[0].Value == "Ref" || strings.HasPrefix(n.Content[0].Value, "Fn::") || n.Content[0].Value == "Condition") {
			if n.Content[0].Value != "Condition" {
				return r.intrinsic(n.Content[0], n.Content[1])
			}
		}
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i < len(n.Content); i += 2 {
			v, err := r.value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			if v == noValue {
				continue
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	return nil, r.errorf(n, "unexpected YAML node")
}

// noValue is AWS::NoValue: the property is removed.
var noValue = &struct{ name string }{"AWS::NoValue"}

func scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!int":
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!bool":
		return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	case "!!null":
		return nil
	}
	return n.Value
}

func (r *resolver) intrinsic(key, arg *yaml.Node) (any, error) {
	switch key.Value {
	case "Ref":
		return r.ref(arg)
	case "Fn::GetAtt":
		return r.getAtt(arg)
	case "Fn::Sub":
		return r.sub(arg)
	case "Fn::Join":
		return r.join(arg)
	case "Fn::If":
		return r.fnIf(arg)
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
		return r.condition(key, arg)
	case "Fn::Select":
		return r.selectFn(arg)
	}
	return nil, r.errorf(key, "%s is not supported by the local stack's template loader", key.Value)
}

func (r *resolver) ref(arg *yaml.Node) (any, error) {
	name := arg.Value
	if v, ok := r.pseudo[name]; ok {
		return v, nil
	}
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	if v, ok := r.params[name]; ok {
		return v, nil
	}
	if v, ok := r.physical(name, ""); ok {
		return v, nil
	}
	return nil, r.errorf(arg, "Ref to %q: no such parameter or resource", name)
}

func (r *resolver) getAtt(arg *yaml.Node) (any, error) {
	var id, attr string
	switch {
	case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
		id, attr = arg.Content[0].Value, arg.Content[1].Value
	case arg.Kind == yaml.ScalarNode:
		id, attr, _ = strings.Cut(arg.Value, ".")
	default:
		return nil, r.errorf(arg, "Fn::GetAtt needs [LogicalId, Attribute]")
	}
	if v, ok := r.physical(id, attr); ok {
		return v, nil
	}
	return nil, r.errorf(arg, "Fn::GetAtt %s.%s: no such resource or attribute", id, attr)
}

func (r *resolver) sub(arg *yaml.Node) (any, error) {
	tmpl, vars := arg, map[string]string{}
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 {
			return nil, r.errorf(arg, "Fn::Sub needs a string or [string, {variables}]")
		}
		tmpl = arg.Content[0]
		for i := 0; i+1 < len(arg.Content[1].Content); i += 2 {
			v, err := r.value(arg.Content[1].Content[i+1])
			if err != nil {
				return nil, err
			}
			vars[arg.Content[1].Content[i].Value] = fmt.Sprint(v)
		}
	}
	words, err := parse.ParseSub(tmpl.Value, false)
	if err != nil {
		return nil, r.errorf(tmpl, "Fn::Sub: %v", err)
	}
	var b strings.Builder
	for _, w := range words {
		switch w.T {
		case parse.STR:
			b.WriteString(w.W)
		case parse.AWS:
			b.WriteString(r.pseudo["AWS::"+w.W])
		case parse.REF:
			v, err := r.subVar(tmpl, w.W, vars)
			if err != nil {
				return nil, err
			}
			b.WriteString(v)
		case parse.GETATT:
			id, attr, _ := strings.Cut(w.W, ".")
			v, ok := r.physical(id, attr)
			if !ok {
				return nil, r.errorf(tmpl, "Fn::Sub ${%s}: no such resource or attribute", w.W)
			}
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

func (r *resolver) subVar(at *yaml.Node, name string, vars map[string]string) (string, error) {
	if v, ok := vars[name]; ok {
		return v, nil
	}
	if v, ok := r.variable(name); ok {
		return v, nil
	}
	return "", r.errorf(at, "Fn::Sub ${%s}: no such variable, parameter or resource", name)
}

// variable is what ${name} gives in an Fn::Sub string without its own
// variables: a pseudo parameter, a parameter or a resource's Ref.
func (r *resolver) variable(name string) (string, bool) {
	if v, ok := r.pseudo[name]; ok {
		return v, true
	}
	if v, ok := r.params[name]; ok {
		return v, true
	}
	return r.physical(name, "")
}

func (r *resolver) join(arg *yaml.Node) (any, error) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil, r.errorf(arg, "Fn::Join needs [delimiter, [values]]")
	}
	list, err := r.value(arg.Content[1])
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok {
		return nil, r.errorf(arg.Content[1], "Fn::Join needs a list of values")
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprint(it)
	}
	return strings.Join(parts, arg.Content[0].Value), nil
}

func (r *resolver) selectFn(arg *yaml.Node) (any, error) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil, r.errorf(arg, "Fn::Select needs [index, [values]]")
	}
	i, err := strconv.Atoi(arg.Content[0].Value)
	list, lerr := r.value(arg.Content[1])
	items, ok := list.([]any)
	if err != nil || lerr != nil || !ok || i < 0 || i >= len(items) {
		return nil, r.errorf(arg, "Fn::Select: index %s out of its list", arg.Content[0].Value)
	}
	return items[i], nil
}

func (r *resolver) fnIf(arg *yaml.Node) (any, error) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return nil, r.errorf(arg, "Fn::If needs [condition, then, else]")
	}
	ok, err := r.named(arg.Content[0])
	if err != nil {
		return nil, err
	}
	if ok {
		return r.value(arg.Content[1])
	}
	return r.value(arg.Content[2])
}

// named evaluates the condition called n.Value.
func (r *resolver) named(n *yaml.Node) (bool, error) {
	c, ok := r.conditions[n.Value]
	if !ok {
		return false, r.errorf(n, "condition %q is not defined", n.Value)
	}
	v, err := r.value(c)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, r.errorf(c, "condition %q is not a condition function", n.Value)
	}
	return b, nil
}

func (r *resolver) condition(key, arg *yaml.Node) (any, error) {
	if arg.Kind != yaml.SequenceNode {
		return nil, r.errorf(arg, "%s needs a list", key.Value)
	}
	vals := make([]any, len(arg.Content))
	for i, c := range arg.Content {
		if key.Value != "Fn::Equals" && c.Kind == yaml.MappingNode && len(c.Content) == 2 && c.Content[0].Value == "Condition" {
			b, err := r.named(c.Content[1])
			if err != nil {
				return nil, err
			}
			vals[i] = b
			continue
		}
		v, err := r.value(c)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	switch key.Value {
	case "Fn::Equals":
		if len(vals) != 2 {
			return nil, r.errorf(arg, "Fn::Equals needs two values")
		}
		return fmt.Sprint(vals[0]) == fmt.Sprint(vals[1]), nil
	case "Fn::Not":
		b, ok := vals[0].(bool)
		if len(vals) != 1 || !ok {
			return nil, r.errorf(arg, "Fn::Not needs one condition")
		}
		return !b, nil
	}
	all, any := true, false
	for _, v := range vals {
		b, ok := v.(bool)
		if !ok {
			return nil, r.errorf(arg, "%s needs conditions", key.Value)
		}
		all, any = all && b, any || b
	}
	if key.Value == "Fn::And" {
		return all, nil
	}
	return any, nil
}

// mapping returns the value node of key in mapping n, or nil.
func mapping(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// keys lists a mapping's keys in file order.
func keys(n *yaml.Node) []string {
	var out []string
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// mergeGlobals deep-merges SAM Globals into a function's properties:
// maps merge key by key (the function's own value wins), anything else
// is the function's own if set.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
func mergeGlobals(global, own map[string]any) map[string]any {
	out := make(map[string]any, len(global)+len(own))
	for k, v := range global {
		out[k] = v
	}
	for k, v := range own {
		gm, gok := out[k].(map[string]any)
		om, ook := v.(map[string]any)
		if gok && ook {
			out[k] = mergeGlobals(gm, om)
			continue
		}
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
