package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/queries/insights"
	"github.com/alchemiser/alchemiser/topology"
)

// stack is what the ops commands use of a deployed stack: its resources'
// physical names, found by the logical ids template.yaml gives them, so
// nobody types a queue URL, a parameter or a log group name.
type stack struct {
	Name                       string
	Partition, Region, Account string // from the stack's id

	Bus, BusARN         string // the event bus the archive archives
	Archive, ArchiveARN string
	// EventsDLQs are the rule targets' (and schedules') dead-letter
	// queues; OnFailure the functions' on-failure destinations: URLs in
	// template order.
	EventsDLQs, OnFailure []stackQueue
	// LogGroups are the functions' log groups, in template order.
	LogGroups []stackLogGroup
	// TradingParameter is the kill switch: the SSM parameter the
	// functions' environment names.
	TradingParameter string
	// AlpacaSecret is the ARN of the stack's Secrets Manager secret, the
	// Alpaca credentials the functions read at cold start; "" when the
	// stack has not exactly one.
	AlpacaSecret string
	// QueryDefinitions are the saved queries' definition ids by their
	// deployed name (Alchemiser/<incident>/<name> v<N>).
	QueryDefinitions map[string]string
	// Alarms are the names of the stack's metric and composite alarms.
	Alarms []string
	// Outputs are the stack's outputs by key.
	Outputs map[string]string
	// Parameters are the stack's parameter values by key.
	Parameters map[string]string
}

// stackQueue is a queue of the stack.
type stackQueue struct{ LogicalID, URL string }

// Name is the queue's name, the last segment of its URL.
func (q stackQueue) Name() string { return q.URL[strings.LastIndex(q.URL, "/")+1:] }

// stackLogGroup is a function's log group: Template is its name as the
// template resolves it for the stack, Name the deployed one.
type stackLogGroup struct{ Function, Template, Name string }

// cfnAPI is what stack resolution calls of CloudFormation.
type cfnAPI interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackResources(ctx context.Context, in *cloudformation.DescribeStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error)
	ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
}

var _ cfnAPI = (*cloudformation.Client)(nil)

// resolveStack reads stack name's id, parameters, outputs and resources,
// and finds in them the resources template.yaml declares. The template is
// resolved with the stack's name, region, account and parameters, so a
// resource its conditions leave out is not looked for.
func resolveStack(ctx context.Context, cf cfnAPI, name string) (*stack, error) {
	out, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return nil, awsErr("could not describe stack "+name, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("could not describe stack %s: CloudFormation returned no stack", name)
	}
	s := out.Stacks[0]
	st := &stack{Name: name, Outputs: map[string]string{}, Parameters: map[string]string{}}
	st.Partition, st.Region, st.Account = arnParts(aws.ToString(s.StackId))
	params := st.Parameters
	for _, p := range s.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	for _, o := range s.Outputs {
		st.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	top, err := topology.Load("template.yaml", alchemiser.Template,
		topology.Options{StackName: name, Region: st.Region, Account: st.Account, Parameters: params})
	if err != nil {
		return nil, fmt.Errorf("could not resolve template.yaml for stack %s: %w", name, err)
	}
	physical, err := stackResources(ctx, cf, name)
	if err != nil {
		return nil, err
	}
	if err := st.fill(top, physical); err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	return st, nil
}

// describeStackResourcesCap is how many resources DescribeStackResources
// returns at most; a stack with more must be listed with
// ListStackResources, paginated
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResources.html).
// A variable only so that a test can cap a smaller stack.
var describeStackResourcesCap = 100

// stackResources maps the stack's logical ids to physical ids:
// DescribeStackResources' answer, or ListStackResources' pages when that
// answer is exactly the cap, so perhaps cut short: template.yaml deploys
// more than 100 resources, which CloudFormation cuts to 100, while the
// local stack's endpoint answers them all.
func stackResources(ctx context.Context, cf cfnAPI, name string) (map[string]string, error) {
	physical := map[string]string{}
	add := func(logical, phys *string) {
		if id := aws.ToString(phys); id != "" {
			physical[aws.ToString(logical)] = id
		}
	}
	out, err := cf.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(name)})
	if err != nil {
		return nil, awsErr("could not describe the resources of stack "+name, err)
	}
	if len(out.StackResources) != describeStackResourcesCap {
		for _, r := range out.StackResources {
			add(r.LogicalResourceId, r.PhysicalResourceId)
		}
		return physical, nil
	}
	p := cloudformation.NewListStackResourcesPaginator(cf, &cloudformation.ListStackResourcesInput{StackName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsErr("could not list the resources of stack "+name, err)
		}
		for _, r := range page.StackResourceSummaries {
			add(r.LogicalResourceId, r.PhysicalResourceId)
		}
	}
	return physical, nil
}

// fill finds the template's resources among physical (logical id to
// physical id). A resource the stack lacks is left out; the commands
// that need it say so.
func (st *stack) fill(top *topology.Topology, physical map[string]string) error {
	if err := st.fillBus(top, physical); err != nil {
		return err
	}
	queue := func(into *[]stackQueue, id string) {
		if url, ok := physical[id]; ok && id != "" && !slices.ContainsFunc(*into, func(q stackQueue) bool { return q.LogicalID == id }) {
			*into = append(*into, stackQueue{LogicalID: id, URL: url})
		}
	}
	for _, r := range top.Rules {
		for _, t := range r.Targets {
			queue(&st.EventsDLQs, t.DLQ)
		}
	}
	for _, s := range top.Schedules {
		queue(&st.EventsDLQs, s.DLQ)
	}
	for _, f := range top.OrderedFunctions() {
		queue(&st.OnFailure, f.Async.OnFailure)
		if g := functionLogGroup(f, physical); g != "" {
			st.LogGroups = append(st.LogGroups, stackLogGroup{Function: topology.FunctionName(f.LogicalID), Template: f.LogGroup, Name: g})
		}
	}
	st.TradingParameter = tradingParameter(top, physical)
	st.AlpacaSecret = onlyOfType(top, physical, "AWS::SecretsManager::Secret")
	st.QueryDefinitions = map[string]string{}
	for id, r := range top.Resources {
		switch r.Type {
		case "AWS::Logs::QueryDefinition":
			if n, ok := r.Properties["Name"].(string); ok && physical[id] != "" {
				st.QueryDefinitions[n] = physical[id]
			}
		case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
			if n := physical[id]; n != "" {
				st.Alarms = append(st.Alarms, n)
			}
		}
	}
	sort.Strings(st.Alarms)
	return nil
}

// fillBus finds the bus: the one the template's archive archives, or
// the template's only bus.
func (st *stack) fillBus(top *topology.Topology, physical map[string]string) error {
	busID := ""
	for _, a := range top.Archives {
		if name := physical[a.LogicalID]; name != "" {
			busID, st.Archive = a.Bus, name
			st.ArchiveARN = st.arn("events", "archive/"+name)
			break
		}
	}
	if busID == "" && len(top.Buses) == 1 {
		for id := range top.Buses {
			busID = id
		}
	}
	if busID == "" {
		return errors.New("template.yaml has no archive and not exactly one event bus: cannot tell which bus is the workflow's")
	}
	st.Bus = physical[busID]
	if st.Bus != "" {
		st.BusARN = st.arn("events", "event-bus/"+st.Bus)
	}
	return nil
}

// functionLogGroup is f's deployed log group: the template's log group
// resource, or Lambda's default group of the deployed function.
func functionLogGroup(f *topology.Function, physical map[string]string) string {
	if f.LogGroupID != "" {
		return physical[f.LogGroupID]
	}
	if fn := physical[f.LogicalID]; fn != "" {
		return "/aws/lambda/" + fn
	}
	return ""
}

// tradingParameter is the deployed name of the template's SSM parameter
// that a function's environment names (the kill switch the execution
// function reads before every plan); "" when there is not exactly one.
func tradingParameter(top *topology.Topology, physical map[string]string) string {
	env := map[string]bool{}
	for _, f := range top.Functions {
		for _, v := range f.Env {
			env[v] = true
		}
	}
	var found []string
	for id, r := range top.Resources {
		if name, _ := r.Properties["Name"].(string); r.Type == "AWS::SSM::Parameter" && env[name] && physical[id] != "" {
			found = append(found, physical[id])
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// onlyOfType is the physical id of the stack's one resource of type typ
// (a secret's is its ARN); "" when there is not exactly one.
func onlyOfType(top *topology.Topology, physical map[string]string, typ string) string {
	var found []string
	for id, r := range top.Resources {
		if r.Type == typ && physical[id] != "" {
			found = append(found, physical[id])
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// arn is the ARN of a resource of service in the stack's partition,
// region and account
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
func (st *stack) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", st.Partition, service, st.Region, st.Account, resource)
}

// arnParts are an ARN's partition, region and account.
func arnParts(arn string) (partition, region, account string) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return "aws", "", ""
	}
	return p[1], p[3], p[4]
}

// queues are the stack's dead-letter queues of a kind: events (the rule
// targets' DLQs), on-failure (the functions' destinations) or all.
func (st *stack) queues(kind string) ([]stackQueue, error) {
	var out []stackQueue
	switch kind {
	case "events":
		out = st.EventsDLQs
	case "on-failure":
		out = st.OnFailure
	case "all":
		out = append(slices.Clone(st.EventsDLQs), st.OnFailure...)
	default:
		return nil, usageError{fmt.Errorf("--queue %q: want events, on-failure or all", kind)}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("stack %s has no %s dead-letter queue", st.Name, kind)
	}
	return out, nil
}

// logGroups are the deployed log groups matching wanted (a saved query's
// log-groups header or --log-group values, as insights.MatchGroup reads
// them: empty is all). Each wanted entry must match one at least.
func (st *stack) logGroups(wanted []string) ([]string, error) {
	var out []string
	for _, w := range wanted {
		if !slices.ContainsFunc(st.LogGroups, func(g stackLogGroup) bool { return groupMatches(g, []string{w}) }) {
			return nil, usageError{fmt.Errorf("stack %s has no log group %q (it has %s)", st.Name, w, st.logGroupNames())}
		}
	}
	for _, g := range st.LogGroups {
		if groupMatches(g, wanted) {
			out = append(out, g.Name)
		}
	}
	return out, nil
}

func groupMatches(g stackLogGroup, wanted []string) bool {
	return insights.MatchGroup(g.Template, wanted) || insights.MatchGroup(g.Name, wanted) || slices.Contains(wanted, g.Function)
}

func (st *stack) logGroupNames() string {
	var names []string
	for _, g := range st.LogGroups {
		names = append(names, g.Name)
	}
	return strings.Join(names, ", ")
}

// loadStack resolves --stack with cfg's CloudFormation client.
func (o *awsOptions) loadStack(ctx context.Context, cfg aws.Config) (*stack, error) {
	return resolveStack(ctx, cloudformation.NewFromConfig(cfg), o.stack)
}
