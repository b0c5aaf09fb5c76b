package sns

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// PublishAPI is the part of the SNS client the notifier uses.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ PublishAPI = (*sns.Client)(nil)

// Notifier publishes messages to a topic.
type Notifier struct {
	Client   PublishAPI
	TopicARN string
}

var _ notify.Notifier = (*Notifier)(nil)

// maxBytes is SNS's message size limit (256 KiB).
const maxBytes = 256 * 1024

// truncation marks a cut text body.
const truncation = "\n\n[truncated: the full summary is in the workflow's logs]"

// Notify publishes m with MessageStructure json: e-mail subscribers get
// the text, every other protocol the default (the text as well; HTML mail
// is not something SNS e-mail subscriptions render).
func (s *Notifier) Notify(ctx context.Context, m notify.Message) error {
	body, err := messageBody(m.Text)
	if err != nil {
		return err
	}
	_, err = s.Client.Publish(ctx, &sns.PublishInput{
		TopicArn:         aws.String(s.TopicARN),
		Subject:          aws.String(notify.Subject(m.Subject)),
		Message:          aws.String(body),
		MessageStructure: aws.String("json"),
	})
	if err != nil {
		return fmt.Errorf("could not publish to %s: %w", s.TopicARN, err)
	}
	return nil
}

// messageBody builds the JSON message structure, cutting the text so the
// whole stays within SNS's limit.
func messageBody(text string) (string, error) {
	for budget := len(text); ; budget -= len(text) / 8 {
		t := text
		if budget < len(text) {
			t = text[:max(0, budget)] + truncation
		}
		raw, err := json.Marshal(map[string]string{"default": t, "email": t})
		if err != nil {
			return "", fmt.Errorf("could not encode SNS message: %w", err)
		}
		if len(raw) <= maxBytes || budget <= 0 {
			return string(raw), nil
		}
	}
}
