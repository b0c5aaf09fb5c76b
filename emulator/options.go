package emulator

import (
	"context"
	"io"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// Option configures New.
type Option func(*config)

type config struct {
	dir           string
	clock         Clock
	throttleClock Clock
	duplicates    float64
	log           *slog.Logger
	metrics       io.Writer
	putFailure    func(source, detailType string) (code, msg string)
	beforePut     func(ctx context.Context, in *eventbridge.PutEventsInput)
	seed          *uint64
}

func newConfig(opts []Option) config {
	c := config{clock: ScaledClock{}, throttleClock: ScaledClock{Scale: 1}, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithDir keeps the queues (dir/queues/<name>.jsonl), the archives
// (dir/archive/<id>.jsonl) and the functions' log groups
// (dir/cloudwatch/<group>.jsonl, GroupFile) in files under dir. Without
// it queues and archives are kept in memory only and there are no log
// groups.
func WithDir(dir string) Option { return func(c *config) { c.dir = dir } }

// WithTimeScale waits d×scale for a wait of d (ScaledClock); 0, the
// default, does not wait at all.
func WithTimeScale(scale float64) Option {
	return func(c *config) { c.clock = ScaledClock{Scale: scale} }
}

// WithClock replaces the clock (and so WithTimeScale), and the throttle
// clock.
func WithClock(clock Clock) Option {
	return func(c *config) { c.clock, c.throttleClock = clock, clock }
}

// WithThrottleClock replaces the clock Lambda's backoff for throttled
// asynchronous events waits on: by default the real clock, unscaled
// (ScaledClock{Scale: 1}), because those waits race invocations that
// take real time; inside a testing/synctest bubble it is virtual.
func WithThrottleClock(clock Clock) Option { return func(c *config) { c.throttleClock = clock } }

// WithDuplicates delivers that share of the rules' deliveries twice, as
// EventBridge's at-least-once delivery may; 0 by default.
func WithDuplicates(share float64) Option { return func(c *config) { c.duplicates = share } }

// WithLogger receives what the bus and Lambda's asynchronous invocation
// did: retries, dead letters, dropped events. Discarded by default.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithMetrics receives the platform's metrics as EMF lines (AWS/Events,
// AWS/Lambda, AWS/SQS, AWS/Logs); none by default.
func WithMetrics(w io.Writer) Option { return func(c *config) { c.metrics = w } }

// WithPutFailure may fail a PutEvents entry with an error code and
// message, as AWS reports throttling or internal failures; f returns ""
// to accept it. It is called concurrently.
func WithPutFailure(f func(source, detailType string) (code, msg string)) Option {
	return func(c *config) { c.putFailure = f }
}

// WithBeforePut sees every PutEvents call first, with the caller's
// context (it may Crash the caller). It is called concurrently.
func WithBeforePut(f func(ctx context.Context, in *eventbridge.PutEventsInput)) Option {
	return func(c *config) { c.beforePut = f }
}

// WithSeed makes the retries' jitter and the duplicate choices repeatable
// for a seed; a fixed one by default.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = &seed } }
