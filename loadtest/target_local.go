package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/emulator"
)

// LocalConfig configures the local target.
type LocalConfig struct {
	// RunDir is the stack's run directory (created; must not exist); a
	// new directory under OutDir when empty.
	RunDir string
	OutDir string // "runs" when empty
	Seed   uint64
	// Day is the session every workflow trades; the data set's last when
	// zero.
	Day time.Time
	// Trigger is the scheduler input's trigger; "loadtest" when empty
	// (it bypasses the one-workflow-per-date ledger).
	Trigger string
	// The paper exchange's faults: latency added to every broker request,
	// and HTTP statuses answered instead, by probability (e.g. {500: 0.1}),
	// on the request paths starting with BrokerPaths (all when empty).
	BrokerLatency    time.Duration
	BrokerErrorRates map[int]float64
	BrokerPaths      []string
	Duplicates       float64 // share of EventBridge deliveries made twice
	// TimeScale compresses retry waits; local.DefaultTimeScale (Lambda's
	// 1 and 2 minute retries take 100 and 200 ms) when zero. With
	// Duplicates, a second copy that finds the first still holding its
	// idempotency key is retried by Lambda; compressed retries can run out
	// before the first copy ends, and its record is then dead-lettered.
	TimeScale float64
	// SharedAccount trades every workflow on one paper account, as in
	// production; by default each workflow has its own (see
	// localStackConfig.SharedAccount for why).
	SharedAccount bool
	// Network is the paper exchange's network (local.WithNetwork);
	// 127.0.0.1 when nil.
	Network local.Network
	// ExecutionConcurrency replaces the template's
	// ExecutionReservedConcurrency (0 reserves none); the template's (1)
	// when nil.
	ExecutionConcurrency *int
	// Watchdog fires the template's watchdog schedule at the run's start
	// and then at this interval until Close; never when 0.
	Watchdog time.Duration
}

// WithProfile is c with what profile p asks of the stack: its broker's
// latency and error rates, its redeliveries, its execution concurrency,
// and its watchdog's interval under the multiplier.
func (c LocalConfig) WithProfile(p *Profile) LocalConfig {
	c.BrokerLatency, c.BrokerErrorRates = p.Broker.Latency, p.Broker.ErrorRates
	c.Duplicates, c.ExecutionConcurrency = p.Redeliveries, p.ExecutionConcurrency
	if p.Watchdog > 0 {
		c.Watchdog = time.Duration(float64(p.Watchdog) / p.multiplier())
	}
	return c
}

// Local is the local target: the embedded stack (app/local) in this
// process. Start invokes the scheduler function as EventBridge Scheduler
// would, with trigger loadtest, and returns once WorkflowStarted is
// published; the workflow then runs asynchronously. Ends are the
// WorkflowCompleted and WorkflowFailed events seen on the bus. Every
// workflow trades the same session, each on its own paper account unless
// SharedAccount.
//
// Close's stats are all counted from what the stack recorded, none
// estimated:
//
//   - DeadLettered: messages in the EventsDLQ and the on-failure
//     destination (FailedInvocationsQueue);
//
//   - DuplicateOrders: accepted orders beyond the first for one order of
//     one workflow (a client order id accepted twice, or a workflow's
//     symbol and side accepted under two client order ids, i.e. a second
//     plan traded); DuplicateOrderAttempts: order POSTs the exchange
//     refused as a known client order id (idempotent retries, harmless);
//
//   - DuplicateNotifications: outbox notifications beyond the first per
//     correlation id (the outbox itself refuses a repeat of one status);
//
//   - Invocations, LambdaGBSeconds: the REPORT lines of cloudwatch/*.jsonl,
//     billed duration × the template's memory size;
//
//   - EventsPublished: PutEvents entries the emulated bus accepted;
//
//   - LogBytes: message bytes of cloudwatch/*.jsonl;
//
//   - CustomMetricValues, CustomMetrics, CustomMetricHours: EMF and metric
//     filter points (alarms.RunMetrics) outside the AWS/ namespaces;
//
//   - DynamoDBRequests: idempotency store operations, counted by a wrapper
//     as the DynamoDB store (app/idempotency/dynamodb) would issue them.
//
//   - Queueing: the emulator's throttles and queued times of every
//     function with reserved concurrency (the execution function's
//     ExecutionReservedConcurrency, 1 by default, or the profile's
//     execution_concurrency): executions queue behind each other as in
//     AWS, on Lambda's backoff for throttled events, in real time.
//
// Limits: concurrent workflows share one process, so one executor and one
// circuit breaker where Lambda has one per environment.
type Local struct {
	stack    *localStack
	at       time.Time // the schedule's time on the session: 09:35 New York
	trigger  string
	ends     *outcomes
	watchdog *watchdog
}

var _ Target = (*Local)(nil)

// NewLocal starts the local stack.
func NewLocal(ctx context.Context, cfg LocalConfig) (*Local, error) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, fmt.Errorf("could not load the schedule's time zone: %w", err)
	}
	dir, err := localRunDir(cfg)
	if err != nil {
		return nil, err
	}
	s, err := newLocalStack(ctx, localStackConfig{RunDir: dir, Day: cfg.Day, Seed: cfg.Seed, TimeScale: cfg.TimeScale,
		Duplicates: cfg.Duplicates, SharedAccount: cfg.SharedAccount, Network: cfg.Network, ExecutionConcurrency: cfg.ExecutionConcurrency,
		Faults: paper.Faults{Latency: cfg.BrokerLatency, ErrorRates: cfg.BrokerErrorRates, Paths: cfg.BrokerPaths}})
	if err != nil {
		return nil, fmt.Errorf("could not start the local stack: %w", err)
	}
	if cfg.Trigger == "" {
		cfg.Trigger = "loadtest"
	}
	day := s.Exchange.Day()
	l := &Local{stack: s, trigger: cfg.Trigger, ends: newOutcomes(),
		at: time.Date(day.Year(), day.Month(), day.Day(), 9, 35, 0, 0, newYork)}
	s.Bus.Tap(l.record)
	if cfg.Watchdog > 0 {
		if l.watchdog, err = startWatchdog(s.Stack, l.at, cfg.Watchdog); err != nil {
			return nil, errors.Join(err, s.Close(ctx))
		}
	}
	return l, nil
}

func localRunDir(cfg LocalConfig) (string, error) {
	if cfg.RunDir != "" {
		return cfg.RunDir, nil
	}
	out := cfg.OutDir
	if out == "" {
		out = "runs"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("could not create %s: %w", out, err)
	}
	return filepath.Join(out, fmt.Sprintf("%s-loadtest-seed%d", time.Now().UTC().Format("20060102T150405.000Z"), cfg.Seed)), nil
}

// Name implements Target.
func (l *Local) Name() string { return "local" }

// Start implements Target. The scheduled time is the session's 09:35 New
// York plus a.Seq nanoseconds, so each start has its own.
func (l *Local) Start(ctx context.Context, a Arrival) (string, error) {
	id, err := l.stack.startWorkflow(ctx, l.at.Add(time.Duration(a.Seq)), l.trigger)
	if err != nil {
		return "", err
	}
	l.ends.started(id)
	return id, nil
}

// Ends implements Target. Close closes the channel.
func (l *Local) Ends() <-chan Outcome { return l.ends.out }

// record is the bus tap: terminal events become outcomes, read as the
// aws target reads them from its queue (parseResult); the bus's other
// events are not.
func (l *Local) record(d emulator.Delivered) {
	if o, err := parseResult(string(d.Event)); err == nil {
		l.ends.ended(o)
	}
}

// Close implements Target: it waits for everything in flight (retries
// included) or ctx, stops the stack, and counts. The run directory is
// kept.
func (l *Local) Close(ctx context.Context) (TargetStats, error) {
	checks := l.watchdog.stop()
	closeErr := l.stack.Close(ctx)
	l.ends.close()
	st, statsErr := l.stats()
	st.WatchdogChecks = checks
	return st, errors.Join(closeErr, statsErr)
}

// stats counts what the stack recorded; see TargetStats.
func (l *Local) stats() (TargetStats, error) {
	s := l.stack
	c := s.counts()
	st := TargetStats{DeadLettered: s.Queues.Count(), DuplicateOrders: c.DuplicateOrders, DuplicateOrderAttempts: int(c.DuplicateOrderPosts),
		EventsPublished: int(s.Bus.Stats().Events.Load()), DynamoDBRequests: int(c.StoreRequests), RunDir: s.Dir}
	u, uerr := emulator.ReadUsage(s.Dir)
	st.Invocations, st.LambdaGBSeconds, st.LogBytes = u.Invocations, u.GBSeconds, u.LogBytes
	points, merr := alarms.RunMetrics(s.Dir)
	st.CustomMetricValues, st.CustomMetrics, st.CustomMetricHours = customMetrics(points)
	st.Queueing = queueing(s.Bus, s.Top)
	var nerr error
	st.DuplicateNotifications, nerr = duplicateNotifications(s.Outbox)
	return st, errors.Join(uerr, merr, nerr)
}

// customMetrics counts the values, the distinct metrics (namespace, name
// and one dimension set with its values: CloudWatch keeps each set of an
// EMF line as its own metric) and the distinct (metric, UTC clock hour)
// pairs, outside the AWS/ namespaces the platform publishes for free.
func customMetrics(points []cwalarm.EMFPoint) (values, metrics, hours int) {
	seen, perHour := map[string]bool{}, map[string]bool{}
	for _, p := range points {
		if strings.HasPrefix(p.Namespace, "AWS/") {
			continue
		}
		sets := p.Sets
		if len(sets) == 0 {
			sets = [][]string{nil}
		}
		for _, set := range sets {
			values += len(p.Values)
			key := p.Namespace + "\x00" + p.Name
			for _, k := range set {
				key += "\x00" + k + "=" + p.Dims[k]
			}
			seen[key] = true
			perHour[key+"\x00"+p.At.UTC().Truncate(time.Hour).Format(time.RFC3339)] = true
		}
	}
	return values, len(seen), len(perHour)
}

// duplicateNotifications counts notifications beyond the first per
// workflow in the outbox. The outbox refuses a second message with the
// same key (correlation id and status), so a duplicate is a workflow
// notified with two statuses, e.g. failed and then completed.
func duplicateNotifications(o *notify.Outbox) (int, error) {
	keys, err := o.Keys()
	if err != nil {
		return 0, fmt.Errorf("could not list the outbox: %w", err)
	}
	per := map[string]int{}
	for _, k := range keys {
		i := strings.LastIndexByte(k, '-')
		if i < 0 {
			continue
		}
		if _, ok := events.IDTime(k[:i]); ok { // a workflow's, not an alarm's
			per[k[:i]]++
		}
	}
	n := 0
	for _, c := range per {
		n += max(c-1, 0)
	}
	return n, nil
}

// outcomes delivers each started workflow's outcome once, as both targets
// observe them, without ever blocking the observer (the bus tap, the
// queue poller): ends wait in a queue until the executor reads them, and
// an end seen before Start returned its id waits for the id.
type outcomes struct {
	out  chan Outcome
	wake chan struct{} // a queued outcome (capacity 1)
	stop chan struct{}
	gone chan struct{} // the forwarder returned
	once sync.Once

	mu      sync.Mutex
	isOurs  map[string]bool    // ids Start returned
	early   map[string]Outcome // ends of ids not (yet) returned by Start
	settled map[string]bool    // ids whose outcome was queued
	queue   []Outcome
}

func newOutcomes() *outcomes {
	o := &outcomes{out: make(chan Outcome), wake: make(chan struct{}, 1), stop: make(chan struct{}), gone: make(chan struct{}),
		isOurs: map[string]bool{}, early: map[string]Outcome{}, settled: map[string]bool{}}
	go o.forward()
	return o
}

// started records an id Start returns, releasing its end if it came first.
func (o *outcomes) started(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.isOurs[id] = true
	if oc, ok := o.early[id]; ok {
		delete(o.early, id)
		o.push(oc)
	}
}

// ended records an observed end; it reports false for a repeat (an
// at-least-once duplicate, or a second terminal event).
func (o *outcomes) ended(oc Outcome) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.settled[oc.CorrelationID] {
		return false
	}
	if !o.isOurs[oc.CorrelationID] {
		if _, dup := o.early[oc.CorrelationID]; dup {
			return false
		}
		o.early[oc.CorrelationID] = oc
		return true
	}
	o.push(oc)
	return true
}

// push queues oc; called with o.mu held.
func (o *outcomes) push(oc Outcome) {
	o.settled[oc.CorrelationID] = true
	o.queue = append(o.queue, oc)
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// forward hands queued outcomes to the reader until close.
func (o *outcomes) forward() {
	defer close(o.gone)
	defer close(o.out)
	for {
		o.mu.Lock()
		q := o.queue
		o.queue = nil
		o.mu.Unlock()
		for _, oc := range q {
			select {
			case o.out <- oc:
			case <-o.stop:
				return
			}
		}
		select {
		case <-o.wake:
		case <-o.stop:
			return
		}
	}
}

// close stops delivery (outcomes not yet read are dropped) and closes out.
func (o *outcomes) close() {
	o.once.Do(func() { close(o.stop) })
	<-o.gone
}
