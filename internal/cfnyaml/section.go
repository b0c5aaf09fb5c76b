package cfnyaml

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Section is a generated part of template.yaml's Resources: its
// resources between a begin and an end marker line.
type Section struct {
	Begin, End string // the marker lines, without their newline
	Resources  []Resource
	Spaced     bool // a blank line after each resource
}

// Resource is one CloudFormation resource.
type Resource struct {
	LogicalID  string `yaml:"-"`
	Type       string `yaml:"Type"`
	Condition  string `yaml:"Condition,omitempty"` // the template condition it is deployed under
	Properties any    `yaml:"Properties"`          // a struct or map with yaml tags
}

// Add appends a resource.
func (s *Section) Add(logicalID, typ string, properties any) {
	s.Resources = append(s.Resources, Resource{LogicalID: logicalID, Type: typ, Properties: properties})
}

// AddIf appends a resource deployed only under the template's condition
// cond.
func (s *Section) AddIf(cond, logicalID, typ string, properties any) {
	s.Resources = append(s.Resources, Resource{LogicalID: logicalID, Type: typ, Condition: cond, Properties: properties})
}

// Text is the section as template.yaml holds it: the begin marker, the
// resources indented under Resources, the end marker, every line ending
// in a newline.
func (s *Section) Text() (string, error) {
	var b strings.Builder
	b.WriteString(s.Begin + "\n")
	for _, r := range s.Resources {
		text, err := r.text()
		if err != nil {
			return "", err
		}
		b.WriteString(text)
		if s.Spaced {
			b.WriteString("\n")
		}
	}
	b.WriteString(s.End + "\n")
	return b.String(), nil
}

// parent is the line text encodes each resource under, and removes: it
// indents the resource as Resources does.
const parent = "Resources:\n"

// text is the resource as lines of the template's Resources mapping.
func (r Resource) text() (string, error) {
	var value yaml.Node
	if err := value.Encode(r); err != nil {
		return "", fmt.Errorf("could not write resource %s: %w", r.LogicalID, err)
	}
	key := func(k string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k} }
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{key(strings.TrimSuffix(parent, ":\n")),
		{Kind: yaml.MappingNode, Content: []*yaml.Node{key(r.LogicalID), &value}}}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("could not write resource %s: %w", r.LogicalID, err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("could not write resource %s: %w", r.LogicalID, err)
	}
	return strings.TrimPrefix(b.String(), parent), nil
}
