package cfnyaml

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Sub is an Fn::Sub string, written !Sub text, without quotes when YAML
// allows.
type Sub string

// QuotedSub is an Fn::Sub string written !Sub "text".
type QuotedSub string

// Ref is a Ref to a resource or parameter, written !Ref LogicalId.
type Ref string

// Quoted is a string written in double quotes.
type Quoted string

// SingleQuoted is a string written in single quotes.
type SingleQuoted string

// Literal is a string written as a literal block (|); it should end with
// one newline.
type Literal string

// Expr is a CloudFormation value in YAML short form, written as given: a
// literal ("execution") or an intrinsic function ("!Ref SchedulerFunction",
// "!GetAtt EventsDLQ.QueueName"). topology's Resolve reads the same form.
type Expr string

// Flow writes V (a struct, map or slice) in flow style: {Name: a, Value: b}.
type Flow[T any] struct{ V T }

// If is an Fn::If, written !If [Condition, then, else].
type If struct {
	Condition  string
	Then, Else any
}

var (
	_ yaml.Marshaler = Sub("")
	_ yaml.Marshaler = QuotedSub("")
	_ yaml.Marshaler = Ref("")
	_ yaml.Marshaler = Quoted("")
	_ yaml.Marshaler = SingleQuoted("")
	_ yaml.Marshaler = Literal("")
	_ yaml.Marshaler = Expr("")
	_ yaml.Marshaler = Flow[int]{}
	_ yaml.Marshaler = If{}
)

func scalar(tag, value string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Style: style}
}

// MarshalYAML implements yaml.Marshaler.
func (s Sub) MarshalYAML() (any, error) { return scalar("!Sub", string(s), 0), nil }

// MarshalYAML implements yaml.Marshaler.
func (s QuotedSub) MarshalYAML() (any, error) {
	return scalar("!Sub", string(s), yaml.DoubleQuotedStyle), nil
}

// MarshalYAML implements yaml.Marshaler.
func (r Ref) MarshalYAML() (any, error) { return scalar("!Ref", string(r), 0), nil }

// MarshalYAML implements yaml.Marshaler.
func (s Quoted) MarshalYAML() (any, error) {
	return scalar("!!str", string(s), yaml.DoubleQuotedStyle), nil
}

// MarshalYAML implements yaml.Marshaler.
func (s SingleQuoted) MarshalYAML() (any, error) {
	return scalar("!!str", string(s), yaml.SingleQuotedStyle), nil
}

// MarshalYAML implements yaml.Marshaler.
func (s Literal) MarshalYAML() (any, error) {
	return scalar("!!str", string(s), yaml.LiteralStyle), nil
}

// MarshalYAML implements yaml.Marshaler.
func (e Expr) MarshalYAML() (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(e), &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("could not write %q: not a scalar or a short-form intrinsic function", string(e))
	}
	n := doc.Content[0]
	n.Line, n.Column = 0, 0
	return n, nil
}

// MarshalYAML implements yaml.Marshaler.
func (f Flow[T]) MarshalYAML() (any, error) {
	var n yaml.Node
	if err := n.Encode(f.V); err != nil {
		return nil, err
	}
	n.Style |= yaml.FlowStyle
	return &n, nil
}

// MarshalYAML implements yaml.Marshaler.
func (i If) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!If", Style: yaml.FlowStyle}
	n.Content = append(n.Content, scalar("!!str", i.Condition, 0))
	for _, v := range []any{i.Then, i.Else} {
		var x yaml.Node
		if err := x.Encode(v); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &x)
	}
	return n, nil
}
