package sqs_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ebsdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/sqs"
)

const (
	dlq      = "alchemiser-events-dlq"
	dlqARN   = "arn:aws:sqs:us-east-1:000000000000:alchemiser-events-dlq"
	endpoint = "http://127.0.0.1:4566"
	dlqURL   = endpoint + "/000000000000/" + dlq
	awsURL   = "https://sqs.us-east-1.amazonaws.com/000000000000/" + dlq
)

var t0 = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

// clock is a settable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// served is a local stack without waits, whose notifications function
// cannot be invoked (so that the bus dead-letters its events), and an
// SDK client of its SQS API on loopback, on clk.
func served(t *testing.T, clk *clock) (*local.Stack, *awssqs.Client) {
	t.Helper()
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.Bus.SetUnavailable("NotificationsFunction", true)
	q, err := sqs.New(sqs.Config{Queues: s.Queues, Top: s.Top, Endpoint: endpoint + "/", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{q.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return s, awssqs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

// deadLetter has the bus dead-letter one WorkflowFailed event.
func deadLetter(t *testing.T, s *local.Stack) {
	t.Helper()
	out, err := s.Bus.PutEvents(context.Background(), &ebsdk.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		EventBusName: aws.String("alchemiser-bus"), Source: aws.String("alchemiser.execution"),
		DetailType: aws.String("WorkflowFailed"), Detail: aws.String(`{"metadata":{"event_id":"01TEST"}}`)}}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutEvents: %+v, %v", out, err)
	}
	s.Bus.Wait()
	if n := len(s.Queues.Messages("EventsDLQ")); n != 1 {
		t.Fatalf("the DLQ holds %d messages, want the dead letter", n)
	}
}

func TestTheStacksDeadLettersAreReceivedAndDeleted(t *testing.T) {
	clk := &clock{t: t0}
	s, c := served(t, clk)
	ctx := context.Background()
	deadLetter(t, s)

	url, err := c.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: aws.String(dlq)})
	if err != nil || aws.ToString(url.QueueUrl) != dlqURL {
		t.Fatalf("GetQueueUrl: %+v, %v", url, err)
	}
	out, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(awsURL), MaxNumberOfMessages: 10,
		MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}, WaitTimeSeconds: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("received %d messages", len(out.Messages))
	}
	m := out.Messages[0]
	if !strings.Contains(aws.ToString(m.Body), `"detail-type":"WorkflowFailed"`) || aws.ToString(m.MessageAttributes["ERROR_CODE"].StringValue) != "ResourceNotFoundException" ||
		m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SentTimestamp"] == "" || aws.ToString(m.MD5OfMessageAttributes) == "" {
		t.Errorf("dead letter %+v", m)
	}

	_, err = c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: aws.String("not-a-handle")})
	var bad *types.ReceiptHandleIsInvalid
	if !errors.As(err, &bad) {
		t.Errorf("a made-up handle: %v, want ReceiptHandleIsInvalid", err)
	}
	_, err = c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: aws.String(endpoint + "/000000000000/alchemiser-failed-invocations"), ReceiptHandle: m.ReceiptHandle})
	if !errors.As(err, &bad) {
		t.Errorf("another queue's handle: %v, want ReceiptHandleIsInvalid", err)
	}
	if _, err := c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Queues.Messages("EventsDLQ")); n != 0 {
		t.Errorf("the emulator's queue still holds %d messages", n)
	}
	if _, err := c.DeleteMessage(ctx, &awssqs.DeleteMessageInput{QueueUrl: aws.String(dlqURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Errorf("deleting it again: %v, want success as SQS answers", err)
	}
}

func TestVisibilityTimeoutOnTheInjectedClock(t *testing.T) {
	clk := &clock{t: t0}
	s, c := served(t, clk)
	ctx := context.Background()
	deadLetter(t, s)
	receive := func(timeout *int32) []types.Message {
		t.Helper()
		out, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL), VisibilityTimeout: aws.ToInt32(timeout),
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	attrs := func() map[string]string {
		t.Helper()
		out, err := c.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: aws.String(dlqURL), AttributeNames: []types.QueueAttributeName{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	if got := receive(nil); len(got) != 1 {
		t.Fatalf("first receive: %d messages", len(got))
	}
	if a := attrs(); a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("in flight: %v", a)
	}
	clk.Add(29 * time.Second) // the queue's timeout is SQS's default, 30 s
	if got := receive(nil); len(got) != 0 {
		t.Errorf("received %d messages within the visibility timeout", len(got))
	}
	clk.Add(time.Second)
	// A visibility timeout of 0 (which the AWS CLI sends, the Go SDK
	// cannot: its member is not a pointer) leaves it visible.
	if body := post(t, c, "ReceiveMessage", `{"QueueUrl":"`+dlqURL+`","VisibilityTimeout":0}`); !strings.Contains(body, `"Body"`) {
		t.Fatalf("after the timeout: %s", body)
	}
	got := receive(aws.Int32(0))
	if len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != "3" {
		t.Fatalf("after a receive with timeout 0: %+v", got)
	}
	a := attrs()
	if a["QueueArn"] != dlqARN || a["MessageRetentionPeriod"] != "1209600" || a["VisibilityTimeout"] != "30" ||
		a["CreatedTimestamp"] != "1772462100" || a["SqsManagedSseEnabled"] != "true" || a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("attributes %v", a)
	}
}

func TestSendMessageThenReceiveIt(t *testing.T) {
	clk := &clock{t: t0}
	_, c := served(t, clk)
	ctx := context.Background()
	sent, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: aws.String(dlqURL), MessageBody: aws.String("hello"),
		MessageAttributes: map[string]types.MessageAttributeValue{"attribName1": {DataType: aws.String("String"), StringValue: aws.String("attribValue 1")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sent.MD5OfMessageBody) != "5d41402abc4b2a76b9719d911017c592" || aws.ToString(sent.MD5OfMessageAttributes) != "19e27d4e946b072f3f58da80d94fd778" {
		t.Errorf("sent %+v", sent)
	}
	out, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL), MessageAttributeNames: []string{"attribName1"}})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("%+v, %v", out, err)
	}
	m := out.Messages[0]
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != "hello" ||
		aws.ToString(m.MessageAttributes["attribName1"].StringValue) != "attribValue 1" || len(m.Attributes) != 0 {
		t.Errorf("received %+v", m)
	}

	if _, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: aws.String(dlqURL), MessageBody: aws.String("x"), DelaySeconds: 10}); err != nil {
		t.Fatal(err)
	}
	if out, _ := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL)}); len(out.Messages) != 0 {
		t.Errorf("a delayed message was received at once")
	}
	clk.Add(10 * time.Second)
	if out, _ := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL)}); len(out.Messages) != 1 {
		t.Errorf("the delayed message was not received after its delay")
	}
	for name, in := range map[string]*awssqs.SendMessageInput{
		"a NUL in the body": {QueueUrl: aws.String(dlqURL), MessageBody: aws.String("a\x00b")},
		"binary attribute":  {QueueUrl: aws.String(dlqURL), MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"b": {DataType: aws.String("Binary"), BinaryValue: []byte{1}}}},
		"long delay":        {QueueUrl: aws.String(dlqURL), MessageBody: aws.String("x"), DelaySeconds: 901},
	} {
		if _, err := c.SendMessage(ctx, in); errorCode(err) == "" {
			t.Errorf("%s: %v, want an error", name, err)
		}
	}
}

func TestListQueuesAndErrors(t *testing.T) {
	s, c := served(t, &clock{t: t0})
	ctx := context.Background()
	var urls []string
	var token *string
	for range len(s.Top.Queues) + 1 {
		out, err := c.ListQueues(ctx, &awssqs.ListQueuesInput{QueueNamePrefix: aws.String("alchemiser-"), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, out.QueueUrls...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(urls) != len(s.Top.Queues) || urls[0] != dlqURL {
		t.Errorf("queues %v", urls)
	}
	if out, err := c.ListQueues(ctx, &awssqs.ListQueuesInput{QueueNamePrefix: aws.String("nope")}); err != nil || len(out.QueueUrls) != 0 {
		t.Errorf("no match: %+v, %v", out, err)
	}
	_, err := c.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	var none *types.QueueDoesNotExist
	if !errors.As(err, &none) {
		t.Errorf("an unknown queue: %v, want QueueDoesNotExist", err)
	}
	if _, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(endpoint + "/000000000000/nope")}); !errors.As(err, &none) {
		t.Errorf("receive from an unknown queue: %v", err)
	}
	if _, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL), MaxNumberOfMessages: 11}); errorCode(err) == "" {
		t.Errorf("11 messages: %v, want an error", err)
	}
	_, err = c.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: aws.String(dlqURL), AttributeNames: []types.QueueAttributeName{"Nope"}})
	var badName *types.InvalidAttributeName
	if !errors.As(err, &badName) {
		t.Errorf("an unknown attribute: %v", err)
	}
}

// post sends a raw JSON 1.0 request to c's endpoint and returns the
// answer's body.
func post(t *testing.T, c *awssqs.Client, op, body string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, aws.ToString(c.Options().BaseEndpoint), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s %v", op, res.StatusCode, b, err)
	}
	return string(b)
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
