// Command notifications is the notifications Lambda: WorkflowCompleted and
// WorkflowFailed in, a summary to SNS (and Slack when configured) out.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/notify"
	snsnotify "github.com/alchemiser/alchemiser/app/notify/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

func main() { wiring.Run("notifications", build) }

func build(ctx context.Context, env wiring.Env) (handlers.Func, error) {
	topic := os.Getenv("NOTIFY_TOPIC_ARN")
	if topic == "" {
		return nil, errors.New("NOTIFY_TOPIC_ARN is not set")
	}
	notifiers := notify.Multi{&snsnotify.Notifier{Client: sns.NewFromConfig(env.AWS), TopicARN: topic}}
	if env.SlackWebhook != "" { // read by wiring, so telemetry redacts it
		notifiers = append(notifiers, &notify.Slack{WebhookURL: env.SlackWebhook})
	}
	where := os.Getenv("LOG_LOCATION")
	return (&handlers.Notifications{Deps: env.Deps, Notifier: notifiers, Ledger: env.Ledger, Dashboard: os.Getenv("DASHBOARD_NAME"),
		LogLocation: func(string) string { return where }}).Handle, nil
}
