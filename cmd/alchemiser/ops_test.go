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

// fakeAWS speaks SSM's and SQS's JSON protocols for the ops commands.
type fakeOps struct {
	mu    sync.Mutex
	param string
}

func (f *fakeOps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	switch r.Header.Get("X-Amz-Target") {
	case "AmazonSSM.GetParameter":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": in["Name"], "Value": f.param, "Type": "String"}})
	case "AmazonSSM.PutParameter":
		f.param = in["Value"].(string)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Version":2}`)
	case "AmazonSQS.ReceiveMessage":
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		io.WriteString(w, `{"Messages":[{"MessageId":"q-1","ReceiptHandle":"h","Body":"{\"detail-type\":\"SignalGenerated\"}",`+
			`"MessageAttributes":{"ERROR_CODE":{"DataType":"String","StringValue":"ResourceNotFoundException"},"ERROR_MESSAGE":{"DataType":"String","StringValue":"gone"}}}]}`)
	default:
		http.Error(w, "unexpected "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
	}
}

func TestKillSwitchAndSQSDLQAgainstTheAWSProtocols(t *testing.T) {
	srv := httptest.NewServer(&fakeOps{param: "true"})
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cli := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, nil, &out, &errb); err != nil {
			t.Fatalf("%v: %v %s", args, err, errb.String())
		}
		return out.String()
	}
	p := "--parameter=/alchemiser/trading-enabled"
	if got := cli("killswitch", "status", p); !strings.Contains(got, "on (trading)") {
		t.Errorf("status: %q", got)
	}
	if got := cli("killswitch", "off", p); !strings.Contains(got, "trading disabled") {
		t.Errorf("off: %q", got)
	}
	if got := cli("killswitch", "status", p); !strings.Contains(got, "off (no trading)") {
		t.Errorf("status after off: %q", got)
	}
	if got := cli("dlq", "list", "--queue-url", srv.URL+"/000000000000/alchemiser-events-dlq"); !strings.Contains(got, "q-1") || !strings.Contains(got, "ResourceNotFoundException: gone") {
		t.Errorf("dlq list: %q", got)
	}
}
