package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	ebpub "github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// AWSConfig configures the aws target.
type AWSConfig struct {
	EventBus        string // the deployed bus: the stack's BusName output (a name or an ARN)
	ResultsQueueURL string // the stack's LoadTestResultsQueueUrl output (EnableLoadTest=true)
	Region          string // the SDK's default chain when empty
	// EventBridgeEndpoint and SQSEndpoint replace the services' endpoints
	// (a stand-in, LocalStack); AWS's when empty.
	EventBridgeEndpoint, SQSEndpoint string
	// Credentials replace the SDK's default credential chain when set.
	Credentials aws.CredentialsProvider
	// Trigger is the WorkflowStarted trigger; "loadtest" when empty.
	Trigger string
	// Receivers are the concurrent long polls of the results queue; 2
	// when zero. Each takes up to 10 messages a call.
	Receivers int
	// WaitTime is each poll's long-polling wait, whole seconds, 1 to 20;
	// 20 (SQS's maximum) when zero.
	WaitTime time.Duration
	Now      func() time.Time // time.Now when nil
}

// AWS is the aws target: the deployed stack. Start puts a WorkflowStarted
// on the bus with PutEvents, built as the scheduler function builds it
// (source alchemiser.scheduler, a new ULID as event and correlation id,
// trigger loadtest, the trading date of the arrival's intended time in New
// York), through the same publisher (app/bus). Ends come from the results
// queue, which template.yaml's LoadTestResultsRule (EnableLoadTest=true)
// fills with every WorkflowCompleted and WorkflowFailed: terminal events do
// not carry the trigger, so the queue also receives other workflows' ends,
// which are consumed and ignored.
//
// A message is consumed (deleted) once read as a terminal event, whether
// of a started workflow, a repeat (EventBridge delivers at least once) or
// another workflow. A message that is not a terminal event is left in the
// queue for inspection and counted once in MalformedResults. A detail that
// was claim-checked (over 256 KB) carries only its metadata: its Orders
// is 0.
//
// Close's stats are only what the harness itself can count without
// reading CloudWatch: EventsPublished (the WorkflowStarted entries it put)
// and MalformedResults. The rest (DLQ depths, duplicate orders and
// notifications, invocations, GB-seconds, log bytes, metrics, DynamoDB
// requests) are listed in Unmeasured: thresholds on them are not measured
// and the cost is unknown; read them from CloudWatch for the run's window.
type AWS struct {
	cfg    AWSConfig
	pub    bus.Publisher
	queue  sqsAPI
	ids    *events.IDs
	newYrk *time.Location
	ends   *outcomes

	published atomic.Int64
	cancel    context.CancelFunc
	pollers   sync.WaitGroup

	mu        sync.Mutex
	malformed map[string]error // by message id
	errs      []repeatedErr    // distinct receive and delete failures, at most maxErrs
	nErrs     int              // all of them
}

var _ Target = (*AWS)(nil)

// sqsAPI is the part of the SQS client the aws target uses.
type sqsAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// NewAWS builds the SDK clients and starts polling the results queue.
func NewAWS(ctx context.Context, cfg AWSConfig) (*AWS, error) {
	if cfg.EventBus == "" || cfg.ResultsQueueURL == "" {
		return nil, errors.New("could not start the aws target: the event bus and the results queue URL are required")
	}
	if err := fillAWSDefaults(&cfg); err != nil {
		return nil, err
	}
	sdk, err := loadAWSConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	eb := eventbridge.NewFromConfig(sdk, func(o *eventbridge.Options) {
		if cfg.EventBridgeEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.EventBridgeEndpoint)
		}
	})
	q := sqs.NewFromConfig(sdk, func(o *sqs.Options) {
		if cfg.SQSEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.SQSEndpoint)
		}
	})
	return newAWS(cfg, ebpub.New(eb, cfg.EventBus, events.Source("scheduler")), q)
}

func fillAWSDefaults(cfg *AWSConfig) error {
	if cfg.Trigger == "" {
		cfg.Trigger = "loadtest"
	}
	if cfg.Receivers <= 0 {
		cfg.Receivers = 2
	}
	if cfg.WaitTime == 0 {
		cfg.WaitTime = 20 * time.Second
	}
	if cfg.WaitTime < time.Second || cfg.WaitTime > 20*time.Second {
		return fmt.Errorf("could not start the aws target: wait time %s is not 1 to 20 s", cfg.WaitTime)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return nil
}

func loadAWSConfig(ctx context.Context, cfg AWSConfig) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	sdk, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("could not load the AWS configuration: %w", err)
	}
	return sdk, nil
}

// newAWS starts the target over the given publisher and queue client.
func newAWS(cfg AWSConfig, pub bus.Publisher, queue sqsAPI) (*AWS, error) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil, fmt.Errorf("could not load the schedule's time zone: %w", err)
	}
	ids := events.DefaultIDs()
	ids.SetClock(cfg.Now)
	a := &AWS{cfg: cfg, pub: pub, queue: queue, ids: ids, newYrk: loc, ends: newOutcomes(), malformed: map[string]error{}}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	for range cfg.Receivers {
		a.pollers.Go(func() { a.poll(ctx) })
	}
	return a, nil
}

// Name implements Target.
func (a *AWS) Name() string { return "aws" }

// Start implements Target. The id is registered before the event is put,
// so its end cannot arrive first.
func (a *AWS) Start(ctx context.Context, arr Arrival) (string, error) {
	now := a.cfg.Now()
	id := a.ids.New()
	scheduled := arr.Intended
	if scheduled.IsZero() {
		scheduled = now
	}
	ev := &events.WorkflowStarted{Metadata: events.Root(id, now), Trigger: a.cfg.Trigger,
		Workflow: events.Workflow{TradingDate: scheduled.In(a.newYrk).Format(time.DateOnly), StartedAt: now}}
	a.ends.started(id)
	if err := a.pub.Publish(ctx, ev); err != nil {
		return "", fmt.Errorf("could not put WorkflowStarted: %w", err)
	}
	a.published.Add(1)
	return id, nil
}

// Ends implements Target. Close closes the channel.
func (a *AWS) Ends() <-chan Outcome { return a.ends.out }

// poll long-polls the results queue until ctx ends.
func (a *AWS) poll(ctx context.Context) {
	for ctx.Err() == nil {
		out, err := a.queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(a.cfg.ResultsQueueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: int32(a.cfg.WaitTime / time.Second)})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			a.fail(fmt.Errorf("could not receive results: %w", err))
			sleep(ctx, time.Second) // the SDK has retried; do not spin
			continue
		}
		a.consume(out.Messages)
	}
}

// consume turns messages into outcomes and deletes the terminal events.
func (a *AWS) consume(msgs []types.Message) {
	var del []types.DeleteMessageBatchRequestEntry
	for _, m := range msgs {
		o, err := parseResult(aws.ToString(m.Body))
		if err != nil {
			a.reject(aws.ToString(m.MessageId), err)
			continue
		}
		a.ends.ended(o)
		del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(len(del))), ReceiptHandle: m.ReceiptHandle})
	}
	if len(del) > 0 {
		a.delete(del)
	}
}

// deleteTimeout bounds a deletion, which outlives Close's cancellation:
// a message consumed must not come back.
const deleteTimeout = 10 * time.Second

func (a *AWS) delete(entries []types.DeleteMessageBatchRequestEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), deleteTimeout)
	defer cancel()
	out, err := a.queue.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(a.cfg.ResultsQueueURL), Entries: entries})
	if err != nil {
		a.fail(fmt.Errorf("could not delete %d results: %w", len(entries), err))
		return
	}
	for _, f := range out.Failed {
		a.fail(fmt.Errorf("could not delete result %s: %s: %s", aws.ToString(f.Id), aws.ToString(f.Code), aws.ToString(f.Message)))
	}
}

func (a *AWS) reject(messageID string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, seen := a.malformed[messageID]; !seen {
		a.malformed[messageID] = err
	}
}

// maxErrs bounds the distinct errors Close reports (the rest are
// counted).
const maxErrs = 5

// fail records a receive or delete failure. A poll that fails every
// second fails the same way each time: each distinct message is kept once,
// with how often it happened.
func (a *AWS) fail(err error) {
	msg := requestID.ReplaceAllString(err.Error(), "")
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nErrs++
	for i := range a.errs {
		if a.errs[i].msg == msg {
			a.errs[i].n++
			return
		}
	}
	if len(a.errs) < maxErrs {
		a.errs = append(a.errs, repeatedErr{msg: msg, err: err, n: 1})
	}
}

// requestID is the request id the SDK puts in an error's message: the
// same failure has a new one every time.
var requestID = regexp.MustCompile(`RequestID: [^,\s]*,? ?`)

// repeatedErr is an error that happened n times.
type repeatedErr struct {
	msg string
	err error
	n   int
}

func (e repeatedErr) Error() string {
	if e.n == 1 {
		return e.msg
	}
	return fmt.Sprintf("%s (%d times)", e.msg, e.n)
}

func (e repeatedErr) Unwrap() error { return e.err }

// Close implements Target: it stops polling (a poll in flight is
// abandoned; deletions in flight finish), closes Ends and reports what
// the harness counted. Its error joins the receive and delete failures.
func (a *AWS) Close(ctx context.Context) (TargetStats, error) {
	a.cancel()
	stopped := make(chan struct{})
	go func() { a.pollers.Wait(); close(stopped) }()
	var waitErr error
	select {
	case <-stopped:
	case <-ctx.Done():
		waitErr = fmt.Errorf("could not stop polling the results queue: %w", ctx.Err())
	}
	a.ends.close()
	a.mu.Lock()
	defer a.mu.Unlock()
	st := TargetStats{EventsPublished: int(a.published.Load()), MalformedResults: len(a.malformed), Unmeasured: awsUnmeasured()}
	errs, kept := []error{waitErr}, 0
	for _, e := range a.errs {
		errs, kept = append(errs, e), kept+e.n
	}
	if a.nErrs > kept {
		errs = append(errs, fmt.Errorf("and %d more results-queue errors", a.nErrs-kept))
	}
	return st, errors.Join(errs...)
}

// awsUnmeasured are the stats the aws target does not count.
func awsUnmeasured() []string {
	return []string{StatDLQ, StatDuplicateOrders, StatDuplicateNotifications, StatInvocations, StatLambdaGBSeconds,
		StatLogBytes, StatCustomMetrics, StatDynamoDBRequests}
}

// Malformed returns why each malformed results message was rejected, by
// message id.
func (a *AWS) Malformed() map[string]error {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]error, len(a.malformed))
	for k, v := range a.malformed {
		out[k] = v
	}
	return out
}

// errMalformedResult is the cause of every parseResult error.
var errMalformedResult = errors.New("not a terminal workflow event")

// parseResult reads a results-queue message: the EventBridge event a rule
// target delivers, whose detail is a WorkflowCompleted or WorkflowFailed.
// Fields beyond those read are ignored, so a newer MINOR schema still
// parses.
func parseResult(body string) (Outcome, error) {
	var env struct {
		Version    string `json:"version"`
		DetailType string `json:"detail-type"`
		Source     string `json:"source"`
		Detail     *struct {
			Metadata struct {
				CorrelationID string    `json:"correlation_id"`
				OccurredAt    time.Time `json:"occurred_at"`
			} `json:"metadata"`
			Submitted int `json:"orders_submitted"`
		} `json:"detail"`
	}
	bad := func(format string, args ...any) (Outcome, error) {
		return Outcome{}, fmt.Errorf("%w: "+format, append([]any{errMalformedResult}, args...)...)
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		return bad("%v", err)
	}
	o := Outcome{}
	switch env.DetailType {
	case events.TypeWorkflowCompleted:
		o.Status = StatusCompleted
	case events.TypeWorkflowFailed:
		o.Status = StatusFailed
	default:
		return bad("detail-type %q", env.DetailType)
	}
	switch {
	case env.Version != "0":
		return bad("envelope version %q", env.Version)
	case !strings.HasPrefix(env.Source, events.SourcePrefix):
		return bad("source %q", env.Source)
	case env.Detail == nil || env.Detail.Metadata.CorrelationID == "":
		return bad("no detail.metadata.correlation_id")
	case env.Detail.Metadata.OccurredAt.IsZero():
		return bad("no detail.metadata.occurred_at")
	}
	o.CorrelationID, o.Ended, o.Orders = env.Detail.Metadata.CorrelationID, env.Detail.Metadata.OccurredAt, env.Detail.Submitted
	return o, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
