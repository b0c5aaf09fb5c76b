// Package metrics declares the workflow's business metrics once (the
// catalogue) and records them through the OpenTelemetry metric API; the
// telemetry layer publishes them as CloudWatch EMF. catalogue.json and
// docs/metrics.md are generated from All by `go generate`; a test fails on
// drift.
package metrics

import "github.com/alchemiser/alchemiser/telemetry"

//go:generate go run ./internal/gencatalogue

// Namespace is the CloudWatch namespace of every metric.
const Namespace = "Alchemiser"

// Business metric names.
const (
	WorkflowsStarted    = "WorkflowsStarted"
	WorkflowsCompleted  = "WorkflowsCompleted"
	WorkflowsFailed     = "WorkflowsFailed"
	WorkflowDuration    = "WorkflowDuration"
	EventsPublished     = "EventsPublished"
	PublishFailures     = "PublishFailures"
	EventPayloadBytes   = "EventPayloadBytes"
	OrdersSubmitted     = "OrdersSubmitted"
	OrdersFilled        = "OrdersFilled"
	OrdersRejected      = "OrdersRejected"
	OrdersCanceled      = "OrdersCanceled"
	BrokerLatency       = "BrokerLatency"
	BrokerErrors        = "BrokerErrors"
	BreakerStateChanges = "BreakerStateChanges"
	DuplicateEvents     = "DuplicateEvents"
	PublishRetries      = "PublishRetries"
	ClaimChecks         = "ClaimChecks"
	WorkflowsNotStarted = "WorkflowsNotStarted"
	WorkflowsStuck      = "WorkflowsStuck"
	// ErrorBudgetRemaining is alarms.BudgetMetric.
	ErrorBudgetRemaining = "ErrorBudgetRemaining"
)

// Business is the workflow's own metrics.
var Business = telemetry.Catalogue{
	{Name: WorkflowsStarted, Unit: "{workflow}", Kind: telemetry.Counter, Dimensions: []string{"function"},
		Description: "Workflows whose WorkflowStarted reached the strategy function.", HappyPath: true},
	{Name: WorkflowsCompleted, Unit: "{workflow}", Kind: telemetry.Counter, Dimensions: []string{"function", "outcome"},
		Description: "Workflows that ended in WorkflowCompleted (outcome rebalanced, no_trades, halted (the kill switch), stale_skipped (a redriven or replayed event of another session), market_closed when the scheduler found the market closed (a weekend, an exchange holiday, outside the session), or verified (dry run) for alchemiser verify --trigger), counted by notifications.", HappyPath: true},
	{Name: WorkflowsFailed, Unit: "{workflow}", Kind: telemetry.Counter, Dimensions: []string{"function", "step"},
		Description: "Workflows that ended in WorkflowFailed, by the step that failed, counted by notifications."},
	{Name: WorkflowDuration, Unit: "ms", Kind: telemetry.Histogram, Dimensions: []string{"function", "status"},
		Description: "End-to-end time from WorkflowStarted to the terminal event (status completed or failed).", HappyPath: true},
	{Name: EventsPublished, Unit: "{event}", Kind: telemetry.Counter, Dimensions: []string{"event_type", "function"},
		Description: "Events accepted by the bus.", HappyPath: true},
	{Name: PublishFailures, Unit: "{event}", Kind: telemetry.Counter, Dimensions: []string{"event_type", "function"},
		Description: "Events the bus did not accept (throttling, partial failure, size)."},
	{Name: EventPayloadBytes, Unit: "By", Kind: telemetry.Histogram, Dimensions: []string{"event_type", "function"},
		Description: "Size of each published event's detail.", HappyPath: true},
	{Name: OrdersSubmitted, Unit: "{order}", Kind: telemetry.Counter, Dimensions: []string{"function", "side"},
		Description: "Orders the broker accepted (including ones found by client order id on a retry).", HappyPath: true},
	{Name: OrdersFilled, Unit: "{order}", Kind: telemetry.Counter, Dimensions: []string{"function", "side"},
		Description: "Orders that filled completely.", HappyPath: true},
	{Name: OrdersRejected, Unit: "{order}", Kind: telemetry.Counter, Dimensions: []string{"function", "reason", "side"},
		Description: "Orders that did not fill completely, by reason (the final status, or error)."},
	{Name: OrdersCanceled, Unit: "{order}", Kind: telemetry.Counter, Dimensions: []string{"function", "side"},
		Description: "Orders the executor cancelled because they were still open (unfilled or partially filled) at the execution deadline; also counted in OrdersRejected with reason canceled."},
	{Name: BrokerLatency, Unit: "ms", Kind: telemetry.Histogram, Dimensions: []string{"endpoint", "function"},
		Description: "Latency of each broker API call, by endpoint.", HappyPath: true},
	{Name: BrokerErrors, Unit: "{call}", Kind: telemetry.Counter, Dimensions: []string{"endpoint", "function", "status"},
		Description: "Failed broker calls by endpoint and HTTP status (0 for timeouts and transport errors)."},
	{Name: BreakerStateChanges, Unit: "{change}", Kind: telemetry.Counter, Dimensions: []string{"function", "state"},
		Description: "Circuit breaker transitions, by the state entered (open, half-open, closed)."},
	{Name: DuplicateEvents, Unit: "{event}", Kind: telemetry.Counter, Dimensions: []string{"event_type", "function"},
		Description: "Deliveries of an event the function had already handled (EventBridge delivers at least once; archive replays), skipped by idempotency."},
	{Name: PublishRetries, Unit: "{entry}", Kind: telemetry.Counter, Dimensions: []string{"code", "event_type", "function"},
		Description: "PutEvents entries sent again after a retryable failure (throttling, internal failure), by error code."},
	{Name: ClaimChecks, Unit: "{event}", Kind: telemetry.Counter, Dimensions: []string{"event_type", "function"},
		Description: "Events whose detail exceeded PutEvents' 256 KB entry limit and was moved to the claim-check bucket."},
	{Name: WorkflowsNotStarted, Unit: "{workflow}", Kind: telemetry.Counter, Dimensions: []string{"function"},
		Description: "Watchdog check (every 5 minutes of the session, from 09:45 New York): 1 when no scheduled workflow started for the trading date, else 0.", HappyPath: true},
	{Name: WorkflowsStuck, Unit: "{workflow}", Kind: telemetry.Counter, Dimensions: []string{"function"},
		Description: "Watchdog check: 1 when the scheduled workflow has no terminal event 15 minutes after its scheduled start, else 0.", HappyPath: true},
	{Name: ErrorBudgetRemaining, Unit: "%", Kind: telemetry.Histogram, Dimensions: []string{"function", "slo"},
		Description: "Share of an SLO's error budget left over its period (30 days), negative once overspent: one value per SLO at each workflow's end, computed by notifications from the period's good and total events (GetMetricData), this workflow counted. A gauge recorded as a one-value histogram; the slo-budget-exhausted-ticket alarm reads its Minimum.", HappyPath: true},
}

// All is the complete catalogue: the wrapper's invocation metrics and the
// business metrics.
func All() telemetry.Catalogue {
	return append(append(telemetry.Catalogue{}, telemetry.InvocationMetrics...), Business...)
}
