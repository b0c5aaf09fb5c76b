package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// verifyLogsAPI is what verify calls of CloudWatch Logs.
type verifyLogsAPI interface {
	logsAPI
	DescribeQueryDefinitions(ctx context.Context, in *cloudwatchlogs.DescribeQueryDefinitionsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeQueryDefinitionsOutput, error)
}

// verifyMetricsAPI is what verify calls of CloudWatch.
type verifyMetricsAPI interface {
	cloudwatch.DescribeAlarmsAPIClient
	cloudwatch.ListMetricsAPIClient
	cloudwatch.ListDashboardsAPIClient
}

// verifyQueueAPI is what verify calls of SQS.
type verifyQueueAPI interface {
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, opts ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// verifyLambdaAPI is what verify calls of Lambda.
type verifyLambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// verifyParamAPI is what verify calls of SSM.
type verifyParamAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// verifyAPI are the clients verify reads the account with.
type verifyAPI struct {
	CFN     cfnAPI
	Logs    verifyLogsAPI
	Metrics verifyMetricsAPI
	Queues  verifyQueueAPI
	Lambda  verifyLambdaAPI
	Params  verifyParamAPI
}

var (
	_ verifyLogsAPI    = (*cloudwatchlogs.Client)(nil)
	_ verifyMetricsAPI = (*cloudwatch.Client)(nil)
)

// newVerifyAPI builds verify's clients from cfg; tests wrap them to
// inject faults the local stack cannot produce.
var newVerifyAPI = func(cfg aws.Config) verifyAPI {
	return verifyAPI{CFN: cloudformation.NewFromConfig(cfg), Logs: cloudwatchlogs.NewFromConfig(cfg),
		Metrics: cloudwatch.NewFromConfig(cfg), Queues: sqs.NewFromConfig(cfg), Lambda: lambda.NewFromConfig(cfg),
		Params: ssm.NewFromConfig(cfg)}
}
