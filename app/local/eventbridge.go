package local

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ebpub "github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/emulator/eventpattern"
	"github.com/alchemiser/alchemiser/internal/errtype"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Handler is a function's handler: the raw event in.
type Handler = func(ctx context.Context, raw json.RawMessage) error

// EventBridge is the local stack's EventBridge, built from template.yaml:
// its buses, rules (with the same event patterns), targets with their
// retry policies and dead-letter queues, archives, and the functions'
// asynchronous invocation configs. It implements PutEvents, so the real
// publisher (app/bus/eventbridge) runs against it.
//
// Delivery follows what AWS documents:
//   - at least once: Duplicates is the share of deliveries made twice;
//   - a target that cannot be invoked is retried with exponential backoff
//     and jitter until its policy's attempts or event age run out, then
//     the event goes to the target's DLQ with RULE_ARN, TARGET_ARN,
//     ERROR_CODE and ERROR_MESSAGE attributes
//     (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
//   - a function's error is retried by Lambda's asynchronous invocation
//     (MaximumRetryAttempts, about 1 and 2 minutes apart, within
//     MaximumEventAgeInSeconds), then the invocation record goes to the
//     on-failure destination
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
//     Lambda retries every function error, whatever its cause;
//   - archived events can be replayed; a replayed event carries
//     replay-name.
//
// Waits are real but scaled by TimeScale (0: no waiting), so tests can
// compress hours of retries; event age is counted in unscaled time.
type EventBridge struct {
	Top        *topology.Topology
	TimeScale  float64
	Duplicates float64 // share of deliveries made twice, 0..1
	Log        *slog.Logger
	Queues     *Queues
	Archive    *Archive
	// Groups are the functions' log groups (by logical id): invocations
	// write Lambda's platform lines there. Nil writes none.
	Groups map[string]*LogGroup
	// PutFailure, when set, may fail a PutEvents entry with an error code
	// and message, as AWS reports throttling or internal failures (chaos).
	PutFailure func(source, detailType string) (code, msg string)
	// BeforePut, when set, sees every PutEvents call first, with the
	// caller's context (chaos: ChaosStack.CrashOnPublish).
	BeforePut func(ctx context.Context, in *eventbridge.PutEventsInput)
	// Metrics receives EMF lines for the AWS/Events and AWS/Lambda
	// metrics the platform would publish; nil writes none.
	Metrics io.Writer

	rules     []compiledRule
	functions map[string]*function // by logical id
	rand      *mrand.Rand
	randMu    sync.Mutex
	inflight  sync.WaitGroup
	base      context.Context
	taps      []func(ev Delivered)
	tapMu     sync.Mutex
	stats     Stats
	metricsMu sync.Mutex
}

// Stats count what the bus did, as CloudWatch's AWS/Events and AWS/Lambda
// metrics would.
type Stats struct {
	Events, MatchedEvents, Unmatched                   atomic.Int64
	Invocations, FailedInvocations, InvocationsToDLQ   atomic.Int64
	FunctionInvocations, FunctionErrors, ToDestination atomic.Int64
	DuplicateDeliveries, Replayed                      atomic.Int64
}

// Delivered is an event put on a bus, for taps.
type Delivered struct {
	Bus   string
	Event json.RawMessage
}

type compiledRule struct {
	*topology.Rule
	pattern *eventpattern.Pattern
}

type function struct {
	*topology.Function
	handle      Handler
	unavailable atomic.Bool
}

// NewEventBridge builds the emulator for top. Every rule's pattern is
// compiled: a pattern AWS would reject is an error here too.
func NewEventBridge(ctx context.Context, top *topology.Topology, queues *Queues, archive *Archive) (*EventBridge, error) {
	e := &EventBridge{Top: top, Queues: queues, Archive: archive, Log: slog.New(slog.DiscardHandler),
		functions: map[string]*function{}, base: ctx, rand: mrand.New(mrand.NewPCG(1, 2))}
	for _, r := range top.Rules {
		p, err := eventpattern.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("rule %s (line %d): %w", r.LogicalID, r.Line, err)
		}
		e.rules = append(e.rules, compiledRule{Rule: r, pattern: p})
	}
	for id, f := range top.Functions {
		e.functions[id] = &function{Function: f}
	}
	if archive != nil {
		if err := archive.compile(top); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Register gives function id (a logical id of the template) its handler.
func (e *EventBridge) Register(id string, h Handler) error {
	f, ok := e.functions[id]
	if !ok {
		return fmt.Errorf("function %s is not in the template", id)
	}
	f.handle = h
	return nil
}

// SetUnavailable makes EventBridge's invocation of function id fail, as
// when the function is deleted or its resource policy denies the rule.
func (e *EventBridge) SetUnavailable(id string, down bool) { e.functions[id].unavailable.Store(down) }

// SetSeed makes jitter and duplicate choices repeatable.
func (e *EventBridge) SetSeed(seed uint64) {
	e.randMu.Lock()
	defer e.randMu.Unlock()
	e.rand = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Tap calls f with every event put on a bus.
func (e *EventBridge) Tap(f func(Delivered)) {
	e.tapMu.Lock()
	defer e.tapMu.Unlock()
	e.taps = append(e.taps, f)
}

// Wait blocks until nothing is in flight, including deliveries caused by
// deliveries and pending retries.
func (e *EventBridge) Wait() { e.inflight.Wait() }

// Stats returns the counters.
func (e *EventBridge) Stats() *Stats { return &e.stats }

// PutEvents implements ebpub.PutEventsAPI with PutEvents' validation:
// at most 10 entries, each under 256 KB by AWS's size rule, a Source, a
// DetailType of at most 128 characters, a Detail that is a JSON object,
// and a bus of the template. Invalid entries fail one by one, as AWS
// reports them.
func (e *EventBridge) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	if e.BeforePut != nil {
		e.BeforePut(ctx, in)
	}
	if n := len(in.Entries); n == 0 || n > 10 {
		return nil, fmt.Errorf("ValidationException: 1 to 10 entries per PutEvents call, got %d", n)
	}
	total := 0
	for _, entry := range in.Entries {
		total += ebpub.EntrySize(entry)
	}
	if total >= ebpub.MaxEntrySize {
		return nil, fmt.Errorf("ValidationException: the entries total %d bytes; a PutEvents call must be under 256 KB", total)
	}
	out := &eventbridge.PutEventsOutput{}
	for _, entry := range in.Entries {
		res := e.putEntry(entry)
		if res.ErrorCode != nil {
			out.FailedEntryCount++
		}
		out.Entries = append(out.Entries, res)
	}
	return out, nil
}

func (e *EventBridge) putEntry(entry types.PutEventsRequestEntry) types.PutEventsResultEntry {
	fail := func(code, msg string) types.PutEventsResultEntry {
		return types.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String(msg)}
	}
	busID, ok := e.busOf(aws.ToString(entry.EventBusName))
	switch {
	case !ok:
		return fail("ResourceNotFoundException", fmt.Sprintf("event bus %s does not exist", aws.ToString(entry.EventBusName)))
	case aws.ToString(entry.Source) == "":
		return fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")
	case aws.ToString(entry.DetailType) == "":
		return fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.")
	case len([]rune(aws.ToString(entry.DetailType))) > 128:
		return fail("InvalidArgument", "Parameter DetailType is not valid. Reason: over 128 characters.")
	case !json.Valid([]byte(aws.ToString(entry.Detail))) || !strings.HasPrefix(strings.TrimSpace(aws.ToString(entry.Detail)), "{"):
		return fail("MalformedDetail", "Detail is malformed.")
	case ebpub.EntrySize(entry) >= ebpub.MaxEntrySize:
		return fail("ValidationException", fmt.Sprintf("entry is %d bytes; the limit is 256 KB", ebpub.EntrySize(entry)))
	}
	if e.PutFailure != nil {
		if code, msg := e.PutFailure(aws.ToString(entry.Source), aws.ToString(entry.DetailType)); code != "" {
			return fail(code, msg)
		}
	}
	t := time.Now().UTC()
	if entry.Time != nil {
		t = entry.Time.UTC()
	}
	env := map[string]any{
		"version": "0", "id": uuid(), "detail-type": aws.ToString(entry.DetailType), "source": aws.ToString(entry.Source),
		"account": e.Top.Account, "time": t.Format(time.RFC3339), "region": e.Top.Region,
		"resources": append([]string{}, entry.Resources...), "detail": json.RawMessage(aws.ToString(entry.Detail)),
	}
	raw, _ := json.Marshal(env)
	e.put(busID, raw, env["id"].(string))
	return types.PutEventsResultEntry{EventId: aws.String(env["id"].(string))}
}

// busOf finds a bus by name or ARN ("" is the default bus).
func (e *EventBridge) busOf(name string) (string, bool) {
	if name == "" || name == "default" {
		return "default", true
	}
	for id, b := range e.Top.Buses {
		if b.Name == name || b.ARN == name {
			return id, true
		}
	}
	return "", false
}

// put archives and routes one envelope.
func (e *EventBridge) put(bus string, raw []byte, id string) {
	e.stats.Events.Add(1)
	e.tapMu.Lock()
	taps := append([]func(Delivered){}, e.taps...)
	e.tapMu.Unlock()
	for _, tap := range taps {
		tap(Delivered{Bus: bus, Event: raw})
	}
	if e.Archive != nil && !isReplay(raw) {
		e.Archive.add(bus, raw)
	}
	e.route(bus, raw, id)
}

func isReplay(raw []byte) bool {
	var probe struct {
		ReplayName string `json:"replay-name"`
	}
	_ = json.Unmarshal(raw, &probe)
	return probe.ReplayName != ""
}

func (e *EventBridge) route(bus string, raw []byte, id string) {
	matched := false
	for _, r := range e.rules {
		if r.Bus != bus {
			continue
		}
		ok, err := r.pattern.Match(raw)
		if err != nil || !ok {
			continue
		}
		matched = true
		e.metric("AWS/Events", "MatchedEvents", "RuleName", r.Name)
		for _, t := range r.Targets {
			n := 1
			if e.chance(e.Duplicates) {
				n = 2
				e.stats.DuplicateDeliveries.Add(1)
			}
			for range n {
				e.inflight.Add(1)
				go e.deliver(r, t, raw, id)
			}
		}
	}
	if matched {
		e.stats.MatchedEvents.Add(1)
	} else {
		e.stats.Unmatched.Add(1)
	}
}

func (e *EventBridge) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	e.randMu.Lock()
	defer e.randMu.Unlock()
	return e.rand.Float64() < p
}

// deliver is EventBridge invoking one target: retried per the target's
// policy while the function cannot be invoked, then its DLQ.
func (e *EventBridge) deliver(r compiledRule, t topology.Target, raw []byte, id string) {
	defer e.inflight.Done()
	input, err := transform(t, r.Rule, raw)
	if err != nil { // an input that cannot be built is not retried
		e.toDLQ(r, t, raw, id, "InputTransformationError", err.Error(), 1)
		return
	}
	f := e.functions[t.Function]
	var age time.Duration
	for attempt := 1; ; attempt++ {
		e.stats.Invocations.Add(1)
		e.metric("AWS/Events", "Invocations", "RuleName", r.Name)
		code, msg := e.acceptable(f, t)
		if code == "" {
			e.inflight.Add(1)
			go e.invokeAsync(f, input)
			return
		}
		e.stats.FailedInvocations.Add(1)
		e.metric("AWS/Events", "FailedInvocations", "RuleName", r.Name)
		delay := e.backoff(attempt)
		// A target that does not exist is not retried: no retry can help.
		if code == "ResourceNotFoundException" || attempt > t.Retry.MaxAttempts || age+delay > t.Retry.MaxAge {
			e.toDLQ(r, t, raw, id, code, msg, attempt)
			return
		}
		e.Log.Warn("target invocation failed; retrying", "rule", r.Name, "target", t.ID, "event_id", id,
			"attempt", attempt, "error_code", code, "retry_in", delay.String())
		age += delay
		e.sleep(delay)
	}
}

// acceptable is Lambda's answer to EventBridge's asynchronous Invoke.
func (e *EventBridge) acceptable(f *function, t topology.Target) (code, msg string) {
	switch {
	case f == nil:
		return "ResourceNotFoundException", fmt.Sprintf("target %s is not a function of the template", t.ARN)
	case f.unavailable.Load():
		return "ResourceNotFoundException", fmt.Sprintf("Function not found: %s", f.ARN)
	case f.handle == nil:
		return "ServiceException", fmt.Sprintf("function %s has no handler registered locally", f.LogicalID)
	}
	return "", ""
}

// backoff is EventBridge's exponential backoff with full jitter; the
// base and cap are ours (AWS documents the policy, not the constants).
func (e *EventBridge) backoff(attempt int) time.Duration {
	d := min(time.Second<<min(attempt-1, 20), 5*time.Minute)
	e.randMu.Lock()
	defer e.randMu.Unlock()
	return d/2 + time.Duration(e.rand.Int64N(int64(d/2)+1))
}

func (e *EventBridge) sleep(d time.Duration) {
	if e.TimeScale <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(float64(d) * e.TimeScale))
	defer t.Stop()
	select {
	case <-t.C:
	case <-e.base.Done():
	}
}

// lambdaRetryDelays are Lambda's waits between asynchronous attempts.
var lambdaRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}

// invokeAsync is Lambda's asynchronous invocation: the function's errors
// are retried per its EventInvokeConfig, then the record goes to its
// on-failure destination.
func (e *EventBridge) invokeAsync(f *function, input []byte) {
	defer e.inflight.Done()
	var age time.Duration
	var err error
	attempts := 0
	for attempts = 1; ; attempts++ {
		e.stats.FunctionInvocations.Add(1)
		e.metric("AWS/Lambda", "Invocations", "FunctionName", f.Name)
		if err = e.invoke(f, input); err == nil {
			return
		}
		e.stats.FunctionErrors.Add(1)
		e.metric("AWS/Lambda", "Errors", "FunctionName", f.Name)
		delay := lambdaRetryDelays[min(attempts-1, len(lambdaRetryDelays)-1)]
		if attempts > f.Async.MaxRetries || age+delay > f.Async.MaxAge {
			break
		}
		e.Log.Warn("function error; Lambda retries the asynchronous invocation", "function", f.Name,
			"attempt", attempts, "error", err.Error(), "retry_in", delay.String())
		age += delay
		e.sleep(delay)
	}
	e.toDestination(f, input, err, attempts)
}

// invoke runs one invocation with its timeout and a Lambda context,
// turning a panic into an error as the runtime reports a crash. The
// handler runs on its own goroutine so that Crash can end the invocation
// the way a dying process does: nothing after the crash point runs.
func (e *EventBridge) invoke(f *function, input []byte) (err error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(e.base, timeout)
	defer cancel()
	requestID := uuid()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID, InvokedFunctionArn: f.ARN})
	crashed := make(chan struct{})
	ctx = context.WithValue(ctx, crashKey{}, &crashSignal{c: crashed})
	group := e.Groups[f.LogicalID]
	start := time.Now()
	if group != nil {
		group.start(requestID, start)
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("%s panicked: %v", f.Name, p)
			}
		}()
		done <- f.handle(ctx, input)
	}()
	status := "success"
	select {
	case err = <-done:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			//lint:ignore ST1005 Lambda's own message, verbatim: the lambda-timeout query matches it
			status, err = "timeout", fmt.Errorf("Task timed out after %.2f seconds", timeout.Seconds())
		}
	case <-crashed:
		status, err = "error", &RuntimeExitError{Function: f.Name}
	}
	d := time.Since(start)
	if group != nil {
		group.report(requestID, time.Now(), d, f.MemoryMB, timeout, status)
	}
	e.metricValue("AWS/Lambda", "Duration", "Milliseconds", "FunctionName", f.Name, float64(d.Microseconds())/1000)
	return err
}

// RuntimeExitError is how Lambda reports an invocation whose runtime
// process exited (killed, out of memory, a fatal error) before it answered:
// errorType Runtime.ExitError; an asynchronous invocation is retried.
type RuntimeExitError struct{ Function string }

func (e *RuntimeExitError) Error() string {
	return e.Function + ": Runtime exited with error: signal: killed"
}

// ErrorType is Lambda's name for it.
func (e *RuntimeExitError) ErrorType() string { return "Runtime.ExitError" }

type crashKey struct{}

type crashSignal struct {
	once sync.Once
	c    chan struct{}
}

// Crash ends the invocation ctx belongs to as if its process died here:
// the emulator reports Runtime.ExitError and retries as Lambda does, and
// the calling goroutine never returns (as a killed process runs no
// deferred code, flushes no telemetry, publishes nothing). It panics
// outside an invocation of the emulator.
func Crash(ctx context.Context) {
	sig, ok := ctx.Value(crashKey{}).(*crashSignal)
	if !ok {
		panic("local.Crash called outside an invocation")
	}
	sig.once.Do(func() { close(sig.c) })
	select {} // the process is gone; its goroutine stays parked
}

func (e *EventBridge) toDLQ(r compiledRule, t topology.Target, raw []byte, id, code, msg string, attempts int) {
	e.stats.InvocationsToDLQ.Add(1)
	e.metric("AWS/Events", "InvocationsSentToDLQ", "RuleName", r.Name)
	e.Log.Error("event sent to the target's dead-letter queue", "rule", r.Name, "target", t.ID, "event_id", id,
		"attempts", attempts, "error_code", code, "error", msg, "queue", t.DLQ)
	if t.DLQ == "" {
		e.Log.Error("target has no dead-letter queue: event dropped", "rule", r.Name, "target", t.ID, "event_id", id)
		return
	}
	defer e.queueDepth(t.DLQ)
	e.Queues.Send(t.DLQ, string(raw), map[string]string{
		"RULE_ARN": r.ARN, "TARGET_ARN": t.ARN, "ERROR_CODE": code, "ERROR_MESSAGE": msg,
		"EXHAUSTED_RETRY_CONDITION": exhausted(attempts, t.Retry.MaxAttempts), "RETRY_ATTEMPTS": fmt.Sprint(attempts - 1),
	})
}

func exhausted(attempts, max int) string {
	if attempts > max {
		return "MaximumRetryAttempts"
	}
	return "MaximumEventAgeInSeconds"
}

// toDestination sends Lambda's invocation record to the on-failure
// destination, in the format Lambda uses.
func (e *EventBridge) toDestination(f *function, input []byte, err error, attempts int) {
	e.stats.ToDestination.Add(1)
	// AWS counts an event that exhausted its retries as dropped, after
	// sending it to the destination.
	e.metric("AWS/Lambda", "AsyncEventsDropped", "FunctionName", f.Name)
	e.Log.Error("asynchronous invocation failed for good; record sent to the on-failure destination", "function", f.Name,
		"attempts", attempts, "error", err.Error(), "destination", f.Async.OnFailure)
	if f.Async.OnFailure == "" {
		e.Log.Error("function has no on-failure destination: event dropped", "function", f.Name)
		return
	}
	record := map[string]any{
		"version": "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{"requestId": uuid(), "functionArn": f.ARN + ":$LATEST",
			"condition": "RetriesExhausted", "approximateInvokeCount": attempts},
		"requestPayload":  json.RawMessage(input),
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		"responsePayload": map[string]any{"errorMessage": err.Error(), "errorType": errtype.Of(err)},
	}
	body, _ := json.Marshal(record)
	e.Queues.Send(f.Async.OnFailure, string(body), nil)
	e.queueDepth(f.Async.OnFailure)
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// metric writes one CloudWatch EMF line for a metric AWS itself would
// publish (AWS/Events for rules, AWS/Lambda for functions), so the run's
// metrics include the platform's and alarms can be evaluated on them.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
func (e *EventBridge) metric(namespace, name, dimKey, dimValue string) {
	e.metricValue(namespace, name, "Count", dimKey, dimValue, 1)
}

func (e *EventBridge) metricValue(namespace, name, unit, dimKey, dimValue string, value float64) {
	if e.Metrics == nil {
		return
	}
	q := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	// _aws first, as the telemetry layer's EMF lines have it.
	line := fmt.Sprintf(`{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":%s,"Dimensions":[[%s]],`+
		`"Metrics":[{"Name":%s,"Unit":%s}]}]},%s:%s,%s:%s,"level":"INFO"}`,
		time.Now().UnixMilli(), q(namespace), q(dimKey), q(name), q(unit), q(dimKey), q(dimValue), q(name), strconv.FormatFloat(value, 'f', -1, 64))
	e.metricsMu.Lock()
	defer e.metricsMu.Unlock()
	_, _ = io.WriteString(e.Metrics, line+"\n")
}

// queueDepth publishes a queue's depth as SQS's
// ApproximateNumberOfMessagesVisible (messages are never consumed locally).
func (e *EventBridge) queueDepth(id string) {
	name := id
	if q, ok := e.Top.Queues[id]; ok {
		name = q.Name
	}
	e.metricValue("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Count", "QueueName", name, float64(len(e.Queues.Messages(id))))
}

// newYork is where the schedule's cron runs.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// FireSchedule is EventBridge Scheduler firing schedule s at time at: it
// invokes the target function asynchronously with the schedule's Input,
// its context attributes filled in
// (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
func (e *EventBridge) FireSchedule(_ context.Context, s *topology.Schedule, at time.Time) error {
	f, ok := e.functions[s.Function]
	if !ok || f.handle == nil {
		return fmt.Errorf("schedule %s: target function %q is not registered", s.LogicalID, s.Function)
	}
	input := strings.NewReplacer(
		"<aws.scheduler.scheduled-time>", at.UTC().Format(time.RFC3339),
		"<aws.scheduler.execution-id>", uuid(),
		"<aws.scheduler.schedule-arn>", fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s", e.Top.Region, e.Top.Account, s.Name),
		"<aws.scheduler.attempt-number>", "1",
	).Replace(s.Input)
	e.inflight.Add(1)
	go e.invokeAsync(f, []byte(input))
	return nil
}

// Targets lists the functions (logical ids, sorted) the rules of bus
// would deliver raw to: how a routing test asks the emulator itself.
func (e *EventBridge) Targets(bus string, raw []byte) []string {
	var out []string
	for _, r := range e.rules {
		if r.Bus != bus {
			continue
		}
		if ok, err := r.pattern.Match(raw); err != nil || !ok {
			continue
		}
		for _, t := range r.Targets {
			if !slices.Contains(out, t.Function) {
				out = append(out, t.Function)
			}
		}
	}
	slices.Sort(out)
	return out
}
