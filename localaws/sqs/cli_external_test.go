//go:build external

package sqs_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws/sqs"
)

// The AWS CLI v2 (internal/awsclitest) against the service. CLI 2.9
// speaks the query protocol to SQS.

func TestTheAWSCLIReadsAndDeletesADeadLetter(t *testing.T) {
	clk := &clock{t: t0}
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Bus.SetUnavailable("NotificationsFunction", true)
	deadLetter(t, s)
	hs := httptest.NewUnstartedServer(nil)
	q, err := sqs.New(sqs.Config{Queues: s.Queues, Top: s.Top, Endpoint: "http://" + hs.Listener.Addr().String(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{q.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv
	hs.Start()
	defer hs.Close()
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := awsclitest.Run(t, hs.URL, append([]string{"sqs"}, args...)...)
		if err != nil {
			t.Fatalf("sqs %v: %v\n%s", args, err, stderr)
		}
		return out
	}

	var url struct{ QueueUrl string }
	if err := json.Unmarshal([]byte(run("get-queue-url", "--queue-name", dlq)), &url); err != nil || url.QueueUrl != hs.URL+"/000000000000/"+dlq {
		t.Fatalf("get-queue-url: %+v, %v", url, err)
	}
	var list struct{ QueueUrls []string }
	if err := json.Unmarshal([]byte(run("list-queues", "--queue-name-prefix", "alchemiser-")), &list); err != nil || len(list.QueueUrls) != len(s.Top.Queues) {
		t.Errorf("list-queues: %+v, %v", list, err)
	}
	var attrs struct{ Attributes map[string]string }
	if err := json.Unmarshal([]byte(run("get-queue-attributes", "--queue-url", url.QueueUrl, "--attribute-names", "All")), &attrs); err != nil ||
		attrs.Attributes["ApproximateNumberOfMessages"] != "1" || attrs.Attributes["QueueArn"] != dlqARN {
		t.Errorf("get-queue-attributes: %+v, %v", attrs, err)
	}
	var got struct {
		Messages []struct {
			MessageId, ReceiptHandle, Body string
			Attributes                     map[string]string
			MessageAttributes              map[string]struct{ StringValue, DataType string }
		}
	}
	out := run("receive-message", "--queue-url", url.QueueUrl, "--max-number-of-messages", "10", "--visibility-timeout", "0",
		"--attribute-names", "All", "--message-attribute-names", "All")
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Messages) != 1 {
		t.Fatalf("receive-message: %s (%v)", out, err)
	}
	m := got.Messages[0]
	if m.MessageAttributes["ERROR_CODE"].StringValue != "ResourceNotFoundException" || m.Attributes["ApproximateReceiveCount"] != "1" ||
		!strings.Contains(m.Body, "WorkflowFailed") {
		t.Errorf("the dead letter: %+v", m)
	}
	_, stderr, err := awsclitest.Run(t, hs.URL, "sqs", "delete-message", "--queue-url", url.QueueUrl, "--receipt-handle", "nope")
	if err == nil || !strings.Contains(stderr, "ReceiptHandleIsInvalid") {
		t.Errorf("a made-up handle: %v\n%s", err, stderr)
	}
	run("delete-message", "--queue-url", url.QueueUrl, "--receipt-handle", m.ReceiptHandle)
	if n := len(s.Queues.Messages("EventsDLQ")); n != 0 {
		t.Errorf("the emulator's queue holds %d messages after delete-message", n)
	}
	sent := run("send-message", "--queue-url", url.QueueUrl, "--message-body", "hello",
		"--message-attributes", `{"attribName1":{"DataType":"String","StringValue":"attribValue 1"}}`)
	if !strings.Contains(sent, "5d41402abc4b2a76b9719d911017c592") || !strings.Contains(sent, "19e27d4e946b072f3f58da80d94fd778") {
		t.Errorf("send-message: %s", sent)
	}
	_, stderr, err = awsclitest.Run(t, hs.URL, "sqs", "get-queue-url", "--queue-name", "nope")
	if err == nil || !strings.Contains(stderr, "NonExistentQueue") {
		t.Errorf("an unknown queue: %v\n%s", err, stderr)
	}
}
