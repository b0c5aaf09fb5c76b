package cloudformation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/cloudformation"
	"github.com/alchemiser/alchemiser/topology"
)

var started = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

func newService(t *testing.T, params map[string]string) *cloudformation.CloudFormation {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := cloudformation.New(cloudformation.Config{Topology: top, Template: alchemiser.Template, Now: func() time.Time { return started }})
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

func TestDescribeStacksResolvesTheTemplatesOutputs(t *testing.T) {
	cf := newService(t, nil)
	out, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: "alchemiser"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Stacks) != 1 {
		t.Fatalf("stacks %+v", out.Stacks)
	}
	s := out.Stacks[0]
	if s.StackName != "alchemiser" || s.StackStatus != "CREATE_COMPLETE" || !s.CreationTime.Equal(started) ||
		!strings.HasPrefix(s.StackId, "arn:aws:cloudformation:us-east-1:000000000000:stack/alchemiser/") {
		t.Errorf("stack %+v", s)
	}
	want := map[string]string{
		"BusName":                   "alchemiser-bus",
		"EventsDLQUrl":              "https://sqs.us-east-1.amazonaws.com/000000000000/alchemiser-events-dlq",
		"FailedInvocationsQueueUrl": "https://sqs.us-east-1.amazonaws.com/000000000000/alchemiser-failed-invocations",
		"AlarmTopicArn":             "arn:aws:sns:us-east-1:000000000000:alchemiser-alarms",
		"PageTopicArn":              "arn:aws:sns:us-east-1:000000000000:alchemiser-page",
		"TicketTopicArn":            "arn:aws:sns:us-east-1:000000000000:alchemiser-ticket",
	}
	got := map[string]string{}
	for _, o := range s.Outputs {
		got[o.OutputKey] = o.OutputValue
	}
	if len(got) != len(want) {
		t.Errorf("outputs %v, want %v (LoadTestResultsQueueUrl's condition does not hold)", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("output %s = %q, want %q", k, got[k], v)
		}
	}
	params := map[string]string{}
	for _, p := range s.Parameters {
		params[p.ParameterKey] = p.ParameterValue
	}
	if params["EnableLoadTest"] != "false" || params["LogRetentionDays"] != "30" || params["AppLogLevel"] != "INFO" {
		t.Errorf("parameters %v", params)
	}

	byID, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: s.StackId})
	if err != nil || byID.Stacks[0].StackName != "alchemiser" {
		t.Errorf("by stack id: %+v, %v", byID, err)
	}
	all, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{})
	if err != nil || len(all.Stacks) != 1 {
		t.Errorf("without a name: %+v, %v", all, err)
	}
}

func TestAnOutputsConditionIsEvaluated(t *testing.T) {
	cf := newService(t, map[string]string{"EnableLoadTest": "true"})
	out, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Stacks[0].Outputs {
		if o.OutputKey == "LoadTestResultsQueueUrl" {
			if !strings.HasSuffix(o.OutputValue, "/000000000000/alchemiser-loadtest-results") {
				t.Errorf("LoadTestResultsQueueUrl = %q", o.OutputValue)
			}
			return
		}
	}
	t.Errorf("no LoadTestResultsQueueUrl with EnableLoadTest=true: %+v", out.Stacks[0].Outputs)
}

func TestDescribeStackResourcesNamesThePhysicalResources(t *testing.T) {
	cf := newService(t, nil)
	out, err := cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{StackName: "alchemiser"})
	if err != nil {
		t.Fatal(err)
	}
	type res struct{ physical, typ string }
	got := map[string]res{}
	for _, r := range out.StackResources {
		got[r.LogicalResourceId] = res{r.PhysicalResourceId, r.ResourceType}
		if r.ResourceStatus != "CREATE_COMPLETE" || r.StackName != "alchemiser" || !r.Timestamp.Equal(started) {
			t.Errorf("resource %+v", r)
		}
	}
	want := map[string]res{
		"Bus":                     {"alchemiser-bus", "AWS::Events::EventBus"},
		"EventsDLQ":               {"https://sqs.us-east-1.amazonaws.com/000000000000/alchemiser-events-dlq", "AWS::SQS::Queue"},
		"SchedulerFunction":       {"alchemiser-scheduler", "AWS::Lambda::Function"},
		"TradingEnabledParameter": {"/alchemiser/trading-enabled", "AWS::SSM::Parameter"},
		"AlpacaCredentials":       {"arn:aws:secretsmanager:us-east-1:000000000000:secret:alchemiser/alpaca", "AWS::SecretsManager::Secret"},
		"SchedulerLogGroup":       {"/aws/lambda/alchemiser-scheduler", "AWS::Logs::LogGroup"},
		"EventDeadLetteredAlarm":  {"alchemiser-event-dead-lettered", "AWS::CloudWatch::Alarm"},
		"WorkflowSchedule":        {"alchemiser-workflow", "AWS::Scheduler::Schedule"},
		// What SAM's transform adds for gradual deploys.
		"SchedulerFunctionAliaslive":       {"arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler:live", "AWS::Lambda::Alias"},
		"ExecutionFunctionDeploymentGroup": {"alchemiser-ExecutionFunctionDeploymentGroup", "AWS::CodeDeploy::DeploymentGroup"},
		"ServerlessDeploymentApplication":  {"alchemiser-ServerlessDeploymentApplication", "AWS::CodeDeploy::Application"},
	}
	versions := 0
	for id, r := range got {
		if strings.Contains(id, "FunctionVersion") && r.typ == "AWS::Lambda::Version" && strings.HasSuffix(r.physical, ":1") {
			versions++
		}
	}
	if versions != 5 {
		t.Errorf("%d function versions listed, want one per function", versions)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %+v, want %+v", id, got[id], w)
		}
	}
	if _, ok := got["LoadTestResultsQueue"]; ok {
		t.Error("a resource whose condition does not hold is listed")
	}
	if out.StackResources[0].LogicalResourceId != "Bus" {
		t.Errorf("first resource %s, want Bus (template order)", out.StackResources[0].LogicalResourceId)
	}

	one, err := cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{StackName: "alchemiser", LogicalResourceId: "FailedInvocationsQueue"})
	if err != nil || len(one.StackResources) != 1 || one.StackResources[0].PhysicalResourceId != "https://sqs.us-east-1.amazonaws.com/000000000000/alchemiser-failed-invocations" {
		t.Errorf("one resource: %+v, %v", one, err)
	}
	byPhysical, err := cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{PhysicalResourceId: "alchemiser-bus"})
	if err != nil || len(byPhysical.StackResources) != len(out.StackResources) {
		t.Errorf("by physical id: %d resources, %v", len(byPhysical.StackResources), err)
	}
}

func TestAnUnknownStackIsAValidationError(t *testing.T) {
	cf := newService(t, nil)
	_, err := cf.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: "prod"})
	wantError(t, err, "ValidationError", "Stack with id prod does not exist")
	_, err = cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{StackName: "prod"})
	wantError(t, err, "ValidationError", "Stack with id prod does not exist")
	_, err = cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{})
	wantError(t, err, "ValidationError", "Either StackName or PhysicalResourceId must be specified.")
	_, err = cf.DescribeStackResources(context.Background(), &cloudformation.DescribeStackResourcesInput{StackName: "alchemiser", LogicalResourceId: "Nope"})
	wantError(t, err, "ValidationError", "Resource Nope does not exist for stack alchemiser")
}

func wantError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *awsapi.Error
	if !errors.As(err, &e) || e.Code != code || e.Message != msg {
		t.Errorf("error %v, want %s: %s", err, code, msg)
	}
}

func TestTheServiceSpeaksQuery(t *testing.T) {
	svc := newService(t, nil).Service()
	if svc.SigningName != "cloudformation" || svc.Protocols != awsapi.Query || svc.XMLNamespace == "" {
		t.Errorf("service %+v", svc)
	}
	if _, err := awsapi.NewServer([]awsapi.Service{svc}); err != nil {
		t.Fatal(err)
	}
}
