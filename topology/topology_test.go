package topology

import (
	"os"
	"strings"
	"testing"
	"time"
)

const templatePath = "../template.yaml"

func loadTemplate(t *testing.T) *Topology {
	t.Helper()
	top, err := LoadFile(templatePath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return top
}

func TestTemplateTopology(t *testing.T) {
	top := loadTemplate(t)
	bus := top.Buses["Bus"]
	if bus == nil || bus.Name != "alchemiser-bus" || bus.ARN != "arn:aws:events:us-east-1:000000000000:event-bus/alchemiser-bus" {
		t.Fatalf("bus %+v", bus)
	}
	if len(top.Functions) != 5 {
		t.Errorf("%d functions, want 5", len(top.Functions))
	}
	ex := top.Functions["ExecutionFunction"]
	if ex.Name != "alchemiser-execution" || ex.Timeout != 300*time.Second || ex.Env["EVENT_BUS_NAME"] != "alchemiser-bus" ||
		ex.Env["KILL_SWITCH_PARAMETER"] != "/alchemiser/trading-enabled" || ex.Env["POWERTOOLS_SERVICE_NAME"] != "alchemiser" {
		t.Errorf("execution function: %+v", ex)
	}
	if ex.Async != (AsyncConfig{MaxRetries: 2, MaxAge: time.Hour, OnFailure: "FailedInvocationsQueue"}) {
		t.Errorf("execution async config %+v", ex.Async)
	}
	rules := map[string]*Rule{}
	for _, r := range top.Rules {
		rules[r.Name] = r
	}
	r := rules["alchemiser-rebalance-planned-to-execution"]
	if r == nil || r.Bus != "Bus" || len(r.Targets) != 1 || r.Targets[0].Function != "ExecutionFunction" ||
		r.Targets[0].DLQ != "EventsDLQ" || r.Targets[0].Retry != (RetryPolicy{MaxAttempts: 4, MaxAge: time.Hour}) {
		t.Fatalf("SAM EventBridgeRule not expanded: %+v", r)
	}
	if string(r.Pattern) != `{"detail-type":["RebalancePlanned"],"source":["alchemiser.portfolio"]}` {
		t.Errorf("pattern %s", r.Pattern)
	}
	if r.ARN != "arn:aws:events:us-east-1:000000000000:rule/alchemiser-bus/alchemiser-rebalance-planned-to-execution" {
		t.Errorf("rule ARN %s", r.ARN)
	}
	ended := rules["alchemiser-workflow-failed-to-notifications"]
	if ended == nil || ended.Targets[0].Function != "NotificationsFunction" || ended.Line == 0 {
		t.Errorf("AWS::Events::Rule not read: %+v", ended)
	}
	if len(top.Archives) != 1 || top.Archives[0].Bus != "Bus" {
		t.Errorf("archives %+v", top.Archives)
	}
	if len(top.Schedules) != 2 {
		t.Errorf("%d schedules, want the workflow and the watchdog", len(top.Schedules))
	}
	for _, id := range []string{"WorkflowSchedule", "WatchdogSchedule"} {
		if s := top.Schedule(id); s == nil || s.Function != "SchedulerFunction" || s.Timezone != "America/New_York" {
			t.Errorf("schedule %s: %+v", id, s)
		}
	}
	if _, ok := top.Resources["NotificationEmail"]; ok {
		t.Error("a resource whose condition is false was kept")
	}
	with, err := LoadFile(templatePath, Options{StackName: "prod", Parameters: map[string]string{"AlertEmail": "ops@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := with.Resources["NotificationEmail"]; !ok || with.Buses["Bus"].Name != "prod-bus" {
		t.Error("parameters and stack name do not reach the resources")
	}
}

func TestTemplatePassesThePolicies(t *testing.T) {
	for _, f := range Check(loadTemplate(t)) {
		t.Error(f)
	}
}

// Each policy must catch its violation: the template with one change.
func TestPoliciesCatchViolations(t *testing.T) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ old, new, want string }{
		{"      LogFormat: JSON\n        ApplicationLogLevel: !Ref AppLogLevel\n        SystemLogLevel: INFO\n        LogGroup: !Ref ExecutionLogGroup",
			"      LogFormat: Text\n        ApplicationLogLevel: !Ref AppLogLevel\n        SystemLogLevel: INFO\n        LogGroup: !Ref ExecutionLogGroup", "ExecutionFunction: LoggingConfig.LogFormat is not JSON"},
		{"    Tracing: Active\n", "    Tracing: PassThrough\n", "tracing is not Active"},
		{"              Action: [sns:Publish]", "              Action: [sns:*]", `wildcard action "sns:*"`},
		{"          DeadLetterConfig: {Arn: !GetAtt EventsDLQ.Arn}\n\n  WorkflowFailedPermission", "\n  WorkflowFailedPermission", "WorkflowFailedRule: target notifications has no dead-letter queue"},
		{"          ALPACA_SECRET_ARN: !Ref AlpacaCredentials\n      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n        MaximumEventAgeInSeconds: 3600\n        DestinationConfig:\n          OnFailure: {Type: SQS, Destination: !GetAtt FailedInvocationsQueue.Arn}\n      Events:\n        WorkflowStarted",
			"          ALPACA_SECRET_KEY: hunter2\n      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n        MaximumEventAgeInSeconds: 3600\n        DestinationConfig:\n          OnFailure: {Type: SQS, Destination: !GetAtt FailedInvocationsQueue.Arn}\n      Events:\n        WorkflowStarted", "ALPACA_SECRET_KEY looks like a plaintext secret"},
		{"      SSESpecification:\n        SSEEnabled: true\n", "", "table is not encrypted"},
		{"      QueueName: !Sub ${AWS::StackName}-failed-invocations\n      MessageRetentionPeriod: 1209600\n      SqsManagedSseEnabled: true", "      QueueName: !Sub ${AWS::StackName}-failed-invocations", "FailedInvocationsQueue: queue is not encrypted"},
	} {
		if !strings.Contains(string(src), c.old) {
			t.Fatalf("the template no longer contains %q; update this test", c.old)
		}
		mutated := strings.Replace(string(src), c.old, c.new, 1)
		top, err := Load("mutated.yaml", []byte(mutated), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.want, err)
		}
		var all []string
		for _, f := range Check(top) {
			all = append(all, f.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), c.want) {
			t.Errorf("violation %q not reported; findings: %v", c.want, all)
		}
	}
}

func TestLoadErrorsArePositioned(t *testing.T) {
	for src, want := range map[string]string{
		"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Nope\n":                                     "bad.yaml:5:18: Ref to \"Nope\": no such parameter or resource",
		"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !GetAZs ''\n":                                    "bad.yaml:5:7: Fn::GetAZs is not supported",
		"Parameters:\n  P:\n    Type: String\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n":                                             "bad.yaml:3:5: parameter P has no Default",
		"Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventBusName: other\n      EventPattern: {source: [x]}\n": "bad.yaml:3:5: rule R: bus \"other\" is not declared",
	} {
		_, err := Load("bad.yaml", []byte(src), Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

// FuzzLoad feeds arbitrary templates to the loader: it must return a
// topology or an error, never panic.
func FuzzLoad(f *testing.F) {
	src, err := os.ReadFile(templatePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(src))
	f.Add("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-${Nope}'\n")
	f.Add("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [x]}\n      Targets: [{Id: a, Arn: !GetAtt F.Arn}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		top, err := Load("fuzz.yaml", []byte(src), Options{})
		if err == nil && top == nil {
			t.Fatal("no topology and no error")
		}
	})
}

func TestAliasesAreRejected(t *testing.T) {
	src := "Resources:\n  Q: &a\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [*a]\n"
	_, err := Load("alias.yaml", []byte(src), Options{})
	if err == nil || !strings.Contains(err.Error(), "alias.yaml:5:14: YAML aliases (*a) are not allowed") {
		t.Errorf("error %v", err)
	}
}

func TestSelfReferenceIsAnErrorNotAHang(t *testing.T) {
	for name, src := range map[string]string{
		"circular condition": "Conditions:\n  C: !Not [!Condition C]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: C\n",
	} {
		_, err := Load("loop.yaml", []byte(src), Options{})
		if err == nil || !strings.Contains(err.Error(), "refers to itself") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
