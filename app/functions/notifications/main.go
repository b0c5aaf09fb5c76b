// Command notifications is the notifications Lambda: WorkflowCompleted and
// WorkflowFailed in, a summary to SNS (and Slack when configured) out,
// with the SLOs' error budgets read from CloudWatch (GetMetricData).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/metricdata"
	"github.com/alchemiser/alchemiser/app/budgets"
	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/notify"
	snsnotify "github.com/alchemiser/alchemiser/app/notify/sns"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

func main() { wiring.Run("notifications", build) }

// build reads the notifiers, the logs' location and the dashboard.
func build(_ context.Context, env wiring.Env, d *compose.Deps) error {
	topic := os.Getenv("NOTIFY_TOPIC_ARN")
	if topic == "" {
		return errors.New("NOTIFY_TOPIC_ARN is not set")
	}
	notifiers := notify.Multi{&snsnotify.Notifier{Client: sns.NewFromConfig(env.AWS), TopicARN: topic}}
	if env.SlackWebhook != "" { // read by wiring, so telemetry redacts it
		notifiers = append(notifiers, &notify.Slack{WebhookURL: env.SlackWebhook})
	}
	where := os.Getenv("LOG_LOCATION")
	d.Notifier, d.Dashboard = notifiers, os.Getenv("DASHBOARD_NAME")
	// The function is named <stack>-notifications (template.yaml).
	d.RunbookBaseURL, d.Region = os.Getenv("RUNBOOK_BASE_URL"), os.Getenv("AWS_REGION")
	stack := strings.TrimSuffix(os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), "-notifications")
	d.Query = savedQueries(stack)
	d.LogLocation = func(string) string { return where }
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		return err
	}
	d.Budgets = budgets.Reader(spec, metricdata.Values(cloudwatch.NewFromConfig(env.AWS), functionNames(stack)))
	d.Describe = func(alarm string) (string, bool) {
		name, ok := strings.CutPrefix(alarm, stack+"-")
		if !ok {
			return "", false
		}
		return spec.Description(name, d.RunbookBaseURL)
	}
	return nil
}

// functionNames resolves the SLO metrics' "!Ref <Function>" dimension
// values to the deployed names, <stack>-<function> (template.yaml names
// every function so).
func functionNames(stack string) alarms.Resolver {
	return func(expr string) (string, error) {
		id, ok := strings.CutPrefix(expr, "!Ref ")
		if !ok || !strings.HasSuffix(id, "Function") {
			return "", fmt.Errorf("cannot resolve %q: only a function's !Ref", expr)
		}
		return stack + "-" + topology.FunctionName(id), nil
	}
}
