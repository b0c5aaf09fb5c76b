package topology

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

type loader struct {
	opts  Options
	file  string
	root  *yaml.Node
	top   *Topology
	r     *resolver
	names map[string]string // logical id -> physical name, memoised
	busy  map[string]bool   // names being resolved, to catch cycles
}

func (l *loader) load() (*Topology, error) {
	t := l.top
	t.StackName, t.Region, t.Account = l.opts.StackName, l.opts.Region, l.opts.Account
	resources := mapping(l.root, "Resources")
	if resources == nil {
		return nil, &Error{File: l.file, Line: l.root.Line, Col: l.root.Column, Msg: "template has no Resources"}
	}
	l.names, l.busy = map[string]string{}, map[string]bool{}
	l.r = &resolver{file: l.file, resources: map[string]*yaml.Node{}, conditions: map[string]*yaml.Node{},
		pseudo: map[string]string{"AWS::StackName": t.StackName, "AWS::Region": t.Region, "AWS::AccountId": t.Account,
			"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"},
		physical: l.physical}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, n := resources.Content[i], resources.Content[i+1]
		if _, dup := l.r.resources[id.Value]; dup {
			return nil, l.r.errorf(id, "resource %s is declared twice", id.Value)
		}
		if n.Kind != yaml.MappingNode || mapping(n, "Type") == nil {
			return nil, l.r.errorf(n, "resource %s must be a mapping with a Type", id.Value)
		}
		l.r.resources[id.Value] = n
	}
	conds := mapping(l.root, "Conditions")
	for _, k := range keys(conds) {
		l.r.conditions[k] = mapping(conds, k)
	}
	if err := l.parameters(); err != nil {
		return nil, err
	}
	var globals map[string]any
	if g := mapping(mapping(l.root, "Globals"), "Function"); g != nil {
		v, err := l.r.value(g)
		if err != nil {
			return nil, err
		}
		globals, _ = v.(map[string]any)
	}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		if err := l.resource(resources.Content[i].Value, resources.Content[i+1], globals); err != nil {
			return nil, err
		}
	}
	if err := l.link(); err != nil {
		return nil, err
	}
	t.exprs = &expressions{l: l}
	return t, nil
}

func (l *loader) parameters() error {
	l.r.params = map[string]string{}
	params := mapping(l.root, "Parameters")
	for _, name := range keys(params) {
		if v, ok := l.opts.Parameters[name]; ok {
			l.r.params[name] = v
			continue
		}
		d := mapping(mapping(params, name), "Default")
		if d == nil {
			if v, ok := LocalParameters[name]; ok {
				l.r.params[name] = v
				continue
			}
			p := mapping(params, name)
			return l.r.errorf(p, "parameter %s has no Default and no value was given", name)
		}
		l.r.params[name] = d.Value
	}
	return nil
}

func (l *loader) resource(id string, n *yaml.Node, globals map[string]any) error {
	typ := mapping(n, "Type")
	if typ == nil {
		return l.r.errorf(n, "resource %s has no Type", id)
	}
	if c := mapping(n, "Condition"); c != nil {
		ok, err := l.r.named(c)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
	}
	props := map[string]any{}
	if p := mapping(n, "Properties"); p != nil {
		v, err := l.r.value(p)
		if err != nil {
			return err
		}
		props, _ = v.(map[string]any)
	}
	if typ.Value == "AWS::Serverless::Function" {
		props = mergeGlobals(globals, props)
	}
	l.top.Resources[id] = Resource{Type: typ.Value, Properties: props, Line: n.Line, Col: n.Column,
		DeletionPolicy: text(mapping(n, "DeletionPolicy")), UpdateReplacePolicy: text(mapping(n, "UpdateReplacePolicy"))}
	return l.build(id, typ.Value, props, n)
}

// build adds what resource id contributes to the topology.
func (l *loader) build(id, typ string, props map[string]any, n *yaml.Node) error {
	t := l.top
	switch typ {
	case "AWS::Events::EventBus":
		t.Buses[id] = &Bus{LogicalID: id, Name: l.name(id), ARN: l.arn(id)}
	case "AWS::SQS::Queue":
		t.Queues[id] = &Queue{LogicalID: id, Name: l.name(id), ARN: l.arn(id), URL: l.ref(id)}
	case "AWS::Serverless::Function", "AWS::Lambda::Function":
		return l.function(id, props, n)
	case "AWS::Events::Rule":
		return l.rule(id, props, n)
	case "AWS::Events::Archive":
		a := &Archive{LogicalID: id, Bus: str(props["SourceArn"]), RetentionDays: num(props["RetentionDays"], 0)}
		if p, ok := props["EventPattern"]; ok {
			a.Pattern, _ = json.Marshal(p)
		}
		t.Archives = append(t.Archives, a)
	case "AWS::Scheduler::Schedule":
		target, _ := props["Target"].(map[string]any)
		s := &Schedule{LogicalID: id, Name: str(props["Name"]), Expression: str(props["ScheduleExpression"]),
			Timezone: str(props["ScheduleExpressionTimezone"]), Function: str(target["Arn"]), Input: str(target["Input"]),
			Retry: retryPolicy(target["RetryPolicy"]), DLQ: str(dig(target, "DeadLetterConfig", "Arn"))}
		t.Schedules = append(t.Schedules, s)
	}
	return nil
}

func (l *loader) function(id string, props map[string]any, n *yaml.Node) error {
	f := &Function{LogicalID: id, Name: l.name(id), ARN: l.arn(id), Env: map[string]string{},
		Timeout:  time.Duration(num(props["Timeout"], 3)) * time.Second,
		Async:    AsyncConfig{MaxRetries: 2, MaxAge: 6 * time.Hour},
		MemoryMB: num(props["MemorySize"], 128), LogFormat: str(dig(props, "LoggingConfig", "LogFormat")),
		ReservedConcurrency: num(props["ReservedConcurrentExecutions"], -1), Line: n.Line, Col: n.Column}
	if f.LogFormat == "" {
		f.LogFormat = "Text"
	}
	var err error
	if f.Alias, err = l.aliasName(id); err != nil {
		return err
	}
	if f.Alias != "" {
		f.AliasARN = f.ARN + ":" + f.Alias
	}
	f.Deployment = deployment(props)
	// LoggingConfig.LogGroup is a Ref to a log group (its name); Lambda's
	// default is /aws/lambda/<function name>.
	if f.LogGroup = str(dig(props, "LoggingConfig", "LogGroup")); f.LogGroup == "" {
		f.LogGroup = "/aws/lambda/" + f.Name
	}
	if vars, ok := dig(props, "Environment", "Variables").(map[string]any); ok {
		for k, v := range vars {
			f.Env[k] = fmt.Sprint(v)
		}
	}
	if c, ok := props["EventInvokeConfig"].(map[string]any); ok {
		f.Async.MaxRetries = num(c["MaximumRetryAttempts"], 2)
		f.Async.MaxAge = time.Duration(num(c["MaximumEventAgeInSeconds"], 21600)) * time.Second
		f.Async.OnFailure = str(dig(c, "DestinationConfig", "OnFailure", "Destination"))
	}
	l.top.Functions[id] = f
	events, _ := props["Events"].(map[string]any)
	for _, name := range sortedKeys(events) {
		ev, _ := events[name].(map[string]any)
		if ev["Type"] != "EventBridgeRule" {
			continue
		}
		if err := l.samRule(f, name, ev, n); err != nil {
			return err
		}
	}
	return nil
}

// samRule expands a SAM EventBridgeRule event as SAM's transform does: a
// rule on the bus with the function as its one target.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventbridgerule.html
func (l *loader) samRule(f *Function, name string, ev map[string]any, n *yaml.Node) error {
	p, _ := ev["Properties"].(map[string]any)
	id := f.LogicalID + name
	at := eventNode(n, name)
	rule := &Rule{LogicalID: id, Name: str(p["RuleName"]), Bus: str(p["EventBusName"]), Line: at.Line, Col: at.Column}
	if rule.Name == "" {
		rule.Name = l.opts.StackName + "-" + id
	}
	if rule.Bus == "" {
		rule.Bus = "default"
	}
	pattern, ok := p["Pattern"]
	if !ok {
		return l.r.errorf(at, "EventBridgeRule event %s of %s has no Pattern", name, f.LogicalID)
	}
	rule.Pattern, _ = json.Marshal(pattern)
	// With AutoPublishAlias, SAM points the rule at the alias.
	target := Target{ID: str(dig(p, "Target", "Id")), ARN: cmp.Or(f.AliasARN, f.ARN), Function: f.LogicalID, Qualifier: f.Alias,
		Retry: retryPolicy(p["RetryPolicy"]), DLQ: str(dig(p, "DeadLetterConfig", "Arn")),
		Input: str(p["Input"]), InputPath: str(p["InputPath"]), Transformer: transformer(p["InputTransformer"])}
	if target.ID == "" {
		target.ID = f.LogicalID + name + "LambdaTarget"
	}
	if target.DLQ == "" && dig(p, "DeadLetterConfig", "Type") == "SQS" {
		q := id + "Queue" // SAM creates <Function><Event>Queue
		l.top.Queues[q] = &Queue{LogicalID: q, Name: l.opts.StackName + "-" + q, ARN: l.queueARN(l.opts.StackName + "-" + q)}
		target.DLQ = l.top.Queues[q].ARN
	}
	rule.Targets = []Target{target}
	rule.ARN = l.ruleARN(rule.Bus, rule.Name)
	l.top.Rules = append(l.top.Rules, rule)
	return nil
}

func (l *loader) rule(id string, props map[string]any, n *yaml.Node) error {
	rule := &Rule{LogicalID: id, Name: l.name(id), Bus: str(props["EventBusName"]), Line: n.Line, Col: n.Column}
	if rule.Bus == "" {
		rule.Bus = "default"
	}
	if pattern, ok := props["EventPattern"]; ok {
		rule.Pattern, _ = json.Marshal(pattern)
	} else if props["ScheduleExpression"] == nil {
		return l.r.errorf(n, "rule %s has neither EventPattern nor ScheduleExpression", id)
	}
	targets, _ := props["Targets"].([]any)
	for _, tv := range targets {
		tm, _ := tv.(map[string]any)
		rule.Targets = append(rule.Targets, Target{ID: str(tm["Id"]), ARN: str(tm["Arn"]),
			Retry: retryPolicy(tm["RetryPolicy"]), DLQ: str(dig(tm, "DeadLetterConfig", "Arn")),
			Input: str(tm["Input"]), InputPath: str(tm["InputPath"]), Transformer: transformer(tm["InputTransformer"])})
	}
	rule.ARN = l.ruleARN(rule.Bus, rule.Name)
	l.top.Rules = append(l.top.Rules, rule)
	return nil
}

// link turns ARNs and names into logical ids: rule buses, target
// functions, DLQs, on-failure destinations, archive buses and schedule
// targets.
func (l *loader) link() error {
	t := l.top
	byName, byARN := map[string]string{}, map[string]string{}
	for id, b := range t.Buses {
		byName[b.Name], byARN[b.ARN] = id, id
	}
	aliases := map[string]*Function{} // alias ARN -> function
	for id, f := range t.Functions {
		byARN[f.ARN] = id
		if f.AliasARN != "" {
			aliases[f.AliasARN] = f
		}
	}
	for id, q := range t.Queues {
		byARN[q.ARN] = id
	}
	for _, r := range t.Rules {
		if r.Bus != "default" {
			id, ok := byName[r.Bus]
			if !ok {
				id, ok = byARN[r.Bus]
			}
			if !ok {
				return &Error{File: l.file, Line: r.Line, Col: r.Col, Msg: fmt.Sprintf("rule %s: bus %q is not declared in the template", r.LogicalID, r.Bus)}
			}
			r.Bus = id
		}
		for i := range r.Targets {
			tg := &r.Targets[i]
			if f := aliases[tg.ARN]; f != nil {
				tg.Function, tg.Qualifier = f.LogicalID, f.Alias
			}
			if tg.Function == "" {
				tg.Function = byARN[tg.ARN]
			}
			if tg.DLQ != "" {
				id, ok := byARN[tg.DLQ]
				if !ok {
					return &Error{File: l.file, Line: r.Line, Col: r.Col, Msg: fmt.Sprintf("rule %s target %s: DLQ %q is not a queue of the template", r.LogicalID, tg.ID, tg.DLQ)}
				}
				tg.DLQ = id
			}
		}
	}
	groups := map[string]string{} // log group name -> logical id
	for id, r := range t.Resources {
		if r.Type == "AWS::Logs::LogGroup" {
			groups[l.name(id)] = id
		}
	}
	for _, f := range t.Functions {
		f.LogGroupID = groups[f.LogGroup]
		if f.Async.OnFailure != "" {
			id, ok := byARN[f.Async.OnFailure]
			if !ok {
				return fmt.Errorf("%s: function %s: on-failure destination %q is not a queue of the template", l.file, f.LogicalID, f.Async.OnFailure)
			}
			f.Async.OnFailure = id
		}
	}
	for _, a := range t.Archives {
		a.Bus = byARN[a.Bus]
	}
	for _, s := range t.Schedules {
		if f := aliases[s.Function]; f != nil {
			s.Function, s.Qualifier = f.LogicalID, f.Alias
		} else {
			s.Function = byARN[s.Function]
		}
		s.DLQ = byARN[s.DLQ]
	}
	l.linkAlarms()
	return l.linkSNS()
}

// linkAlarms turns the alarm names of the functions' deployment
// preferences into the alarms' logical ids.
func (l *loader) linkAlarms() {
	alarms := map[string]string{} // name -> logical id
	for id, r := range l.top.Resources {
		if r.Type == "AWS::CloudWatch::Alarm" || r.Type == "AWS::CloudWatch::CompositeAlarm" {
			alarms[l.name(id)] = id
		}
	}
	for _, f := range l.top.Functions {
		if f.Deployment == nil {
			continue
		}
		for i, a := range f.Deployment.Alarms {
			if id, ok := alarms[a]; ok {
				f.Deployment.Alarms[i] = id
			}
		}
	}
}

func eventNode(fn *yaml.Node, name string) *yaml.Node {
	if n := mapping(mapping(mapping(fn, "Properties"), "Events"), name); n != nil {
		return n
	}
	return fn
}

func retryPolicy(v any) RetryPolicy {
	m, _ := v.(map[string]any)
	return RetryPolicy{MaxAttempts: num(m["MaximumRetryAttempts"], 185),
		MaxAge: time.Duration(num(m["MaximumEventAgeInSeconds"], 86400)) * time.Second}
}

func transformer(v any) *InputTransformer {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	it := &InputTransformer{PathsMap: map[string]string{}, Template: str(m["InputTemplate"])}
	paths, _ := m["InputPathsMap"].(map[string]any)
	for k, p := range paths {
		it.PathsMap[k] = str(p)
	}
	return it
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func num(v any, def int) int {
	switch x := v.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case string:
		var n int
		if _, err := fmt.Sscan(x, &n); err == nil {
			return n
		}
	}
	return def
}

// nameProps are the properties holding each type's physical name.
var nameProps = map[string]string{
	"AWS::Events::EventBus": "Name", "AWS::Events::Rule": "Name", "AWS::SQS::Queue": "QueueName",
	"AWS::Serverless::Function": "FunctionName", "AWS::Lambda::Function": "FunctionName",
	"AWS::SNS::Topic": "TopicName", "AWS::DynamoDB::Table": "TableName", "AWS::S3::Bucket": "BucketName",
	"AWS::SecretsManager::Secret": "Name", "AWS::SSM::Parameter": "Name", "AWS::Logs::LogGroup": "LogGroupName",
	"AWS::Scheduler::Schedule": "Name", "AWS::Events::Archive": "ArchiveName", "AWS::IAM::Role": "RoleName",
	"AWS::CloudWatch::Alarm": "AlarmName", "AWS::CloudWatch::CompositeAlarm": "AlarmName",
}

// name is resource id's physical name: its name property, or what
// CloudFormation would generate (here stack-LogicalId, without the random
// suffix).
func (l *loader) name(id string) string {
	if n, ok := l.names[id]; ok {
		return n
	}
	n := l.r.resources[id]
	typ := mapping(n, "Type").Value
	name := l.opts.StackName + "-" + id
	if typ == "AWS::S3::Bucket" {
		name = strings.ToLower(name)
	}
	if prop := nameProps[typ]; prop != "" && !l.busy[id] {
		l.busy[id] = true
		if p := mapping(mapping(n, "Properties"), prop); p != nil {
			if v, err := l.r.value(p); err == nil {
				name = str(v)
			}
		}
		delete(l.busy, id)
	}
	l.names[id] = name
	return name
}

func (l *loader) typeOf(id string) string {
	if t := mapping(l.r.resources[id], "Type"); t != nil {
		return t.Value
	}
	return ""
}

func (l *loader) queueARN(name string) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", l.opts.Region, l.opts.Account, name)
}

func (l *loader) ruleARN(bus, name string) string {
	if bus == "default" {
		return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", l.opts.Region, l.opts.Account, name)
	}
	if b, ok := l.top.Buses[bus]; ok {
		bus = b.Name
	}
	return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s/%s", l.opts.Region, l.opts.Account, bus, name)
}

// arn is resource id's ARN, as Fn::GetAtt Arn gives it.
func (l *loader) arn(id string) string {
	o, name := l.opts, l.name(id)
	switch l.typeOf(id) {
	case "AWS::Events::EventBus":
		return fmt.Sprintf("arn:aws:events:%s:%s:event-bus/%s", o.Region, o.Account, name)
	case "AWS::Events::Rule":
		bus := "default"
		if b := mapping(mapping(l.r.resources[id], "Properties"), "EventBusName"); b != nil {
			if v, err := l.r.value(b); err == nil {
				bus = str(v)
			}
		}
		if bus == "default" {
			return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", o.Region, o.Account, name)
		}
		return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s/%s", o.Region, o.Account, bus, name)
	case "AWS::SQS::Queue":
		return l.queueARN(name)
	case "AWS::Serverless::Function", "AWS::Lambda::Function":
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", o.Region, o.Account, name)
	case "AWS::SNS::Topic":
		return fmt.Sprintf("arn:aws:sns:%s:%s:%s", o.Region, o.Account, name)
	case "AWS::DynamoDB::Table":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", o.Region, o.Account, name)
	case "AWS::S3::Bucket":
		return "arn:aws:s3:::" + name
	case "AWS::SecretsManager::Secret":
		return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s", o.Region, o.Account, name)
	case "AWS::SSM::Parameter":
		return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", o.Region, o.Account, name)
	case "AWS::Logs::LogGroup":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", o.Region, o.Account, name)
	case "AWS::IAM::Role":
		return fmt.Sprintf("arn:aws:iam::%s:role/%s", o.Account, name)
	case "AWS::Scheduler::Schedule":
		return fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s", o.Region, o.Account, name)
	case "AWS::Events::Archive":
		return fmt.Sprintf("arn:aws:events:%s:%s:archive/%s", o.Region, o.Account, name)
	}
	return fmt.Sprintf("arn:aws:%s:%s:%s", o.Region, o.Account, id)
}

// ref is what Ref gives for resource id, per type (CloudFormation's
// "Return values" of each resource).
func (l *loader) ref(id string) string {
	switch l.typeOf(id) {
	case "AWS::SQS::Queue":
		return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", l.opts.Region, l.opts.Account, l.name(id))
	case "AWS::SNS::Topic", "AWS::SecretsManager::Secret":
		return l.arn(id)
	}
	return l.name(id)
}

// physical resolves Ref (attr "") and Fn::GetAtt of a resource.
func (l *loader) physical(id, attr string) (string, bool) {
	if _, ok := l.r.resources[id]; !ok {
		return l.generated(id, attr)
	}
	switch attr {
	case "":
		return l.ref(id), true
	case "Arn":
		return l.arn(id), true
	case "Name", "QueueName", "TopicName":
		return l.name(id), true
	case "QueueUrl":
		return l.ref(id), true
	}
	return "", false
}

// text is a scalar node's value, "" for none.
func text(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
