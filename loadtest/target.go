package loadtest

import (
	"context"
	"time"
)

// Arrival is one workflow start the open model schedules: its intended
// start is fixed before the run, independently of how the system responds.
type Arrival struct {
	Seq      int       // 0, 1, ... in intended order
	Intended time.Time // when the workflow is meant to start
	Phase    string    // the profile phase that scheduled it
}

// Outcome is how one workflow ended, as the target observed it.
type Outcome struct {
	CorrelationID string
	Status        string    // completed or failed
	Ended         time.Time // when the terminal event (WorkflowCompleted/WorkflowFailed) occurred
	Orders        int       // orders submitted
}

// TargetStats are what the target counted over the run, for thresholds
// and the cost estimate.
type TargetStats struct {
	DeadLettered           int     `json:"dead_lettered"`           // messages in both kinds of DLQ
	DuplicateOrders        int     `json:"duplicate_orders"`        // client order ids the exchange saw twice
	DuplicateNotifications int     `json:"duplicate_notifications"` // notifications sent twice for one workflow
	Invocations            int     `json:"invocations"`             // Lambda invocations
	LambdaGBSeconds        float64 `json:"lambda_gb_seconds"`       // billed duration × memory
	EventsPublished        int     `json:"events_published"`        // PutEvents entries (custom events)
	LogBytes               int64   `json:"log_bytes"`               // bytes ingested by CloudWatch Logs
	CustomMetricValues     int     `json:"custom_metric_values"`    // EMF metric values
	CustomMetrics          int     `json:"custom_metrics"`          // distinct metric name + dimension sets
	CustomMetricHours      int     `json:"custom_metric_hours"`     // distinct (metric, UTC clock hour) pairs with a value: what CloudWatch bills; 0 if not counted
	DynamoDBRequests       int     `json:"dynamodb_requests"`       // idempotency and ledger reads and writes
	RunDir                 string  `json:"run_dir,omitempty"`       // local target: the run directory

	// DuplicateOrderAttempts are order submissions the exchange refused
	// because it already had their client order id: idempotent retries
	// that placed nothing (local target).
	DuplicateOrderAttempts int `json:"duplicate_order_attempts,omitempty"`
	// MalformedResults are results-queue messages that were not a
	// terminal event (aws target): left in the queue, counted once each.
	MalformedResults int `json:"malformed_results,omitempty"`

	// WatchdogChecks are the watchdog schedule's firings during the run
	// (local target).
	WatchdogChecks int `json:"watchdog_checks,omitempty"`
	// Queueing is what reserved concurrency did to the functions that
	// reserve some (local target): the queueing the deployed stack has.
	Queueing []Queueing `json:"queueing,omitempty"`
	// Unmeasured are the stats the target cannot count (Stat*): a
	// threshold on one is reported not measured and fails the run unless
	// skipped; a cost line priced from one is unknown.
	Unmeasured []string `json:"unmeasured,omitempty"`
}

// The names of TargetStats a target may list as Unmeasured: the
// thresholds' count metrics and the cost's quantities.
const (
	StatDLQ                    = "dlq"
	StatDuplicateOrders        = "duplicate_orders"
	StatDuplicateNotifications = "duplicate_notifications"
	StatInvocations            = "invocations"
	StatLambdaGBSeconds        = "lambda_gb_seconds"
	StatEventsPublished        = "events_published"
	StatLogBytes               = "log_bytes"
	StatCustomMetrics          = "custom_metrics"
	StatDynamoDBRequests       = "dynamodb_requests"
)

// Queueing is one function's throttling over a run: Lambda throttles an
// invocation beyond the function's reserved concurrency and keeps an
// asynchronous event queued, retrying it with backoff.
type Queueing struct {
	Function            string `json:"function"` // the template's name, e.g. execution
	ReservedConcurrency int    `json:"reserved_concurrency"`
	Throttles           int    `json:"throttles"`   // throttled invocation attempts
	Invocations         int    `json:"invocations"` // asynchronous invocations that ran
	Queued              int    `json:"queued"`      // of those, how many were throttled first
	// QueuedMs is the time the invocations that ran spent queued (0 for
	// one that ran at once), as Lambda's backoff would have it.
	QueuedMs Summary `json:"queued_ms"`
	Expired  int     `json:"expired"` // events whose age ran out while queued: the on-failure destination
	Peak     int     `json:"peak"`    // most invocations at once
}

// Target starts workflows and observes their ends. Start must return
// quickly: a workflow runs asynchronously, and the executor never waits
// for one before starting the next.
type Target interface {
	// Name is "local", "aws" or "noop".
	Name() string
	// Start starts the workflow of arrival a and returns its correlation id.
	Start(ctx context.Context, a Arrival) (correlationID string, err error)
	// Ends delivers each started workflow's outcome once, as observed.
	Ends() <-chan Outcome
	// Close stops the target once the executor has what it waits for (or
	// gave up), and reports its counts.
	Close(ctx context.Context) (TargetStats, error)
}
