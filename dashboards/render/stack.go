package render

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Local stack defaults: the pseudo parameters the local stack runs with
// (topology's defaults).
const (
	DefaultStackName = "alchemiser"
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
)

// stack resolves what CloudFormation would on deployment: the ${...}
// placeholders of !Sub (pseudo parameters and the template's parameters,
// at their defaults) and the physical names !Ref and !GetAtt give, read
// from the template itself.
type stack struct {
	name, region, account string
	params                map[string]string     // parameter -> default
	resources             map[string]*yaml.Node // logical id -> resource
}

func newStack(template []byte, name, region, account string) (*stack, error) {
	s := &stack{name: name, region: region, account: account, params: map[string]string{}, resources: map[string]*yaml.Node{}}
	if len(template) == 0 {
		return s, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(template, &doc); err != nil {
		return nil, fmt.Errorf("could not read the template: %w", err)
	}
	if len(doc.Content) == 0 {
		return s, nil
	}
	root := doc.Content[0]
	params := child(root, "Parameters")
	for i := 0; params != nil && i+1 < len(params.Content); i += 2 {
		if d := child(params.Content[i+1], "Default"); d != nil && d.Kind == yaml.ScalarNode {
			s.params[params.Content[i].Value] = d.Value
		}
	}
	res := child(root, "Resources")
	for i := 0; res != nil && i+1 < len(res.Content); i += 2 {
		s.resources[res.Content[i].Value] = res.Content[i+1]
	}
	return s, nil
}

func child(n *yaml.Node, key string) *yaml.Node {
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

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)\}`)

// subst replaces the placeholders !Sub would; others (dynamic labels
// such as ${SUM}) stay.
func (s *stack) subst(str string) string {
	return placeholder.ReplaceAllStringFunc(str, func(m string) string {
		if v, ok := s.value(m[2 : len(m)-1]); ok {
			return v
		}
		return m
	})
}

func (s *stack) value(name string) (string, bool) {
	switch name {
	case "AWS::StackName":
		return s.name, true
	case "AWS::Region":
		return s.region, true
	case "AWS::AccountId":
		return s.account, true
	case "AWS::Partition":
		return "aws", true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	}
	v, ok := s.params[name]
	return v, ok
}

// nameProperty is the property holding a resource type's physical name.
var nameProperty = map[string]string{
	"AWS::Serverless::Function": "FunctionName", "AWS::Lambda::Function": "FunctionName",
	"AWS::SQS::Queue": "QueueName", "AWS::Logs::LogGroup": "LogGroupName", "AWS::SNS::Topic": "TopicName",
	"AWS::Events::EventBus": "Name", "AWS::Events::Rule": "Name", "AWS::DynamoDB::Table": "TableName",
}

// resolve turns "!Ref X", "!GetAtt X.Name" (a name attribute) or a literal
// into the deployed value: a parameter's default, or a resource's
// physical name (its name property, else STACK-X, as the local stack
// names them). It is the alarms.Resolver of the symptom alarms.
func (s *stack) resolve(expr string) (string, error) {
	switch {
	case strings.HasPrefix(expr, "!Ref "):
		id := strings.TrimSpace(strings.TrimPrefix(expr, "!Ref "))
		if v, ok := s.value(id); ok {
			return v, nil
		}
		return s.physical(id)
	case strings.HasPrefix(expr, "!GetAtt "):
		id, attr, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(expr, "!GetAtt ")), ".")
		if !strings.HasSuffix(attr, "Name") {
			return "", fmt.Errorf("%s: only name attributes are resolved locally", expr)
		}
		return s.physical(id)
	case strings.HasPrefix(expr, "!"):
		return "", fmt.Errorf("%s: only !Ref and !GetAtt are resolved locally", expr)
	}
	return expr, nil
}

func (s *stack) physical(id string) (string, error) {
	r, ok := s.resources[id]
	if !ok {
		return "", fmt.Errorf("the template has no resource or parameter %s", id)
	}
	typ := child(r, "Type")
	prop := ""
	if typ != nil {
		prop = nameProperty[typ.Value]
	}
	n := child(child(r, "Properties"), prop)
	switch {
	case n == nil:
		return s.name + "-" + id, nil
	case n.Kind == yaml.ScalarNode && (n.Tag == "!Sub" || n.Tag == "!!str"):
		return s.subst(n.Value), nil
	case n.Kind == yaml.MappingNode && child(n, "Fn::Sub") != nil:
		return s.subst(child(n, "Fn::Sub").Value), nil
	}
	return "", fmt.Errorf("resource %s: its %s is not a string or !Sub", id, prop)
}
