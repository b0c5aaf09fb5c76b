package cloudformation

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// stack is the stack as DescribeStacks and DescribeStackResources give
// it, built once from the template.
type stack struct {
	name, id  string
	created   time.Time
	summary   Stack
	resources []StackResource // template order
}

// build resolves the template's parameters, outputs and resources for top.
func build(top *topology.Topology, template []byte, created time.Time) (*stack, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(template, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("could not read the template: %v", err)
	}
	root := doc.Content[0]
	s := &stack{name: top.StackName, id: stackID(top), created: created}
	s.summary = Stack{StackName: s.name, StackId: s.id, StackStatus: "CREATE_COMPLETE", CreationTime: awsapi.At(created),
		Description: strings.TrimSpace(scalar(field(root, "Description")))}
	for _, key := range keys(field(root, "Parameters")) {
		v, _ := top.Variable(key)
		s.summary.Parameters = append(s.summary.Parameters, Parameter{ParameterKey: key, ParameterValue: v})
	}
	outs, err := outputs(top, field(root, "Outputs"))
	if err != nil {
		return nil, err
	}
	s.summary.Outputs = outs
	s.resources = resources(top, s.name, created)
	return s, nil
}

// stackID is the stack's ARN; its last part, random in AWS, is derived
// from the stack's name, region and account so that it is stable.
func stackID(top *topology.Topology) string {
	h := sha256.Sum256([]byte(top.Region + "/" + top.Account + "/" + top.StackName))
	u := fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
	return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%s", top.Region, top.Account, top.StackName, u)
}

// outputs are the template's Outputs whose Condition holds, resolved.
func outputs(top *topology.Topology, n *yaml.Node) ([]Output, error) {
	var out []Output
	for _, key := range keys(n) {
		o := field(n, key)
		if cond := scalar(field(o, "Condition")); cond != "" {
			holds, err := top.Resolve(fmt.Sprintf("!If [%s, 'yes', 'no']", cond))
			if err != nil {
				return nil, fmt.Errorf("output %s: condition %s: %w", key, cond, err)
			}
			if holds != "yes" {
				continue
			}
		}
		v, err := resolveNode(top, field(o, "Value"))
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", key, err)
		}
		export, err := resolveNode(top, field(field(o, "Export"), "Name"))
		if err != nil {
			return nil, fmt.Errorf("output %s: export name: %w", key, err)
		}
		desc, err := resolveNode(top, field(o, "Description"))
		if err != nil {
			return nil, fmt.Errorf("output %s: description: %w", key, err)
		}
		out = append(out, Output{OutputKey: key, OutputValue: v, Description: desc, ExportName: export})
	}
	return out, nil
}

// resolveNode is what CloudFormation gives the YAML value n; "" for none.
func resolveNode(top *topology.Topology, n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	src, err := yaml.Marshal(n)
	if err != nil {
		return "", err
	}
	return top.Resolve(string(src))
}

// resources are the template's resources, in template order, with the
// physical ids their Refs resolve to.
func resources(top *topology.Topology, stackName string, created time.Time) []StackResource {
	ids := make([]string, 0, len(top.Resources))
	for id := range top.Resources {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if d := top.Resources[a].Line - top.Resources[b].Line; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]StackResource, 0, len(ids))
	for _, id := range ids {
		typ := top.Resources[id].Type
		if typ == "AWS::Serverless::Function" { // as SAM's transform deploys it
			typ = "AWS::Lambda::Function"
		}
		physical, _ := top.Variable(id)
		out = append(out, StackResource{StackName: stackName, StackId: stackID(top), LogicalResourceId: id,
			PhysicalResourceId: physical, ResourceType: typ, ResourceStatus: "CREATE_COMPLETE", Timestamp: awsapi.At(created)})
	}
	return append(out, generated(top, stackName, created)...)
}

// generated are the resources SAM's transform adds for the functions'
// aliases and deployments (topology.Generated), and the version each
// alias points at, the local stack's one (topology.LocalVersion).
func generated(top *topology.Topology, stackName string, created time.Time) []StackResource {
	var out []StackResource
	add := func(id, typ, physical string) {
		out = append(out, StackResource{StackName: stackName, StackId: stackID(top), LogicalResourceId: id,
			PhysicalResourceId: physical, ResourceType: typ, ResourceStatus: "CREATE_COMPLETE", Timestamp: awsapi.At(created)})
	}
	for _, f := range top.OrderedFunctions() {
		if f.Alias != "" {
			add(topology.VersionLogicalID(f), "AWS::Lambda::Version", f.ARN+":"+topology.LocalVersion)
		}
	}
	for _, g := range top.Generated() {
		add(g.LogicalID, g.Type, g.Physical)
	}
	return out
}

// field is mapping n's value at key, nil when absent.
func field(n *yaml.Node, key string) *yaml.Node {
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

// keys are mapping n's keys, in order.
func keys(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
