// Command notifications is the notifications Lambda: WorkflowCompleted and
// WorkflowFailed in, a summary to SNS (and Slack when configured) out.
package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/notify"
	snsnotify "github.com/alchemiser/alchemiser/app/notify/sns"
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
	d.Query = savedQueries(strings.TrimSuffix(os.Getenv("AWS_LAMBDA_FUNCTION_NAME"), "-notifications"))
	d.LogLocation = func(string) string { return where }
	return nil
}
