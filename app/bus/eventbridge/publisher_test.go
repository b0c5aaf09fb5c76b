package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// fakeEventBridge speaks the EventBridge JSON 1.1 protocol for PutEvents
// and fails entries whose detail contains failMarker.
type fakeEventBridge struct {
	mu    sync.Mutex
	calls [][]map[string]any
}

const failMarker = "fail-me"

func (f *fakeEventBridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("X-Amz-Target"); got != "AWSEvents.PutEvents" {
		http.Error(w, "unexpected target "+got, http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var in struct{ Entries []map[string]any }
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, in.Entries)
	f.mu.Unlock()
	type result struct {
		EventId, ErrorCode, ErrorMessage string `json:",omitempty"`
	}
	out := struct {
		FailedEntryCount int
		Entries          []result
	}{}
	for i, e := range in.Entries {
		if strings.Contains(e["Detail"].(string), failMarker) {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, result{ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded"})
			continue
		}
		out.Entries = append(out.Entries, result{EventId: "id-" + string(rune('a'+i))})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func newClient(t *testing.T, h http.Handler) *eventbridge.Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return eventbridge.New(eventbridge.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		RetryMaxAttempts: 1,
	})
}

func started(n int, trigger string) []events.Event {
	ids := events.NewIDs(time.Now, strings.NewReader(strings.Repeat("x", 4096)))
	out := make([]events.Event, n)
	for i := range out {
		out[i] = &events.WorkflowStarted{Metadata: events.Root(ids.New(), time.Now()), Trigger: trigger,
			Workflow: events.Workflow{TradingDate: "2026-11-20", StartedAt: time.Now()}}
	}
	return out
}

func TestEventBridgeBatchesByTen(t *testing.T) {
	fake := &fakeEventBridge{}
	p := New(newClient(t, fake), "alchemiser-bus", "alchemiser.test")
	if err := p.Publish(context.Background(), started(23, "manual")...); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range fake.calls {
		sizes = append(sizes, len(c))
	}
	if len(sizes) != 3 || sizes[0] != 10 || sizes[1] != 10 || sizes[2] != 3 {
		t.Fatalf("batch sizes %v, want [10 10 3]", sizes)
	}
	e := fake.calls[0][0]
	if e["Source"] != "alchemiser.test" || e["DetailType"] != "WorkflowStarted" || e["EventBusName"] != "alchemiser-bus" {
		t.Errorf("entry = %v", e)
	}
	var detail map[string]any
	if err := json.Unmarshal([]byte(e["Detail"].(string)), &detail); err != nil || detail["metadata"] == nil {
		t.Errorf("detail = %v (%v)", e["Detail"], err)
	}
}

func TestEventBridgeReportsPartialFailure(t *testing.T) {
	fake := &fakeEventBridge{}
	p := New(newClient(t, fake), "b", "alchemiser.test")
	evs := append(started(2, "manual"), started(1, failMarker)...)
	err := p.Publish(context.Background(), evs...)
	if !errors.Is(err, bus.ErrPartialFailure) {
		t.Fatalf("err = %v, want ErrPartialFailure", err)
	}
	if !strings.Contains(err.Error(), "ThrottlingException") || !strings.Contains(err.Error(), evs[2].Meta().EventID) {
		t.Errorf("error does not name the failed entry: %v", err)
	}
}
