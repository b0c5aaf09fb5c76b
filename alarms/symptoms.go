package alarms

import (
	"fmt"
	"strings"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/topology"
)

// Symptom is a single-metric alarm on a direct signal of an incident.
type Symptom struct {
	LogicalID, Name, Description string
	Incident                     string // runbook and incident id
	Query                        string
	Namespace, MetricName, Stat  string
	Dimensions                   [][2]string // name, CloudFormation value expression
	Period, EvaluationPeriods    int
	Threshold                    float64
	Comparison, TreatMissingData string
}

// Default budgets of the symptom alarms (Spec.Symptoms overrides them).
const (
	DuplicateSpikePerHour = 2       // duplicate deliveries per hour that make a spike
	InitBaselineMs        = 1000    // the slowest acceptable init (cold start)
	LogBytesPerHour       = 500_000 // log bytes per function per hour (a workflow writes a few kB)
)

// Symptoms are the direct-signal alarms of the incident catalogue
// (docs/INCIDENTS.md): both dead-letter queues non-empty; per function
// errors, throttles and durations near the timeout; the breaker opening;
// publish failures.
func Symptoms(spec *Spec) []Symptom {
	sv := [2]string{"service", spec.Service}
	budgets := spec.Symptoms.withDefaults()
	out := []Symptom{
		{LogicalID: "EventsDLQNotEmptyAlarm", Name: "events-dlq-not-empty", Incident: "event-dead-lettered", Query: "event-dead-lettered",
			Description: "events a rule target could not take are in the events DLQ",
			Namespace:   "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Stat: "Maximum",
			Dimensions: [][2]string{{"QueueName", "!GetAtt EventsDLQ.QueueName"}}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: "FailedInvocationsNotEmptyAlarm", Name: "failed-invocations-not-empty", Incident: "event-dead-lettered", Query: "event-dead-lettered",
			Description: "a function failed an event on every attempt: its record is in the on-failure queue",
			Namespace:   "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Stat: "Maximum",
			Dimensions: [][2]string{{"QueueName", "!GetAtt FailedInvocationsQueue.QueueName"}}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: "BreakerOpenAlarm", Name: "broker-breaker-open", Incident: "broker-degraded", Query: "broker-degraded",
			Description: "the execution function's circuit breaker to Alpaca opened",
			Namespace:   spec.Namespace, MetricName: "BreakerStateChanges", Stat: "Sum",
			Dimensions: [][2]string{{"function", "execution"}, {"service", spec.Service}, {"state", "open"}}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: "DuplicateDeliveriesAlarm", Name: "duplicate-delivery-spike", Incident: "duplicate-delivery", Query: "duplicate-delivery",
			Description: fmt.Sprintf("more than %d duplicate deliveries in an hour (EventBridge redelivers rarely; a spike means retries or a replay)", budgets.DuplicatesPerHour),
			Namespace:   spec.Namespace, MetricName: "DuplicateEvents", Stat: "Sum", Threshold: float64(budgets.DuplicatesPerHour),
			Dimensions: [][2]string{sv}, Period: 3600, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: "LambdaTimeoutsAlarm", Name: "lambda-timeouts", Incident: "lambda-timeout", Query: "lambda-timeout",
			Description: "an invocation timed out (from the platform reports, by metric filter)",
			Namespace:   spec.Namespace, MetricName: "LambdaTimeouts", Stat: "Sum", Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: "SlowInitAlarm", Name: "cold-start-slow-init", Incident: "cold-start-spike", Query: "cold-start-spike",
			Description: fmt.Sprintf("a cold start's init took over %d ms (from the platform reports, by metric filter)", budgets.InitMs),
			Namespace:   spec.Namespace, MetricName: "LambdaInitDuration", Stat: "Maximum", Threshold: float64(budgets.InitMs), Period: 3600, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		// The watchdog's gauges (handlers.Scheduler.watch): a point every
		// five minutes of the session. Outside it there is no data, which
		// says nothing: "ignore" keeps the state until the next check.
		{LogicalID: "WorkflowNotStartedAlarm", Name: "workflow-not-started", Incident: "workflow-not-started", Query: "workflow-not-started",
			Description: "no scheduled workflow started by 09:45 New York time on a trading day (watchdog)",
			Namespace:   spec.Namespace, MetricName: "WorkflowsNotStarted", Stat: "Maximum",
			Dimensions: [][2]string{sv}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "ignore"},
		{LogicalID: "WorkflowStuckAlarm", Name: "workflows-stuck", Incident: "workflow-stuck", Query: "workflow-stuck",
			Description: "the scheduled workflow has no terminal event 15 minutes after its scheduled start (watchdog)",
			Namespace:   spec.Namespace, MetricName: "WorkflowsStuck", Stat: "Maximum",
			Dimensions: [][2]string{sv}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "ignore"},
		{LogicalID: "PublishFailuresAlarm", Name: "publish-failures", Incident: "publish-failed", Query: "publish-failed",
			Description: "PutEvents did not accept events (throttling, partial failure, size)",
			Namespace:   spec.Namespace, MetricName: "PublishFailures", Stat: "Sum",
			Dimensions: [][2]string{sv}, Period: 300, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
	}
	for _, f := range spec.Functions {
		out = append(out, functionSymptoms(f, budgets)...)
	}
	return out
}

// functionSymptoms are function f's errors, throttles, log volume and
// near-timeout alarms; the last fires at 80% of f's Timeout.
func functionSymptoms(f topology.Function, budgets Budgets) []Symptom {
	name := topology.FunctionName(f.LogicalID)
	prefix := strings.TrimSuffix(f.LogicalID, "Function")
	fn := [2]string{"FunctionName", "!Ref " + f.LogicalID}
	timeout := f.Timeout.Seconds()
	return []Symptom{
		{LogicalID: prefix + "ErrorsAlarm", Name: name + "-errors", Incident: "handler-error", Query: "handler-error",
			Description: "the " + name + " function returned errors", Namespace: "AWS/Lambda", MetricName: "Errors", Stat: "Sum",
			Dimensions: [][2]string{fn}, Period: 300, EvaluationPeriods: 1, Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: prefix + "ThrottlesAlarm", Name: name + "-throttles", Incident: "handler-error", Query: "handler-error",
			Description: "the " + name + " function was throttled", Namespace: "AWS/Lambda", MetricName: "Throttles", Stat: "Sum",
			Dimensions: [][2]string{fn}, Period: 300, EvaluationPeriods: 1, Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: prefix + "LogVolumeAlarm", Name: name + "-log-volume", Incident: "log-volume-spike", Query: "log-volume-spike",
			Description: fmt.Sprintf("the %s function wrote more than %d bytes of logs in an hour", name, budgets.LogBytesPerHour),
			Namespace:   "AWS/Logs", MetricName: "IncomingBytes", Stat: "Sum", Threshold: float64(budgets.LogBytesPerHour),
			Dimensions: [][2]string{{"LogGroupName", "!Ref " + f.LogGroupID}}, Period: 3600, EvaluationPeriods: 1,
			Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
		{LogicalID: prefix + "NearTimeoutAlarm", Name: name + "-near-timeout", Incident: "lambda-timeout", Query: "lambda-timeout",
			Description: fmt.Sprintf("an invocation of %s ran over 80%% of its %g s timeout", name, timeout),
			Namespace:   "AWS/Lambda", MetricName: "Duration", Stat: "Maximum", Threshold: 0.8 * timeout * 1000,
			Dimensions: [][2]string{fn}, Period: 300, EvaluationPeriods: 1, Comparison: "GreaterThanThreshold", TreatMissingData: "notBreaching"},
	}
}

// Alarm is the symptom as a metric alarm, for validation and evaluation.
func (s Symptom) Alarm() cwalarm.MetricAlarm {
	return cwalarm.MetricAlarm{AlarmName: s.Name, Period: s.Period, EvaluationPeriods: s.EvaluationPeriods, Threshold: s.Threshold,
		ComparisonOperator: s.Comparison, TreatMissingData: s.TreatMissingData, Namespace: s.Namespace, MetricName: s.MetricName, Statistic: s.Stat}
}
