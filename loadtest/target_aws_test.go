package loadtest

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/emulator/eventpattern"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testBus      = "alchemiser-bus"
	testQueueURL = "https://sqs.us-east-1.amazonaws.com/123456789012/alchemiser-loadtest-results"
)

// fakeAWS speaks EventBridge's PutEvents (AWS JSON 1.1) and SQS's
// ReceiveMessage and DeleteMessageBatch (the JSON protocol), with
// X-Amz-Target. For every WorkflowStarted put, it queues the workflow's
// end as LoadTestResultsRule would deliver it: the EventBridge event as
// the message body. Received messages stay invisible for 30 s, as with
// the queue's default visibility timeout.
type fakeAWS struct {
	t      *testing.T
	refuse string // a PutEvents entry error code, or ""

	mu      sync.Mutex
	targets []string         // X-Amz-Target of each request
	bad     []string         // requests that did not look like the SDK's
	put     []map[string]any // PutEvents entries
	queue   []*fakeMessage
	deleted []string // message ids, in order
	seq     int
}

type fakeMessage struct {
	id, receipt, body string
	invisibleUntil    time.Time
	received          int
}

// ending is how the fake ends the i-th workflow put: every third fails.
func ending(i int) (detailType string, orders int) {
	if i%3 == 2 {
		return events.TypeWorkflowFailed, 1
	}
	return events.TypeWorkflowCompleted, 3
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	target := r.Header.Get("X-Amz-Target")
	f.mu.Lock()
	f.targets = append(f.targets, target)
	if !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDTEST/") {
		f.bad = append(f.bad, target+": not signed with the static test key")
	}
	f.mu.Unlock()
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var out any
	switch target {
	case "AWSEvents.PutEvents":
		f.want(r, "application/x-amz-json-1.1")
		out = f.putEvents(in)
	case "AmazonSQS.ReceiveMessage":
		f.want(r, "application/x-amz-json-1.0")
		out = f.receive(r.Context(), in)
	case "AmazonSQS.DeleteMessageBatch":
		f.want(r, "application/x-amz-json-1.0")
		out = f.deleteBatch(in)
	default:
		http.Error(w, "unexpected "+target, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeAWS) want(r *http.Request, contentType string) {
	if got := r.Header.Get("Content-Type"); got != contentType {
		f.mu.Lock()
		f.bad = append(f.bad, fmt.Sprintf("%s: Content-Type %q, want %q", r.Header.Get("X-Amz-Target"), got, contentType))
		f.mu.Unlock()
	}
}

func (f *fakeAWS) putEvents(in map[string]any) any {
	entries, _ := in["Entries"].([]any)
	var results []any
	failed := 0
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		f.mu.Lock()
		f.put = append(f.put, entry)
		i := len(f.put) - 1
		f.mu.Unlock()
		if f.refuse != "" {
			failed++
			results = append(results, map[string]any{"ErrorCode": f.refuse, "ErrorMessage": "refused by the fake"})
			continue
		}
		results = append(results, map[string]any{"EventId": fmt.Sprintf("eb-%d", i)})
		if entry["DetailType"] == events.TypeWorkflowStarted {
			f.end(i, entry)
		}
	}
	return map[string]any{"FailedEntryCount": failed, "Entries": results}
}

// end queues the end of the workflow started by entry i; the first
// workflow's end is delivered twice (EventBridge delivers at least once).
func (f *fakeAWS) end(i int, entry map[string]any) {
	detail, _ := entry["Detail"].(string)
	ev, err := events.DecodeDetail(events.TypeWorkflowStarted, []byte(detail))
	if err != nil {
		f.t.Errorf("PutEvents entry %d: %v", i, err)
		return
	}
	start := ev.(*events.WorkflowStarted)
	body := terminalBody(start.CorrelationID, i)
	f.enqueue(body)
	if i == 0 {
		f.enqueue(body)
	}
}

// terminalBody is the event LoadTestResultsRule delivers for the i-th
// workflow's end.
func terminalBody(correlationID string, i int) string {
	typ, orders := ending(i)
	m := events.Metadata{EventID: fmt.Sprintf("end-%d", i), CorrelationID: correlationID, CausationID: "trade",
		SchemaVersion: events.SchemaVersion, OccurredAt: endedAt(i)}
	var ev events.Event = &events.WorkflowCompleted{Metadata: m, Outcome: "rebalanced", Submitted: orders, Filled: orders}
	if typ == events.TypeWorkflowFailed {
		ev = &events.WorkflowFailed{Metadata: m, Step: "execution", Reason: "1 of 1 orders did not fill", Submitted: orders}
	}
	env, _ := events.Wrap(ev, "alchemiser.execution", "123456789012", "us-east-1")
	raw, _ := json.Marshal(env)
	return string(raw)
}

func endedAt(i int) time.Time { return time.Date(2026, 11, 20, 14, 36, i, 0, time.UTC) }

func (f *fakeAWS) enqueue(body string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	m := &fakeMessage{id: fmt.Sprintf("msg-%d", f.seq), body: body}
	f.queue = append(f.queue, m)
	return m.id
}

func (f *fakeAWS) receive(ctx context.Context, in map[string]any) any {
	if in["QueueUrl"] != testQueueURL {
		f.t.Errorf("ReceiveMessage of %v", in["QueueUrl"])
	}
	limit, _ := in["MaxNumberOfMessages"].(float64)
	wait, _ := in["WaitTimeSeconds"].(float64)
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	for {
		if msgs := f.take(int(limit)); len(msgs) > 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return map[string]any{"Messages": msgs}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fakeAWS) take(limit int) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []any
	now := time.Now()
	for _, m := range f.queue {
		if len(out) == max(limit, 1) || now.Before(m.invisibleUntil) {
			continue
		}
		m.received++
		m.receipt = fmt.Sprintf("%s-r%d", m.id, m.received)
		m.invisibleUntil = now.Add(30 * time.Second)
		sum := md5.Sum([]byte(m.body))
		out = append(out, map[string]any{"MessageId": m.id, "ReceiptHandle": m.receipt, "Body": m.body, "MD5OfBody": hex.EncodeToString(sum[:])})
	}
	return out
}

func (f *fakeAWS) deleteBatch(in map[string]any) any {
	if in["QueueUrl"] != testQueueURL {
		f.t.Errorf("DeleteMessageBatch of %v", in["QueueUrl"])
	}
	entries, _ := in["Entries"].([]any)
	f.mu.Lock()
	defer f.mu.Unlock()
	ok, failed := []any{}, []any{}
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		i := slices.IndexFunc(f.queue, func(m *fakeMessage) bool { return m.receipt == entry["ReceiptHandle"] })
		if i < 0 {
			failed = append(failed, map[string]any{"Id": entry["Id"], "Code": "ReceiptHandleIsInvalid", "SenderFault": true})
			continue
		}
		f.deleted = append(f.deleted, f.queue[i].id)
		f.queue = slices.Delete(f.queue, i, i+1)
		ok = append(ok, map[string]any{"Id": entry["Id"]})
	}
	return map[string]any{"Successful": ok, "Failed": failed}
}

// settled waits until only the given messages are left and each was
// received: everything else was consumed.
func (f *fakeAWS) settled(t *testing.T, left []string) {
	t.Helper()
	for deadline := time.Now().Add(safety); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		f.mu.Lock()
		var ids []string
		all := true
		for _, m := range f.queue {
			ids = append(ids, m.id)
			all = all && m.received > 0
		}
		lost := slices.ContainsFunc(left, func(id string) bool { return slices.Contains(f.deleted, id) })
		f.mu.Unlock()
		if lost {
			t.Fatalf("a message that should stay in the queue was deleted: %v", f.deleted)
		}
		if all && slices.Equal(ids, left) {
			return
		}
	}
	t.Fatalf("the queue did not settle to %v", left)
}

func newTestAWS(t *testing.T, f *fakeAWS) *AWS {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	a, err := NewAWS(context.Background(), AWSConfig{EventBus: testBus, ResultsQueueURL: testQueueURL, Region: "us-east-1",
		EventBridgeEndpoint: srv.URL, SQSEndpoint: srv.URL, WaitTime: time.Second,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAWSStartsWithPutEventsAndReadsEndsFromTheQueue(t *testing.T) {
	f := &fakeAWS{t: t}
	var malformed []string
	for _, body := range []string{
		"not an event",
		`{"version":"0","id":"1","detail-type":"SignalGenerated","source":"alchemiser.strategy","detail":{"metadata":{"correlation_id":"X","occurred_at":"2026-11-20T14:35:00Z"}}}`,
		`{"version":"0","id":"2","detail-type":"WorkflowCompleted","source":"alchemiser.execution","detail":{"metadata":{"occurred_at":"2026-11-20T14:35:00Z"}}}`,
	} {
		malformed = append(malformed, f.enqueue(body))
	}
	f.enqueue(terminalBody(events.DefaultIDs().New(), 0)) // another workflow's end
	a := newTestAWS(t, f)

	const n = 6
	intended := time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC) // 09:35 in New York
	ids := make([]string, n)
	for i := range n {
		id, err := a.Start(context.Background(), Arrival{Seq: i, Intended: intended})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	checkPut(t, f, ids)
	ends := collect(t, a, n)
	for i, id := range ids {
		typ, orders := ending(i)
		want := Outcome{CorrelationID: id, Status: StatusCompleted, Ended: endedAt(i), Orders: orders}
		if typ == events.TypeWorkflowFailed {
			want.Status = StatusFailed
		}
		if got := ends[id]; got.CorrelationID != want.CorrelationID || got.Status != want.Status || !got.Ended.Equal(want.Ended) || got.Orders != want.Orders {
			t.Errorf("outcome %+v, want %+v", got, want)
		}
	}

	f.settled(t, malformed)
	st, err := a.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for o := range a.Ends() {
		t.Errorf("outcome after the first: %+v", o)
	}
	if st.EventsPublished != n || st.MalformedResults != len(malformed) {
		t.Errorf("stats %+v, want %d events published and %d malformed results", st, n, len(malformed))
	}
	for id, err := range a.Malformed() {
		if !errors.Is(err, errMalformedResult) || !slices.Contains(malformed, id) {
			t.Errorf("message %s rejected as %v", id, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Consumed, once each: every message but the malformed (the ends of
	// the started workflows, a repeat of one, another workflow's end).
	var wantDeleted []string
	for i := 1; i <= f.seq; i++ {
		if id := fmt.Sprintf("msg-%d", i); !slices.Contains(malformed, id) {
			wantDeleted = append(wantDeleted, id)
		}
	}
	got := slices.Sorted(slices.Values(f.deleted))
	if !slices.Equal(got, slices.Sorted(slices.Values(wantDeleted))) {
		t.Errorf("deleted %v, want exactly %v", got, wantDeleted)
	}
	if len(f.bad) > 0 {
		t.Errorf("requests not as the SDK sends them: %v", f.bad)
	}
}

// checkPut checks every PutEvents entry is a WorkflowStarted as the
// scheduler function publishes it.
func checkPut(t *testing.T, f *fakeAWS, ids []string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.put) != len(ids) {
		t.Fatalf("%d entries put, want %d", len(f.put), len(ids))
	}
	for i, e := range f.put {
		if e["Source"] != "alchemiser.scheduler" || e["DetailType"] != "WorkflowStarted" || e["EventBusName"] != testBus || e["Time"] == nil {
			t.Errorf("entry %d: %v", i, e)
			continue
		}
		ev, err := events.DecodeDetail(events.TypeWorkflowStarted, []byte(e["Detail"].(string)))
		if err != nil {
			t.Errorf("entry %d: %v", i, err)
			continue
		}
		st := ev.(*events.WorkflowStarted)
		if st.EventID != ids[i] || st.CorrelationID != ids[i] || st.CausationID != ids[i] || st.Trigger != "loadtest" ||
			st.TradingDate != "2026-11-20" || st.StartedAt.IsZero() || st.SchemaVersion != events.SchemaVersion {
			t.Errorf("entry %d: %+v, want the root of workflow %s, trigger loadtest, trading date 2026-11-20", i, st, ids[i])
		}
	}
}

func TestAWSStartFailsWhenPutEventsRefusesTheEntry(t *testing.T) {
	f := &fakeAWS{t: t, refuse: "AccessDeniedException"}
	a := newTestAWS(t, f)
	if _, err := a.Start(context.Background(), Arrival{}); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("Start: %v, want the entry's error", err)
	}
	st, err := a.Close(context.Background())
	if err != nil || st.EventsPublished != 0 {
		t.Errorf("stats %+v, %v; want nothing published", st, err)
	}
}

func TestParseResult(t *testing.T) {
	id := events.DefaultIDs().New()
	for name, c := range map[string]struct {
		body string
		ok   bool
	}{
		"completed":        {terminalBody(id, 0), true},
		"failed":           {terminalBody(id, 2), true},
		"claim-checked":    {`{"version":"0","detail-type":"WorkflowCompleted","source":"alchemiser.execution","detail":{"metadata":{"correlation_id":"C","occurred_at":"2026-11-20T14:36:00Z"},"claim_check":{"uri":"s3://b/k"}}}`, true},
		"not json":         {"{", false},
		"other type":       {strings.Replace(terminalBody(id, 0), "WorkflowCompleted", "TradeExecuted", 1), false},
		"foreign source":   {strings.Replace(terminalBody(id, 0), "alchemiser.execution", "attacker", 1), false},
		"no detail":        {`{"version":"0","detail-type":"WorkflowFailed","source":"alchemiser.strategy"}`, false},
		"no occurred_at":   {`{"version":"0","detail-type":"WorkflowFailed","source":"alchemiser.strategy","detail":{"metadata":{"correlation_id":"C"}}}`, false},
		"envelope version": {strings.Replace(terminalBody(id, 0), `"version":"0"`, `"version":"1"`, 1), false},
	} {
		o, err := parseResult(c.body)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, errMalformedResult) {
			t.Errorf("%s: %+v, %v", name, o, err)
		}
	}
}

func FuzzParseResult(f *testing.F) {
	f.Add(terminalBody("01JD8Z3Q7W2M4N6P8R0T2V4X6Y", 0))
	f.Add(terminalBody("01JD8Z3Q7W2M4N6P8R0T2V4X6Y", 2))
	f.Add(`{"version":"0","detail":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		o, err := parseResult(body)
		if err == nil && (o.CorrelationID == "" || o.Ended.IsZero() || o.Status != StatusCompleted && o.Status != StatusFailed) {
			t.Errorf("accepted %q as %+v", body, o)
		}
	})
}

// The load-test resources exist only with EnableLoadTest=true, pass the
// template's policies, and route exactly the terminal events.
func TestTemplateLoadTestResources(t *testing.T) {
	off, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := off.Resources["LoadTestResultsQueue"]; ok {
		t.Error("the results queue exists without EnableLoadTest")
	}
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: map[string]string{"EnableLoadTest": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range topology.Check(top) {
		t.Error(f)
	}
	var rule *topology.Rule
	for _, r := range top.Rules {
		if r.LogicalID == "LoadTestResultsRule" {
			rule = r
		}
	}
	if rule == nil || rule.Bus != "Bus" || len(rule.Targets) != 1 || rule.Targets[0].ARN != top.Queues["LoadTestResultsQueue"].ARN ||
		rule.Targets[0].DLQ != "LoadTestResultsDLQ" {
		t.Fatalf("rule %+v", rule)
	}
	policy := top.Resources["LoadTestResultsQueuePolicy"].Properties
	stmt := policy["PolicyDocument"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
	if cond := stmt["Condition"].(map[string]any)["ArnEquals"].(map[string]any)["aws:SourceArn"]; cond != rule.ARN {
		t.Errorf("the queue policy allows %v, want the rule %s only", cond, rule.ARN)
	}
	p, err := eventpattern.Compile(rule.Pattern)
	if err != nil {
		t.Fatal(err)
	}
	id := events.DefaultIDs().New()
	for body, want := range map[string]bool{
		terminalBody(id, 0): true,
		terminalBody(id, 2): true,
		strings.Replace(terminalBody(id, 2), "alchemiser.execution", "alchemiser.strategy", 1):  true,
		strings.Replace(terminalBody(id, 0), "WorkflowCompleted", "SignalGenerated", 1):         false,
		strings.Replace(terminalBody(id, 0), "alchemiser.execution", "alchemiser.scheduler", 1): false,
	} {
		if got, err := p.Match([]byte(body)); err != nil || got != want {
			t.Errorf("pattern %s on %.120s: %v %v, want %v", rule.Pattern, body, got, err, want)
		}
	}
}
