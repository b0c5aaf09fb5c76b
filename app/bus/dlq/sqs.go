package dlq

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQSAPI is the part of the SQS client a redrive uses.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// SQS is a dead-letter queue in SQS. A received message stays hidden for
// a minute (its visibility timeout): a message that could not be
// redriven comes back after it.
type SQS struct {
	Client SQSAPI
	URL    string
}

var _ Queue = SQS{}

// visibility is how long a received message stays hidden, in seconds.
const visibility = 60

// Receive implements Queue with ReceiveMessage.
func (s SQS) Receive(ctx context.Context, max int) ([]Message, error) {
	res, err := s.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.URL),
		MaxNumberOfMessages: int32(min(max, 10)), VisibilityTimeout: visibility})
	if err != nil {
		return nil, fmt.Errorf("sqs ReceiveMessage: %w", err)
	}
	out := make([]Message, len(res.Messages))
	for i, m := range res.Messages {
		out[i] = Message{ID: aws.ToString(m.MessageId), Body: aws.ToString(m.Body), Receipt: aws.ToString(m.ReceiptHandle)}
	}
	return out, nil
}

// Delete implements Queue with DeleteMessage.
func (s SQS) Delete(ctx context.Context, m Message) error {
	_, err := s.Client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.URL), ReceiptHandle: aws.String(m.Receipt)})
	if err != nil {
		return fmt.Errorf("sqs DeleteMessage: %w", err)
	}
	return nil
}
