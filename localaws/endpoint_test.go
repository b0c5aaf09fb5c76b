package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/alchemiser/alchemiser/localaws/lambda"
)

// up starts an endpoint on a free loopback port, closed with the test.
func up(t *testing.T) *Endpoint {
	t.Helper()
	ep, err := Up(context.Background(), Config{Addr: "127.0.0.1:0", Trading: true, RunDir: filepath.Join(t.TempDir(), "run"), NoSchedules: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ep.Close() })
	return ep
}

func TestUpServesRunsTheWorkflowsAndFlushesOnClose(t *testing.T) {
	ep := up(t)
	if !strings.HasPrefix(ep.URL, "http://127.0.0.1:") {
		t.Errorf("URL %s", ep.URL)
	}
	// Serving before any workflow runs: an unknown operation gets AWS's error shape.
	req, _ := http.NewRequest(http.MethodPost, ep.URL, strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "Nope_20991231.Nothing")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "UnknownOperationException") {
		t.Errorf("unknown operation: %d %s", resp.StatusCode, body)
	}

	rep, err := ep.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || !rep.AllCompleted() || rep.RunDir != ep.RunDir {
		t.Fatalf("report %+v", rep)
	}

	// A manual workflow through the scheduler, as `aws lambda invoke` does.
	fn, err := lambda.New(lambda.Config{Topology: ep.Stack.Top, Functions: ep.Stack.Bus, Now: ep.now})
	if err != nil {
		t.Fatal(err)
	}
	day := ep.Stack.Days[len(ep.Stack.Days)-1]
	at := time.Date(day.Year(), day.Month(), day.Day(), 9, 40, 0, 0, newYork)
	payload, _ := json.Marshal(map[string]string{"trigger": "manual", "scheduled_time": at.UTC().Format(time.RFC3339)})
	out, err := fn.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: "alchemiser-scheduler", Payload: payload})
	if err != nil || out.FunctionError != "" {
		t.Fatalf("invoke: %+v, %v", out, err)
	}
	ep.Stack.Bus.Wait()
	if n := count(t, filepath.Join(ep.RunDir, "outbox", "*.txt")); n != 2 {
		t.Errorf("%d notifications, want the scheduled workflow's and the manual one's", n)
	}

	if err := ep.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ep.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if _, err := http.Get(ep.URL); err == nil {
		t.Error("the endpoint still serves after Close")
	}
	logs, err := os.ReadFile(filepath.Join(ep.RunDir, "cloudwatch", "aws-lambda-alchemiser-notifications.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(logs), `workflow ended`); n != 2 {
		t.Errorf("the notifications log group has %d workflow ends, want 2", n)
	}
}

func count(t *testing.T, pattern string) int {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func TestUpRefusesABusyPortAndAnotherHost(t *testing.T) {
	ep := up(t)
	addr := strings.TrimPrefix(ep.URL, "http://")
	if _, err := Up(context.Background(), Config{Addr: addr, RunDir: filepath.Join(t.TempDir(), "run")}); err == nil ||
		!strings.Contains(err.Error(), "in use") {
		t.Errorf("a busy port: %v", err)
	}
	if _, err := Up(context.Background(), Config{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("all interfaces: %v", err)
	}
}

// The SDK clients against the endpoint: CloudFormation (awsQuery) and
// Lambda (restJson1).
func TestTheSDKClientsResolveTheStack(t *testing.T) {
	ep := up(t)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	ctx := context.Background()

	stacks, err := cfn.NewFromConfig(cfg).DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String("alchemiser")})
	if err != nil {
		t.Fatal(err)
	}
	if len(stacks.Stacks) != 1 || aws.ToString(stacks.Stacks[0].StackName) != "alchemiser" || len(stacks.Stacks[0].Outputs) == 0 {
		t.Errorf("stacks %+v", stacks.Stacks)
	}
	res, err := cfn.NewFromConfig(cfg).DescribeStackResources(ctx, &cfn.DescribeStackResourcesInput{StackName: aws.String("alchemiser"),
		LogicalResourceId: aws.String("SchedulerFunction")})
	if err != nil || len(res.StackResources) != 1 || aws.ToString(res.StackResources[0].PhysicalResourceId) != "alchemiser-scheduler" {
		t.Fatalf("resources %+v, %v", res, err)
	}
	_, err = cfn.NewFromConfig(cfg).DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String("prod")})
	if code := errorCode(err); code != "ValidationError" || !strings.Contains(err.Error(), "Stack with id prod does not exist") {
		t.Errorf("unknown stack: %v", err)
	}

	lc := lambdasdk.NewFromConfig(cfg)
	fn, err := lc.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("alchemiser-scheduler")})
	if err != nil {
		t.Fatal(err)
	}
	c := fn.Configuration
	if aws.ToString(c.FunctionName) != "alchemiser-scheduler" || c.Runtime != lambdatypes.RuntimeProvidedal2023 ||
		len(c.Architectures) != 1 || c.Architectures[0] != lambdatypes.ArchitectureArm64 ||
		c.LoggingConfig == nil || aws.ToString(c.LoggingConfig.LogGroup) != "/aws/lambda/alchemiser-scheduler" || c.LoggingConfig.LogFormat != lambdatypes.LogFormatJson {
		t.Errorf("configuration %+v", c)
	}
	_, err = lc.GetFunction(ctx, &lambdasdk.GetFunctionInput{FunctionName: aws.String("nope")})
	var nf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown function: %v", err)
	}
	inv, err := lc.Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("alchemiser-scheduler"),
		InvocationType: lambdatypes.InvocationTypeDryRun})
	if err != nil || inv.StatusCode != http.StatusNoContent {
		t.Errorf("DryRun: %+v, %v", inv, err)
	}
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// With a scenario, the stack runs the scenario's fault; nothing is checked.
func TestUpRunsAScenariosFault(t *testing.T) {
	ep, err := Up(context.Background(), Config{Addr: "127.0.0.1:0", Trading: true, RunDir: filepath.Join(t.TempDir(), "run"), Scenario: "workflow-failed", Seed: 3, NoSchedules: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	rep, err := ep.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) == 0 || rep.Results[0].Status != "failed" {
		t.Errorf("results %+v, want failed workflows", rep.Results)
	}
	if _, err := Up(context.Background(), Config{Addr: "127.0.0.1:0", Scenario: "nope"}); err == nil {
		t.Error("an unknown scenario started")
	}
}
