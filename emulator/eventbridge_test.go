package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/bus"
	ebpub "github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/shopspring/decimal"
)

// bareBus is the template's EventBridge with stand-in handlers, its
// queues and log in dir.
// The real publisher runs against the emulator.
var _ ebpub.PutEventsAPI = (*EventBridge)(nil)

func bareBus(t *testing.T, dir string) (*EventBridge, *os.File) {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "eventbridge.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	e, err := New(top, WithDir(dir), WithLogger(newJSONLogger(log)), WithMetrics(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	for id := range top.Functions {
		_ = e.Register(id, func(context.Context, json.RawMessage) error { return nil })
	}
	return e, log
}

func put(t *testing.T, e *EventBridge, source, detailType string) {
	t.Helper()
	out, err := e.PutEvents(context.Background(), putInput(source, detailType, `{"metadata":{"event_id":"E1"}}`))
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutEvents: %v %+v", err, out)
	}
}

func TestAFunctionThatAlwaysFailsEndsInItsOnFailureDestination(t *testing.T) {
	dir := t.TempDir()
	e, _ := bareBus(t, dir)
	var mu sync.Mutex
	calls := 0
	_ = e.Register("PortfolioFunction", func(context.Context, json.RawMessage) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return errors.New("planner exploded")
	})
	put(t, e, "alchemiser.strategy", events.TypeSignalGenerated)
	e.Wait()
	if calls != 3 {
		t.Errorf("%d invocations, want 3 (MaximumRetryAttempts 2)", calls)
	}
	rec := onlyFailureRecord(t, e)
	if rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.Count != 3 ||
		!strings.Contains(rec.RequestContext.FunctionArn, "alchemiser-portfolio") ||
		rec.ResponsePayload.ErrorMessage != "planner exploded" || rec.ResponsePayload.ErrorType != "errorString" ||
		rec.RequestPayload.DetailType != events.TypeSignalGenerated {
		t.Errorf("record %+v", rec)
	}
	st := e.Stats()
	if st.FunctionErrors.Load() != 3 || st.ToDestination.Load() != 1 {
		t.Errorf("stats: %d errors, %d to destination", st.FunctionErrors.Load(), st.ToDestination.Load())
	}
	assertFileHas(t, filepath.Join(dir, "queues", "alchemiser-failed-invocations.jsonl"), "planner exploded")
	assertFileHas(t, filepath.Join(dir, "eventbridge.log"), "record sent to the on-failure destination")
	assertMetric(t, filepath.Join(dir, "eventbridge.log"), "AWS/Lambda", "Errors", 3)
	assertMetric(t, filepath.Join(dir, "eventbridge.log"), "AWS/Lambda", "AsyncEventsDropped", 1)
}

func TestATargetThatCannotBeInvokedEndsInTheRulesDLQ(t *testing.T) {
	dir := t.TempDir()
	e, _ := bareBus(t, dir)
	e.SetUnavailable("ExecutionFunction", true)
	put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
	e.Wait()
	msgs := e.Queues().Messages("EventsDLQ")
	if len(msgs) != 1 {
		t.Fatalf("%d DLQ messages, want 1", len(msgs))
	}
	a := msgs[0].Attributes
	if a["ERROR_CODE"] != "ResourceNotFoundException" || !strings.HasSuffix(a["RULE_ARN"], "rule/alchemiser-bus/alchemiser-rebalance-planned-to-execution") ||
		!strings.HasSuffix(a["TARGET_ARN"], "function:alchemiser-execution:live") ||
		a["ERROR_MESSAGE"] != "Function not found: arn:aws:lambda:us-east-1:000000000000:function:alchemiser-execution:live" {
		t.Errorf("attributes %v", a)
	}
	if !strings.Contains(msgs[0].Body, `"detail-type":"RebalancePlanned"`) {
		t.Errorf("body is not the event: %s", msgs[0].Body)
	}
	if e.Stats().InvocationsToDLQ.Load() != 1 {
		t.Errorf("InvocationsSentToDLQ %d", e.Stats().InvocationsToDLQ.Load())
	}
	assertFileHas(t, filepath.Join(dir, "queues", "alchemiser-events-dlq.jsonl"), "ResourceNotFoundException")
	assertFileHas(t, filepath.Join(dir, "eventbridge.log"), "event sent to the target's dead-letter queue")
	assertMetric(t, filepath.Join(dir, "eventbridge.log"), "AWS/Events", "InvocationsSentToDLQ", 1)
	assertMetric(t, filepath.Join(dir, "eventbridge.log"), "AWS/Events", "FailedInvocations", 1)
}

func TestThrottledTargetIsRetriedByThePolicy(t *testing.T) {
	e, _ := bareBus(t, t.TempDir())
	_ = e.Register("ExecutionFunction", nil) // registered in the template, no handler: a service error
	put(t, e, "alchemiser.portfolio", events.TypeRebalancePlanned)
	e.Wait()
	// RetryPolicy MaximumRetryAttempts 4: 5 attempts, unless the hour of
	// event age runs out first.
	if got := e.Stats().Invocations.Load(); got != 5 {
		t.Errorf("%d attempts", got)
	}
	if len(e.Queues().Messages("EventsDLQ")) != 1 {
		t.Error("not dead-lettered after its retries")
	}
}

func assertFileHas(t *testing.T, path, want string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), want) {
			return
		}
	}
	t.Errorf("%s has no line with %q", path, want)
}

func putInput(source, detailType, detail string) *eventbridge.PutEventsInput {
	return &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		EventBusName: aws.String("alchemiser-bus"), Source: aws.String(source), DetailType: aws.String(detailType), Detail: aws.String(detail)}}}
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// An event too large for PutEvents travels as a claim check and reaches
// its consumer whole.
func TestOversizeEventsArriveWholeThroughAClaimCheck(t *testing.T) {
	dir := t.TempDir()
	e, _ := bareBus(t, dir)
	claims := bus.DirClaims{Dir: filepath.Join(dir, "claim-checks")}
	var got *events.SignalGenerated
	_ = e.Register("PortfolioFunction", handlers.ResolvingClaims(claims, func(_ context.Context, raw json.RawMessage) error {
		_, ev, err := events.Decode(raw)
		if err != nil {
			return err
		}
		got = ev.(*events.SignalGenerated)
		return nil
	}))
	ids := events.NewIDs(time.Now, strings.NewReader(strings.Repeat("z", 4096)))
	root := events.Root(ids.New(), time.Now())
	sig := &events.SignalGenerated{Metadata: root.Child(ids.New(), time.Now()), AsOf: "2026-11-19", Strategies: []events.StrategySignal{},
		Workflow: events.Workflow{TradingDate: "2026-11-20", StartedAt: time.Now()}}
	for range 8000 {
		sig.Allocations = append(sig.Allocations, events.Allocation{Symbol: "SYMBOLXYZ", Weight: decimal.RequireFromString("0.000125")})
	}
	pub := ebpub.New(e, "alchemiser-bus", "alchemiser.strategy", ebpub.WithClaimCheck(claims))
	if err := pub.Publish(context.Background(), sig); err != nil {
		t.Fatal(err)
	}
	e.Wait()
	if got == nil || len(got.Allocations) != 8000 || got.EventID != sig.EventID {
		t.Fatalf("consumer got %v", got)
	}
	if n := e.Queues().Count(); n != 0 {
		t.Errorf("%d messages in queues", n)
	}
}

// assertMetric checks that path holds valid EMF lines adding up to want
// for metric name in namespace.
func assertMetric(t *testing.T, path, namespace, name string, want int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !telemetrytest.IsEMF([]byte(line)) {
			continue
		}
		doc, err := telemetrytest.ValidateEMF([]byte(line))
		if err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if strings.Contains(line, `"Namespace":"`+namespace+`"`) {
			if v, ok := doc[name].(float64); ok {
				got += int(v)
			}
		}
	}
	if got != want {
		t.Errorf("%s %s = %d, want %d", namespace, name, got, want)
	}
}

// failureRecord is Lambda's invocation record in an on-failure
// destination, as far as the tests read it.
type failureRecord struct {
	RequestContext struct {
		Condition   string `json:"condition"`
		FunctionArn string `json:"functionArn"`
		Count       int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  events.Envelope `json:"requestPayload"`
	ResponsePayload struct {
		ErrorMessage, ErrorType string
	} `json:"responsePayload"`
}

// onlyFailureRecord is the one record in the on-failure destination.
func onlyFailureRecord(t *testing.T, e *EventBridge) failureRecord {
	t.Helper()
	msgs := e.Queues().Messages("FailedInvocationsQueue")
	if len(msgs) != 1 {
		t.Fatalf("%d records in the on-failure destination, want 1", len(msgs))
	}
	var rec failureRecord
	if err := json.Unmarshal([]byte(msgs[0].Body), &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// PutEvents refuses a Detail that is not a valid JSON object, anywhere in
// it, as the rules' matcher would refuse to read it.
func TestMalformedDetailsFailTheirEntry(t *testing.T) {
	e, _ := bareBus(t, t.TempDir())
	for _, detail := range []string{`{"n":01}`, `{"a":[1,]}`, `{"a":1.}`, "{\"a\":\"\xff\"}", `[1]`, `{"a":1} x`} {
		out, err := e.PutEvents(context.Background(), putInput("alchemiser.strategy", "SignalGenerated", detail))
		if err != nil || out.FailedEntryCount != 1 || aws.ToString(out.Entries[0].ErrorCode) != "MalformedDetail" {
			t.Errorf("Detail %q: %+v, %v; want one MalformedDetail", detail, out, err)
		}
	}
}
