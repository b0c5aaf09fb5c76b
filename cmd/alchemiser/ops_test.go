package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeOps speaks the JSON protocols of SQS and EventBridge for the
// operational commands (fakeSSM, in trading_test.go, speaks SSM's).
type fakeOps struct {
	mu       sync.Mutex
	messages []map[string]any // SQS messages not yet deleted
	put      []map[string]any // PutEvents entries
	replays  []map[string]any
}

func (f *fakeOps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch r.Header.Get("X-Amz-Target") {
	case "AmazonSQS.ReceiveMessage":
		reply(map[string]any{"Messages": f.messages})
	case "AmazonSQS.DeleteMessage":
		kept := f.messages[:0]
		for _, m := range f.messages {
			if m["ReceiptHandle"] != in["ReceiptHandle"] {
				kept = append(kept, m)
			}
		}
		f.messages = kept
		reply(map[string]any{})
	case "AmazonSQS.ChangeMessageVisibility": // this fake keeps every message visible
		reply(map[string]any{})
	case "AWSEvents.PutEvents":
		entries := in["Entries"].([]any)
		for _, e := range entries {
			f.put = append(f.put, e.(map[string]any))
		}
		reply(map[string]any{"FailedEntryCount": 0, "Entries": []any{map[string]any{"EventId": "e"}}})
	case "AWSEvents.StartReplay":
		f.replays = append(f.replays, in)
		reply(map[string]any{"ReplayArn": "arn:aws:events:us-east-1:1:replay/" + in["ReplayName"].(string), "State": "STARTING"})
	case "AWSEvents.DescribeReplay":
		reply(map[string]any{"ReplayName": in["ReplayName"], "State": "COMPLETED"})
	default:
		http.Error(w, "unexpected "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
	}
}

// opsEnv points the AWS SDK at f and returns a way to run the CLI, its
// stdout and stderr together.
func opsEnv(t *testing.T, f http.Handler) func(args ...string) (string, error) {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, nil, &out, &errb)
		return out.String() + errb.String(), err
	}
}

func TestDLQListAndRedriveAgainstSQSAndEventBridge(t *testing.T) {
	event := `{"version":"0","id":"1","detail-type":"RebalancePlanned","source":"alchemiser.portfolio","detail":{"metadata":{"event_id":"E1"}}}`
	record, _ := json.Marshal(map[string]any{"requestPayload": json.RawMessage(`{"detail-type":"SignalGenerated","source":"alchemiser.strategy","detail":{"metadata":{"event_id":"E2"}}}`),
		"responsePayload": map[string]any{"errorMessage": "planner exploded"}})
	f := &fakeOps{messages: []map[string]any{
		{"MessageId": "q-1", "ReceiptHandle": "h1", "Body": event,
			"MessageAttributes": map[string]any{"ERROR_CODE": map[string]any{"DataType": "String", "StringValue": "ResourceNotFoundException"}}},
		{"MessageId": "q-2", "ReceiptHandle": "h2", "Body": string(record)},
		{"MessageId": "q-3", "ReceiptHandle": "h3", "Body": "not an event"},
	}}
	cli := opsEnv(t, f)
	url := "https://sqs.us-east-1.amazonaws.com/1/alchemiser-events-dlq"
	out, err := cli("dlq", "list", "--queue-url", url)
	if err != nil || !strings.Contains(out, "q-1") || !strings.Contains(out, "ResourceNotFoundException") || !strings.Contains(out, "function error: planner exploded") ||
		!strings.Contains(out, "q-3  alchemiser-events-dlq  -  -  -\n") {
		t.Fatalf("dlq list: %q %v", out, err)
	}
	out, err = cli("dlq", "redrive", "--queue-url", url, "--bus", "alchemiser-bus")
	if err == nil || !strings.Contains(out, "2 redriven, 1 failed") || !strings.Contains(out, "q-3: the message does not hold an EventBridge event") {
		t.Fatalf("redrive: %q %v", out, err)
	}
	if len(f.put) != 2 || f.put[0]["DetailType"] != "RebalancePlanned" || f.put[1]["Source"] != "alchemiser.strategy" ||
		!strings.Contains(f.put[1]["Detail"].(string), `"E2"`) || f.put[0]["EventBusName"] != "alchemiser-bus" {
		t.Errorf("put %v", f.put)
	}
	if len(f.messages) != 1 || f.messages[0]["MessageId"] != "q-3" {
		t.Errorf("left in the queue: %v (only the unredrivable message should stay)", f.messages)
	}
}

func TestReplayAgainstEventBridge(t *testing.T) {
	f := &fakeOps{}
	cli := opsEnv(t, f)
	out, err := cli("replay", "start", "--archive", "arn:aws:events:us-east-1:1:archive/a", "--bus", "arn:aws:events:us-east-1:1:event-bus/b",
		"--from", "2026-11-20T14:00:00Z", "--to", "2026-11-20T15:00:00Z", "--name", "incident-42")
	if err != nil || !strings.Contains(out, "replay incident-42 STARTING") || len(f.replays) != 1 || f.replays[0]["EventSourceArn"] != "arn:aws:events:us-east-1:1:archive/a" {
		t.Fatalf("start: %q %v %v", out, err, f.replays)
	}
	if out, err := cli("replay", "status", "incident-42"); err != nil || !strings.Contains(out, "COMPLETED") {
		t.Errorf("status: %q %v", out, err)
	}
	if _, err := cli("replay", "start", "--archive", "a", "--bus", "b", "--from", "2026-11-20T15:00:00Z", "--to", "2026-11-20T14:00:00Z"); err == nil {
		t.Error("a reversed range is accepted")
	}
}
