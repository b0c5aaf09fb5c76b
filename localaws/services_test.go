package localaws

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func sdk(ep *Endpoint) aws.Config {
	return aws.Config{Region: ep.Stack.Top.Region, BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
}

// One endpoint serves every service of the stack, each over its SDK
// client's protocol.
func TestEveryServiceAnswersOnOneEndpoint(t *testing.T) {
	ep := up(t)
	if _, err := ep.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, ctx := sdk(ep), context.Background()

	groups, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil || len(groups.LogGroups) < len(ep.Stack.Top.FunctionNames()) {
		t.Errorf("DescribeLogGroups: %d groups, %v", len(groups.LogGroups), err)
	}
	defs, err := cloudwatchlogs.NewFromConfig(cfg).DescribeQueryDefinitions(ctx, &cloudwatchlogs.DescribeQueryDefinitionsInput{})
	if err != nil || len(defs.QueryDefinitions) == 0 || !strings.HasPrefix(aws.ToString(defs.QueryDefinitions[0].Name), "Alchemiser/") {
		t.Errorf("DescribeQueryDefinitions: %+v, %v", defs, err)
	}
	alarms, err := cloudwatch.NewFromConfig(cfg).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil || len(alarms.MetricAlarms) == 0 || alarms.MetricAlarms[0].StateValue == "" {
		t.Errorf("DescribeAlarms: %v", err)
	}
	bus, err := eventbridge.NewFromConfig(cfg).DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("alchemiser-bus")})
	if err != nil || !strings.Contains(aws.ToString(bus.Arn), "event-bus/alchemiser-bus") {
		t.Errorf("DescribeEventBus: %+v, %v", bus, err)
	}
	queues, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil || len(queues.QueueUrls) == 0 || !strings.HasPrefix(queues.QueueUrls[0], ep.URL+"/") {
		t.Errorf("ListQueues: %+v, %v", queues, err)
	}
	param, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/alchemiser/trading-enabled")})
	if err != nil || aws.ToString(param.Parameter.Value) != "true" {
		t.Errorf("GetParameter: %+v, %v", param, err)
	}
	secrets, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("alchemiser/alpaca")})
	if err != nil || aws.ToString(secrets.SecretString) == "" {
		t.Errorf("GetSecretValue: %v", err)
	}
}

// With the kill switch's parameter set to false, as `alchemiser trading
// halt` does, the scheduled workflow places no order and completes,
// halted; resumed, a manual workflow for today (Lambda Invoke of the
// scheduler, as `aws lambda invoke` does) trades.
func TestHaltingTradingOnTheEndpointStopsTheNextWorkflow(t *testing.T) {
	ep := up(t)
	cfg, ctx := sdk(ep), context.Background()
	put := func(v string) {
		t.Helper()
		if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/alchemiser/trading-enabled"),
			Value: aws.String(v), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
	}

	put("false")
	rep, err := ep.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Status != "completed" || r.Outcome != "halted" || r.OrdersSubmitted != 0 {
		t.Errorf("the halted workflow: %+v, want completed, halted, with no order", r)
	}
	if n := len(ep.Stack.Orders()); n != 0 {
		t.Fatalf("%d orders while trading was halted", n)
	}

	put("true")
	// Today's, on the endpoint's clock: once the replayed sessions are
	// done, an event of one of them is stale.
	at := time.Now()
	payload, _ := json.Marshal(map[string]string{"trigger": "manual", "scheduled_time": at.UTC().Format(time.RFC3339)})
	out, err := lambdasdk.NewFromConfig(cfg).Invoke(ctx, &lambdasdk.InvokeInput{FunctionName: aws.String("alchemiser-scheduler"), Payload: payload})
	if err != nil || out.FunctionError != nil {
		t.Fatalf("invoke: %+v, %v", out, err)
	}
	ep.Stack.Bus.Wait()
	if n := len(ep.Stack.Orders()); n == 0 {
		t.Error("no order after trading resumed")
	}
	if ends := readGroup(t, ep, "notifications"); strings.Count(ends, "workflow ended") != 2 {
		t.Errorf("the notifications log group has %d workflow ends, want the halted one and the manual one", strings.Count(ends, "workflow ended"))
	}
}

func readGroup(t *testing.T, ep *Endpoint, fn string) string {
	t.Helper()
	var lines []string
	out, err := cloudwatchlogs.NewFromConfig(sdk(ep)).FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("/aws/lambda/alchemiser-" + fn)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Events {
		lines = append(lines, aws.ToString(e.Message))
	}
	return strings.Join(slices.Clip(lines), "\n")
}
