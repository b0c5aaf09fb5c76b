package sqs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// A reader that peeks at a dead letter gives it back at once with
// ChangeMessageVisibility 0, as dlq list does: the Go SDK cannot send a
// ReceiveMessage visibility timeout of 0.
func TestChangeMessageVisibilityReleasesAReceivedMessage(t *testing.T) {
	clk := &clock{t: t0}
	s, c := served(t, clk)
	ctx := context.Background()
	deadLetter(t, s)
	receive := func() []types.Message {
		t.Helper()
		out, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	got := receive()
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	handle := got[0].ReceiptHandle
	change := func(secs int32) error {
		_, err := c.ChangeMessageVisibility(ctx, &awssqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: handle, VisibilityTimeout: secs})
		return err
	}
	if err := change(120); err != nil {
		t.Fatal(err)
	}
	clk.Add(60 * time.Second) // past the queue's 30 s, within the new 120 s
	if n := len(receive()); n != 0 {
		t.Errorf("received %d messages within the changed timeout", n)
	}
	if err := change(0); err != nil {
		t.Fatal(err)
	}
	got = receive()
	if len(got) != 1 {
		t.Fatalf("after a change to 0: %d messages", len(got))
	}
	if err := change(0); err != nil {
		t.Fatal(err)
	}
	var notInflight *types.MessageNotInflight
	if err := change(0); !errors.As(err, &notInflight) {
		t.Errorf("a message not in flight: %v, want MessageNotInflight", err)
	}
	if err := change(43201); errorCode(err) != "InvalidParameterValue" {
		t.Errorf("12 hours and a second: %v, want InvalidParameterValue", err)
	}
	var bad *types.ReceiptHandleIsInvalid
	if _, err := c.ChangeMessageVisibility(ctx, &awssqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: aws.String("nope")}); !errors.As(err, &bad) {
		t.Errorf("a made-up handle: %v, want ReceiptHandleIsInvalid", err)
	}
	if _, err := c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: got[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if err := change(0); errorCode(err) != "InvalidParameterValue" {
		t.Errorf("a deleted message: %v, want InvalidParameterValue", err)
	}
}
