package validate

import (
	"fmt"
	"testing"
)

func TestKnownFromRepo(t *testing.T) {
	k := repoKnown(t)
	for _, tc := range []struct {
		ns, name string
		sets     string // as formatSets prints them
	}{
		{"Alchemiser", "WorkflowsStarted", "[service], [function,service]"},
		{"Alchemiser", "OrdersFilled", "[service], [function,service,side]"},
		{"Alchemiser", "ColdStart", "[service], [function,service]"},
		// The exporter does not allow the code attribute: it is no dimension.
		{"Alchemiser", "PublishRetries", "[service], [code,event_type,function,service]"},
		{"Alchemiser", "LambdaTimeouts", "[]"},
		{"Alchemiser", "LambdaInitDuration", "[]"},
		{"AWS/Lambda", "Errors", "[], [FunctionName]"},
		{"AWS/Lambda", "AsyncEventsDropped", "[], [FunctionName]"},
		{"AWS/Events", "FailedInvocations", "[EventBusName,RuleName]"},
		{"AWS/Events", "MatchedEvents", "[EventBusName], [EventBusName,RuleName]"},
		{"AWS/SQS", "ApproximateNumberOfMessagesVisible", "[QueueName]"},
		{"AWS/Logs", "IncomingBytes", "[LogGroupName]"},
	} {
		if got := formatSets(k.Metrics[tc.ns][tc.name]); got != tc.sets {
			t.Errorf("%s/%s: %s, want %s", tc.ns, tc.name, got, tc.sets)
		}
	}
	for _, a := range []string{"event-dead-lettered", "slo-budget-exhausted-ticket", "handler-error"} {
		if !k.Alarms[a] {
			t.Errorf("alarm %s is missing", a)
		}
	}
	for _, g := range []string{"/aws/lambda/${AWS::StackName}-scheduler", "/aws/lambda/${AWS::StackName}-notifications"} {
		if !k.LogGroups[g] {
			t.Errorf("log group %s is missing", g)
		}
	}
}

func TestKnownFromRepoReportsAMissingTemplate(t *testing.T) {
	if _, err := KnownFromRepo("testdata/no-such-template.yaml"); err == nil {
		t.Error("no error for a missing template")
	}
}

func TestReferencesWithRealNames(t *testing.T) {
	k := Known{Alarms: map[string]bool{"event-dead-lettered": true},
		LogGroups: map[string]bool{"/aws/lambda/${AWS::StackName}-scheduler": true}}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"${AWS::StackName}-event-dead-lettered", true},
		{"prod-alchemiser-event-dead-lettered", true},
		{"event-dead-lettered", false}, // no stack
		{"9prod-event-dead-lettered", false},
		{"prod-events-dlq", false},
	} {
		if got := k.alarmDeclared(tc.name); got != tc.ok {
			t.Errorf("alarm %s: declared %v, want %v", tc.name, got, tc.ok)
		}
	}
	for _, tc := range []struct {
		group string
		ok    bool
	}{
		{"/aws/lambda/${AWS::StackName}-scheduler", true},
		{"/aws/lambda/prod-scheduler", true},
		{"/aws/lambda/prod-strategy", false},
		{"/aws/lambda/-scheduler", false},
	} {
		if got := (&checker{k: k}).logGroupDeclared(tc.group); got != tc.ok {
			t.Errorf("log group %s: declared %v, want %v", tc.group, got, tc.ok)
		}
	}
}

func ExampleKnownFromRepo() {
	k, err := KnownFromRepo("../../template.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(formatSets(k.Metrics["Alchemiser"]["WorkflowsStarted"]))
	fmt.Println(k.Alarms["event-dead-lettered"], k.LogGroups["/aws/lambda/${AWS::StackName}-scheduler"])
	// Output:
	// [service], [function,service]
	// true true
}
