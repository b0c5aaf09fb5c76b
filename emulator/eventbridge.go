package emulator

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/alchemiser/alchemiser/emulator/eventpattern"
	"github.com/alchemiser/alchemiser/internal/putevents"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Handler is a function's handler: the raw event in.
type Handler = func(ctx context.Context, raw json.RawMessage) error

// EventBridge is the emulated EventBridge, built from template.yaml: its
// buses, rules (with the same event patterns), targets with their retry
// policies and dead-letter queues, archives, and the functions'
// asynchronous invocation configs; EventBridge Scheduler's schedules; the
// SQS queues; the functions' CloudWatch log groups. It implements
// PutEvents, so the real publisher (app/bus/eventbridge) runs against it. See
// the package comment for what it does as AWS does, and what it does not.
//
// It is configured once, by New; its methods are safe for concurrent use.
type EventBridge struct {
	top   *topology.Topology
	clock Clock
	// throttleClock times Lambda's backoff for throttled events: it races
	// the invocations holding the slots, which run in real time, so it is
	// not compressed as the retry waits are (WithThrottleClock).
	throttleClock Clock
	duplicates    float64
	log           *slog.Logger
	queues        *Queues
	archive       *Archive
	groups        map[string]*LogGroup // by logical id; none without WithDir
	putFailure    func(source, detailType string) (code, msg string)
	beforePut     func(ctx context.Context, in *eventbridge.PutEventsInput)
	metrics       io.Writer

	rules     []compiledRule
	functions map[string]*function // by logical id
	rand      *mrand.Rand
	randMu    sync.Mutex
	inflight  sync.WaitGroup
	done      chan struct{} // closed by Stop
	stopOnce  sync.Once
	closed    chan struct{} // closed by Close: parked crashes exit
	closeOnce sync.Once
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
	Throttles                                          atomic.Int64 // invocations beyond a reserved concurrency
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
	slots       slots
}

// New builds the emulator for top. Every rule's and archive's pattern is
// compiled: a pattern AWS would reject is an error here too.
func New(top *topology.Topology, opts ...Option) (*EventBridge, error) {
	c := newConfig(opts)
	e := &EventBridge{top: top, clock: c.clock, throttleClock: c.throttleClock, duplicates: c.duplicates, log: c.log, metrics: c.metrics,
		putFailure: c.putFailure, beforePut: c.beforePut, groups: map[string]*LogGroup{},
		functions: map[string]*function{}, done: make(chan struct{}), closed: make(chan struct{}), rand: mrand.New(mrand.NewPCG(1, 2))}
	if c.seed != nil {
		e.rand = mrand.New(mrand.NewPCG(*c.seed, *c.seed^0x9e3779b97f4a7c15))
	}
	e.queues, e.archive = newQueues(top, subdir(c.dir, "queues"), e.clock), &Archive{dir: subdir(c.dir, "archive"), clock: e.clock}
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
	if err := e.archive.compile(top); err != nil {
		return nil, err
	}
	if c.dir != "" {
		if err := e.openLogGroups(c.dir); err != nil {
			return nil, errors.Join(err, e.Close())
		}
	}
	return e, nil
}

func subdir(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// openLogGroups opens every function's log group under dir.
func (e *EventBridge) openLogGroups(dir string) error {
	now := e.clock.Now()
	for id, f := range e.top.Functions {
		g, err := newLogGroup(dir, f, now, e.clock)
		if err != nil {
			return err
		}
		g.ingested = func(name string, bytes int) {
			e.metricValue("AWS/Logs", "IncomingBytes", "Bytes", "LogGroupName", name, float64(bytes))
		}
		e.groups[id] = g
	}
	return nil
}

// Topology is the template the emulator was built from.
func (e *EventBridge) Topology() *topology.Topology { return e.top }

// Queues are the template's SQS queues.
func (e *EventBridge) Queues() *Queues { return e.queues }

// Archive holds the template's archives' events.
func (e *EventBridge) Archive() *Archive { return e.archive }

// LogGroup is function id's (a logical id) log group: the function's
// output goes there, between Lambda's platform lines. Nil without WithDir.
func (e *EventBridge) LogGroup(id string) *LogGroup { return e.groups[id] }

// Register gives function id (a logical id of the template) its handler.
// Register every handler before the first event.
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
// It may be called at any time; deliveries after it see it.
func (e *EventBridge) SetUnavailable(id string, down bool) { e.functions[id].unavailable.Store(down) }

// Tap calls f with every event put on a bus from then on. f is called
// concurrently, before the event is routed.
func (e *EventBridge) Tap(f func(Delivered)) {
	e.tapMu.Lock()
	defer e.tapMu.Unlock()
	e.taps = append(e.taps, f)
}

// Wait blocks until nothing is in flight, including deliveries caused by
// deliveries and pending retries.
func (e *EventBridge) Wait() { e.inflight.Wait() }

// Stop ends every wait (retries then follow at once) and cancels the
// invocations in flight and later ones: what is in flight winds down
// quickly, without waiting out its retries. It is idempotent.
func (e *EventBridge) Stop() { e.stopOnce.Do(func() { close(e.done) }) }

// Close stops the emulator (Stop) and closes the log groups' files.
// Output written to a log group after Close is lost. Then the
// invocations Crash parked exit (runtime.Goexit: their deferred calls
// run, against whatever the caller has closed by then).
func (e *EventBridge) Close() error {
	e.Stop()
	var errs []error
	for _, g := range e.groups {
		errs = append(errs, g.Close())
	}
	e.closeOnce.Do(func() { close(e.closed) })
	return errors.Join(errs...)
}

// Stats returns the counters.
func (e *EventBridge) Stats() *Stats { return &e.stats }

// sleep waits d on the clock, or until Stop.
func (e *EventBridge) sleep(d time.Duration) { e.sleepOn(e.clock, d) }

// sleepOn waits d on clock, or until Stop.
func (e *EventBridge) sleepOn(clock Clock, d time.Duration) {
	ctx, cancel := e.lifetime(context.Background())
	defer cancel()
	_ = clock.Sleep(ctx, d)
}

// lifetime is ctx, cancelled by Stop too.
func (e *EventBridge) lifetime(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-e.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// PutEvents implements app/bus/eventbridge.PutEventsAPI with PutEvents' validation:
// at most 10 entries, each under 256 KB by AWS's size rule, a Source, a
// DetailType of at most 128 characters, a Detail that is a JSON object,
// and a bus of the template. Invalid entries fail one by one, as AWS
// reports them.
func (e *EventBridge) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	if e.beforePut != nil {
		e.beforePut(ctx, in)
	}
	if n := len(in.Entries); n == 0 || n > 10 {
		return nil, fmt.Errorf("ValidationException: 1 to 10 entries per PutEvents call, got %d", n)
	}
	total := 0
	for _, entry := range in.Entries {
		total += putevents.EntrySize(entry)
	}
	if total >= putevents.MaxEntrySize {
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
	case !validDetail(aws.ToString(entry.Detail)):
		return fail("MalformedDetail", "Detail is malformed.")
	case putevents.EntrySize(entry) >= putevents.MaxEntrySize:
		return fail("ValidationException", fmt.Sprintf("entry is %d bytes; the limit is 256 KB", putevents.EntrySize(entry)))
	}
	if e.putFailure != nil {
		if code, msg := e.putFailure(aws.ToString(entry.Source), aws.ToString(entry.DetailType)); code != "" {
			return fail(code, msg)
		}
	}
	t := e.clock.Now().UTC()
	if entry.Time != nil {
		t = entry.Time.UTC()
	}
	env := map[string]any{
		"version": "0", "id": uuid(), "detail-type": aws.ToString(entry.DetailType), "source": aws.ToString(entry.Source),
		"account": e.top.Account, "time": t.Format(time.RFC3339), "region": e.top.Region,
		"resources": append([]string{}, entry.Resources...), "detail": json.RawMessage(aws.ToString(entry.Detail)),
	}
	raw, _ := json.Marshal(env)
	e.put(busID, raw, env["id"].(string))
	return types.PutEventsResultEntry{EventId: aws.String(env["id"].(string))}
}

// Inject puts a raw event on bus (a logical id) as if a producer had,
// bypassing PutEvents' validation (a poison event); id is its event id,
// for the logs.
func (e *EventBridge) Inject(bus string, raw []byte, id string) { e.put(bus, raw, id) }

// busOf finds a bus by name or ARN ("" is the default bus).
func (e *EventBridge) busOf(name string) (string, bool) {
	if name == "" || name == "default" {
		return "default", true
	}
	for id, b := range e.top.Buses {
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
	if !isReplay(raw) {
		e.archive.add(bus, raw)
	}
	e.route(bus, raw, id)
}

// validDetail is PutEvents' check of a Detail: a JSON object, valid JSON
// (RFC 8259) in full and so UTF-8 (encoding/json's Valid lets invalid
// UTF-8 through), as the rules' matcher reads it.
func validDetail(d string) bool {
	return json.Valid([]byte(d)) && utf8.ValidString(d) && strings.HasPrefix(strings.TrimSpace(d), "{")
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
		// raw is an envelope put built (json.Marshal of a map, around a
		// Detail PutEvents checked), so the lazy match is enough.
		ok, err := r.pattern.MatchValid(raw)
		if err != nil || !ok {
			continue
		}
		matched = true
		e.metric("AWS/Events", "MatchedEvents", "RuleName", r.Name)
		for _, t := range r.Targets {
			n := 1
			if e.chance(e.duplicates) {
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
	input, err := transform(t, r.Rule, raw, e.clock.Now())
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
			go e.invokeAsync(f, t.ARN, input)
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
		e.log.Warn("target invocation failed; retrying", "rule", r.Name, "target", t.ID, "event_id", id,
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
	case f.unavailable.Load(): // Lambda names the ARN invoked: the target's, an alias's
		return "ResourceNotFoundException", fmt.Sprintf("Function not found: %s", t.ARN)
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

func (e *EventBridge) toDLQ(r compiledRule, t topology.Target, raw []byte, id, code, msg string, attempts int) {
	e.stats.InvocationsToDLQ.Add(1)
	e.metric("AWS/Events", "InvocationsSentToDLQ", "RuleName", r.Name)
	e.log.Error("event sent to the target's dead-letter queue", "rule", r.Name, "target", t.ID, "event_id", id,
		"attempts", attempts, "error_code", code, "error", msg, "queue", t.DLQ)
	if t.DLQ == "" {
		e.log.Error("target has no dead-letter queue: event dropped", "rule", r.Name, "target", t.ID, "event_id", id)
		return
	}
	defer e.queueDepth(t.DLQ)
	e.queues.Send(t.DLQ, string(raw), map[string]string{
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

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
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
