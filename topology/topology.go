// Package topology reads template.yaml, the single source of the AWS
// topology, into the buses, rules, targets, functions, queues, archives and
// schedules the local EventBridge emulator runs. It reads the template with
// rain's cft/parse (short-form intrinsics included), merges SAM Globals,
// expands SAM EventBridgeRule events into rules as SAM's transform does,
// and resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::If and
// conditions as far as the topology needs. Problems are reported as
// file:line:col.
//
// A function's AutoPublishAlias is read as SAM deploys it: the alias
// SAM generates (<Function>Alias<name>, and !Ref <Function>.Alias) resolves
// to the alias's ARN, a rule target or schedule naming it links to the
// function with the alias as its Qualifier, and Generated lists what SAM
// adds for aliases and DeploymentPreference (the alias, the CodeDeploy
// deployment group, application and role).
//
// A loaded Topology also resolves single expressions the way it resolved
// the template (Resolve: "!Ref SchedulerFunction" is the function's
// name; Variable: what ${Name} gives in a !Sub), and names the functions
// as the code and the Makefile do (FunctionNames in template order,
// LogicalID and FunctionName between "scheduler" and SchedulerFunction).
package topology

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws-cloudformation/rain/cft/parse"
	"gopkg.in/yaml.v3"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// Topology is what a template declares, resolved.
type Topology struct {
	StackName, Region, Account string
	Buses                      map[string]*Bus      // by logical id
	Functions                  map[string]*Function // by logical id
	Queues                     map[string]*Queue    // by logical id
	Rules                      []*Rule              // file order
	Archives                   []*Archive
	Schedules                  []*Schedule
	Topics                     map[string]*Topic // SNS topics with their subscriptions, by logical id
	Alarms                     map[string]*Alarm // alarms and composite alarms with their actions, by name
	// Resources are every resource's type and resolved properties, for
	// policy checks that look beyond the topology.
	Resources map[string]Resource

	exprs *expressions // for Resolve
}

// Schedule returns the schedule with logicalID, or nil.
func (t *Topology) Schedule(logicalID string) *Schedule {
	for _, s := range t.Schedules {
		if s.LogicalID == logicalID {
			return s
		}
	}
	return nil
}

// Resource is one resolved resource of the template.
type Resource struct {
	Type       string
	Properties map[string]any
	// DeletionPolicy and UpdateReplacePolicy are the resource's
	// attributes as written ("" when absent: CloudFormation then deletes).
	DeletionPolicy, UpdateReplacePolicy string
	Line, Col                           int
}

// Bus is an event bus.
type Bus struct {
	LogicalID, Name, ARN string
}

// Function is a Lambda function with its async invocation configuration.
// Timeout, MemoryMB and the other properties are SAM Globals merged with
// the function's own, at Lambda's defaults (3 s, 128 MB) when neither
// sets them.
type Function struct {
	LogicalID, Name, ARN string
	Env                  map[string]string
	Timeout              time.Duration
	MemoryMB             int
	LogFormat            string // LoggingConfig.LogFormat: JSON or Text
	LogGroup             string // the log group's name
	// LogGroupID is the logical id of the AWS::Logs::LogGroup resource
	// named by LoggingConfig.LogGroup; "" when the function logs to a group
	// the template does not declare (Lambda's default one).
	LogGroupID string
	// ReservedConcurrency is ReservedConcurrentExecutions: the most
	// invocations the function runs at once (0 throttles every one); -1
	// when the template reserves none (the account's unreserved pool).
	ReservedConcurrency int
	Async               AsyncConfig
	// Alias is the function's AutoPublishAlias ("" for none): each deploy
	// publishes a version and points the alias at it; event sources,
	// rules and schedules invoke the alias (AliasARN), and the function's
	// EventInvokeConfig applies to it.
	Alias, AliasARN string
	// Deployment is the function's DeploymentPreference, nil for none.
	Deployment *Deployment
	Line, Col  int // where the template declares the function
}

// AsyncConfig is a function's EventInvokeConfig. Lambda's defaults are two
// retries and six hours.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
type AsyncConfig struct {
	MaxRetries int
	MaxAge     time.Duration
	OnFailure  string // logical id of the SQS queue, "" for none
}

// Queue is an SQS queue (a DLQ or an on-failure destination).
type Queue struct {
	LogicalID, Name, ARN, URL string
}

// Rule is an EventBridge rule on a bus.
type Rule struct {
	LogicalID, Name, ARN string
	Bus                  string          // bus logical id, or "default"
	Pattern              json.RawMessage // the event pattern, as JSON
	Targets              []Target
	Line, Col            int
}

// Target is one target of a rule.
type Target struct {
	ID, ARN  string
	Function string // logical id when the target is a function of the template
	// Qualifier is the alias of Function that ARN names, "" when ARN
	// is the unqualified function.
	Qualifier        string
	Retry            RetryPolicy
	DLQ              string // logical id of the DLQ queue, "" for none
	Input, InputPath string
	Transformer      *InputTransformer
}

// RetryPolicy is a target's retry policy; EventBridge's defaults are 185
// attempts and 24 hours.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
type RetryPolicy struct {
	MaxAttempts int
	MaxAge      time.Duration
}

// InputTransformer is a target's InputTransformer.
type InputTransformer struct {
	PathsMap map[string]string
	Template string
}

// Archive archives the events of a bus that match its pattern.
type Archive struct {
	LogicalID, Bus string
	Pattern        json.RawMessage // nil: every event
	RetentionDays  int
}

// Schedule is an EventBridge Scheduler schedule invoking a function.
type Schedule struct {
	LogicalID, Name, Expression, Timezone string
	Function                              string // logical id of the target function
	Qualifier                             string // the alias of Function the target names, "" for none
	Input                                 string
	Retry                                 RetryPolicy
	DLQ                                   string
}

// Options are the deployment values a template is resolved with.
type Options struct {
	StackName, Region, Account string
	// Parameters are the template's parameter values; a parameter not
	// given takes its Default, else its LocalParameters value.
	Parameters map[string]string
}

// LocalParameters are the values of the template's parameters that a
// deployment must supply (they have no Default) when the template is
// resolved without them: for the local stack, the tools and the tests.
// RunbookBaseUrl is the repository's runbooks directory, as a path
// relative to the repository's root: locally the runbooks are files.
var LocalParameters = map[string]string{
	"RunbookBaseUrl": "runbooks",
}

func (o Options) withDefaults() Options {
	if o.StackName == "" {
		o.StackName = "alchemiser"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	return o
}

// LoadFile reads and resolves the template at path.
func LoadFile(path string, opts Options) (*Topology, error) {
	src, err := inputs.ReadFile(path, inputs.Config)
	if err != nil {
		return nil, fmt.Errorf("could not read template: %w", err)
	}
	return Load(path, src, opts)
}

// Load resolves template source src; file names it in errors.
func Load(file string, src []byte, opts Options) (*Topology, error) {
	var raw yaml.Node
	if err := yaml.Unmarshal(src, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	tmpl, err := parse.Node(&raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	root := tmpl.Node
	if root.Kind == yaml.DocumentNode {
		root = root.Content[0]
	}
	l := &loader{opts: opts.withDefaults(), file: file, root: root,
		top: &Topology{Buses: map[string]*Bus{}, Functions: map[string]*Function{}, Queues: map[string]*Queue{}, Resources: map[string]Resource{}}}
	return l.load()
}
