package cloudformation

import (
	"context"
	"errors"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// Config is what the service reads.
type Config struct {
	// Topology is the local stack's template, resolved (its stack name,
	// region, account and physical names).
	Topology *topology.Topology
	// Template is the template's source, for its Description, Parameters
	// and Outputs.
	Template []byte
	// Now is the local stack's clock; the stack's CreationTime is Now when
	// New is called.
	Now func() time.Time
}

// CloudFormation is the local stack's CloudFormation.
type CloudFormation struct {
	stack *stack
}

// New builds the service for cfg's stack.
func New(cfg Config) (*CloudFormation, error) {
	if cfg.Topology == nil {
		return nil, errors.New("cloudformation: Config.Topology is required")
	}
	if cfg.Now == nil {
		return nil, errors.New("cloudformation: Config.Now is required")
	}
	s, err := build(cfg.Topology, cfg.Template, cfg.Now())
	if err != nil {
		return nil, err
	}
	return &CloudFormation{stack: s}, nil
}

// Service is the API: awsQuery, signing name cloudformation.
func (c *CloudFormation) Service() awsapi.Service {
	return awsapi.Service{SigningName: "cloudformation", Protocols: awsapi.Query,
		XMLNamespace: "http://cloudformation.amazonaws.com/doc/2010-05-15/",
		Operations: map[string]awsapi.Operation{
			"DescribeStacks":         awsapi.Op(c.DescribeStacks),
			"DescribeStackResources": awsapi.Op(c.DescribeStackResources),
		}}
}

// DescribeStacksInput is DescribeStacks' request.
type DescribeStacksInput struct {
	StackName string `json:"StackName,omitempty"`
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeStacksOutput is DescribeStacks' result.
type DescribeStacksOutput struct {
	Stacks []Stack `json:"Stacks"`
}

// Stack is one stack's description.
type Stack struct {
	StackId      string       `json:"StackId"`
	StackName    string       `json:"StackName"`
	Description  string       `json:"Description,omitempty"`
	Parameters   []Parameter  `json:"Parameters,omitempty"`
	CreationTime *awsapi.Time `json:"CreationTime"`
	StackStatus  string       `json:"StackStatus"`
	Outputs      []Output     `json:"Outputs,omitempty"`
}

// Parameter is a template parameter's value.
type Parameter struct {
	ParameterKey   string `json:"ParameterKey"`
	ParameterValue string `json:"ParameterValue"`
}

// Output is one of the template's Outputs, resolved.
type Output struct {
	OutputKey   string `json:"OutputKey"`
	OutputValue string `json:"OutputValue"`
	Description string `json:"Description,omitempty"`
	ExportName  string `json:"ExportName,omitempty"`
}

// DescribeStacks describes the stack named (by name or id) in in, or
// every stack.
func (c *CloudFormation) DescribeStacks(_ context.Context, in *DescribeStacksInput) (*DescribeStacksOutput, error) {
	if in.StackName != "" && !c.is(in.StackName) {
		return nil, notFound(in.StackName)
	}
	return &DescribeStacksOutput{Stacks: []Stack{c.stack.summary}}, nil
}

// DescribeStackResourcesInput is DescribeStackResources' request.
type DescribeStackResourcesInput struct {
	StackName          string `json:"StackName,omitempty"`
	LogicalResourceId  string `json:"LogicalResourceId,omitempty"`
	PhysicalResourceId string `json:"PhysicalResourceId,omitempty"`
}

// DescribeStackResourcesOutput is DescribeStackResources' result.
type DescribeStackResourcesOutput struct {
	StackResources []StackResource `json:"StackResources"`
}

// StackResource is one resource of the stack.
type StackResource struct {
	StackName          string       `json:"StackName"`
	StackId            string       `json:"StackId"`
	LogicalResourceId  string       `json:"LogicalResourceId"`
	PhysicalResourceId string       `json:"PhysicalResourceId"`
	ResourceType       string       `json:"ResourceType"`
	Timestamp          *awsapi.Time `json:"Timestamp"`
	ResourceStatus     string       `json:"ResourceStatus"`
}

// DescribeStackResources lists the stack's resources, or the one
// LogicalResourceId names. StackName or PhysicalResourceId is required;
// with PhysicalResourceId alone, the stack is the one holding that
// resource (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html).
func (c *CloudFormation) DescribeStackResources(_ context.Context, in *DescribeStackResourcesInput) (*DescribeStackResourcesOutput, error) {
	switch {
	case in.StackName == "" && in.PhysicalResourceId == "":
		return nil, awsapi.Errorf(codeValidation, "Either StackName or PhysicalResourceId must be specified.")
	case in.StackName != "" && !c.is(in.StackName):
		return nil, notFound(in.StackName)
	case in.StackName == "" && !c.holds(in.PhysicalResourceId):
		return nil, awsapi.Errorf(codeValidation, "Stack for %s does not exist", in.PhysicalResourceId)
	}
	out := &DescribeStackResourcesOutput{StackResources: []StackResource{}}
	for _, r := range c.stack.resources {
		if in.LogicalResourceId == "" || r.LogicalResourceId == in.LogicalResourceId {
			out.StackResources = append(out.StackResources, r)
		}
	}
	if in.LogicalResourceId != "" && len(out.StackResources) == 0 {
		return nil, awsapi.Errorf(codeValidation, "Resource %s does not exist for stack %s", in.LogicalResourceId, c.stack.name)
	}
	return out, nil
}

// is reports whether name is the stack's name or id.
func (c *CloudFormation) is(name string) bool { return name == c.stack.name || name == c.stack.id }

// holds reports whether a resource of the stack has physical id id.
func (c *CloudFormation) holds(id string) bool {
	for _, r := range c.stack.resources {
		if r.PhysicalResourceId == id {
			return true
		}
	}
	return false
}

// codeValidation is CloudFormation's code for a bad request and for a
// stack it does not have.
const codeValidation = "ValidationError"

// notFound is CloudFormation's answer for a stack it does not have, code
// and message as the service sends them.
func notFound(name string) error {
	return awsapi.Errorf(codeValidation, "Stack with id %s does not exist", name)
}
