package topology

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	top := loadTemplate(t)
	for expr, want := range map[string]string{
		"!Ref ExecutionFunction":                   "alchemiser-execution",
		"!GetAtt FailedInvocationsQueue.QueueName": "alchemiser-failed-invocations",
		"!GetAtt EventsDLQ.Arn":                    "arn:aws:sqs:us-east-1:000000000000:alchemiser-events-dlq",
		"!Ref ExecutionLogGroup":                   "/aws/lambda/alchemiser-execution",
		"!Ref AWS::Region":                         "us-east-1",
		"!Ref RunbookBaseUrl":                      "runbooks", // LocalParameters: it has no Default
		"!Sub ${AWS::StackName}-${Bus}":            "alchemiser-alchemiser-bus",
		"{Ref: AlarmTopic}":                        "arn:aws:sns:us-east-1:000000000000:alchemiser-alarms",
		"literal":                                  "literal",
		"300":                                      "300",
	} {
		got, err := top.Resolve(expr)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", expr, got, err, want)
		}
	}
	for expr, want := range map[string]string{
		"!Ref Missing":             `could not resolve "!Ref Missing": Ref to "Missing": no such parameter or resource`,
		"!GetAtt Bus.Nope":         "no such resource or attribute",
		"!Join [a, b]":             "Fn::Join needs a list",
		"!GetAZs ''":               "Fn::GetAZs is not supported",
		"{a: 1}":                   "not a single value",
		"!Sub ${AWS::StackName":    "Fn::Sub",
		"[unclosed":                "could not resolve",
		"!Ref [ExecutionFunction]": "Ref to",
	} {
		if _, err := top.Resolve(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q): error %v, want %q", expr, err, want)
		}
	}
	if _, err := (&Topology{}).Resolve("!Ref X"); err == nil {
		t.Error("a topology that was not loaded resolved")
	}
}

// The resolver's bounds hold per expression, not for the topology's life.
func TestResolveBoundsAreReset(t *testing.T) {
	top := loadTemplate(t)
	top.exprs.l.r.visited = maxNodes // as if earlier expressions had used the budget
	if got, err := top.Resolve("!Ref Bus"); err != nil || got != "alchemiser-bus" {
		t.Errorf("Resolve after many = %q, %v", got, err)
	}
}

func TestResolveNamesOfAnyTemplate(t *testing.T) {
	src := `Parameters:
  Runbooks:
    Type: String
    Default: https://runbooks
Resources:
  EventsDLQ:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-events-dlq
  SchedulerLogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName:
        Fn::Sub: /aws/lambda/${AWS::StackName}-scheduler
  Unnamed:
    Type: AWS::SQS::Queue
`
	top, err := Load("t.yaml", []byte(src), Options{StackName: "stk"})
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string]string{
		"!GetAtt EventsDLQ.QueueName": "stk-events-dlq",
		"!Ref SchedulerLogGroup":      "/aws/lambda/stk-scheduler",
		"!GetAtt Unnamed.QueueName":   "stk-Unnamed",
	} {
		if got, err := top.Resolve(expr); err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", expr, got, err, want)
		}
	}
	for name, want := range map[string]string{
		"AWS::StackName":    "stk",
		"Runbooks":          "https://runbooks",
		"EventsDLQ":         "https://sqs.us-east-1.amazonaws.com/000000000000/stk-events-dlq",
		"EventsDLQ.Arn":     "arn:aws:sqs:us-east-1:000000000000:stk-events-dlq",
		"SchedulerLogGroup": "/aws/lambda/stk-scheduler",
	} {
		if got, ok := top.Variable(name); !ok || got != want {
			t.Errorf("Variable(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"SUM", "EventsDLQ.Nope", "Missing.Arn"} {
		if got, ok := top.Variable(name); ok {
			t.Errorf("Variable(%q) = %q", name, got)
		}
	}
}
