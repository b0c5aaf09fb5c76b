package alarms

import (
	"fmt"
	"slices"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Symptom is the one alarm of an alerted incident type: a single metric
// (one entry in Reads, no Expression) or metric math over Reads. An
// alarm is billed per metric it reads, so each reads as few as it can:
// the stack-wide rollup [service] of a catalogue metric, a metric filter
// that every function's log group publishes to one shared metric, or
// math over the few platform metrics it needs.
type Symptom struct {
	LogicalID, Name, Description string
	Incident                     string // the incident id: severity (Spec.Incidents), runbook
	Query                        string
	Reads                        []Read
	// Expression, when set, is the metric math the alarm compares with
	// Threshold (ids of Reads); the single Read otherwise.
	Expression                   string
	Period, EvaluationPeriods    int
	Threshold                    float64
	Comparison, TreatMissingData string
}

// Read is one metric a symptom alarm reads.
type Read struct {
	Id, Namespace, MetricName, Stat string
	Dimensions                      [][2]string // name, CloudFormation value expression
}

// Default budgets of the symptom alarms (Spec.Symptoms overrides them).
const (
	DuplicateSpikePerHour = 2    // duplicate deliveries per hour the dashboard's widget marks as a spike
	InitBaselineMs        = 1000 // the slowest acceptable init (cold start), for the dashboard and its query
	LogEventsPerHour      = 2000 // log events of the whole stack per hour (a workflow writes about 75)
)

// AlertedThrough names the incident types whose every occurrence is
// another's, so that the other's alarm is theirs: a poison event is an
// invocation failure (the consumer returns a permanent error), and an
// order that did not fill fails its workflow (the executor ends it in
// WorkflowFailed unless every order filled). An alarm of their own would
// notify twice for one incident.
var AlertedThrough = map[string]string{"poison-event": "handler-error", "order-rejected": "workflow-failed"}

// Symptoms are the alarms of the incident catalogue (docs/INCIDENTS.md),
// one per incident type that declares page or ticket (Spec.Incidents)
// and is not AlertedThrough another's; a dashboard-only incident type has
// none. Each notifies the topic of its incident's severity
// (TemplateSection).
func Symptoms(spec *Spec) []Symptom {
	var out []Symptom
	for _, s := range symptomCatalogue(spec) {
		if sev := spec.Incidents[s.Incident]; sev == SeverityPage || sev == SeverityTicket {
			out = append(out, s)
		}
	}
	return out
}

// symptomCatalogue is every symptom alarm the kit knows, named after its
// incident.
func symptomCatalogue(spec *Spec) []Symptom {
	sv := [2]string{"service", spec.Service}
	custom := func(metric, stat string, dims ...[2]string) Read {
		return Read{Namespace: spec.Namespace, MetricName: metric, Stat: stat, Dimensions: append([][2]string{}, dims...)}
	}
	queue := func(id, logicalID string) Read {
		return Read{Id: id, Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Stat: "Maximum",
			Dimensions: [][2]string{{"QueueName", "!GetAtt " + logicalID + ".QueueName"}}}
	}
	out := []Symptom{
		workflowFailed(spec, custom),
		// The watchdog's gauges (handlers.Scheduler.watch): a point every
		// five minutes of the session. Outside it there is no data, which
		// says nothing: "ignore" keeps the state until the next check.
		{Name: "workflow-stuck", Description: "the scheduled workflow has no terminal event 15 minutes after its scheduled start (watchdog)",
			Reads: []Read{custom("WorkflowsStuck", "Maximum", sv)}, TreatMissingData: "ignore"},
		{Name: "workflow-not-started", Description: "no scheduled workflow started by 09:45 New York time on a trading day (watchdog)",
			Reads: []Read{custom("WorkflowsNotStarted", "Maximum", sv)}, TreatMissingData: "ignore"},
		{Name: "event-dead-lettered", Description: "an event is in the events DLQ (a rule target could not take it) or in the on-failure queue (a function failed it on every attempt)",
			Reads: []Read{queue("dlq", "EventsDLQ"), queue("failed", "FailedInvocationsQueue")}, Expression: "FILL(dlq, 0) + FILL(failed, 0)"},
		symptom("broker-degraded", "the execution function's circuit breaker to Alpaca opened",
			custom("BreakerStateChanges", "Sum", [2]string{"function", "execution"}, sv, [2]string{"state", "open"})),
		symptom("handler-error", "a function returned an error, panicked or crashed (by metric filter on every function's log group)",
			custom(InvocationFailuresMetric, "Sum")),
		symptom("lambda-timeout", "an invocation timed out (by metric filter on the platform reports of every function's log group)",
			custom(TimeoutsMetric, "Sum")),
		symptom("publish-failed", "PutEvents did not accept events (throttling, partial failure, size)", custom("PublishFailures", "Sum", sv)),
		{Name: "log-volume-spike", Description: fmt.Sprintf("the functions wrote more than %d log events in an hour (by metric filter on every function's log group)", spec.Symptoms.withDefaults().LogEventsPerHour),
			Reads: []Read{custom(LogEventsMetric, "Sum")}, Period: 3600, Threshold: float64(spec.Symptoms.withDefaults().LogEventsPerHour)},
	}
	if s, ok := workflowSlow(spec); ok {
		out = append(out, s)
	}
	for i := range out {
		out[i] = out[i].withDefaults()
	}
	return out
}

// symptom is the alarm of incident name on one metric's first breach.
func symptom(name, description string, r Read) Symptom {
	return Symptom{Name: name, Description: description, Reads: []Read{r}}
}

// workflowSlow reads the latency objective's own series and threshold
// (the first SLO with a latency SLI): one completed workflow slower than
// the objective's threshold opens the ticket.
func workflowSlow(spec *Spec) (Symptom, bool) {
	i := slices.IndexFunc(spec.SLOs, func(s SLO) bool { return s.Latency != nil })
	if i < 0 {
		return Symptom{}, false
	}
	l := spec.SLOs[i].Latency
	r := Read{Namespace: spec.Namespace, MetricName: l.Metric, Stat: "Maximum"}
	for _, d := range l.dimensions(spec.Service) {
		r.Dimensions = append(r.Dimensions, [2]string{d.Name, d.Value})
	}
	return Symptom{Name: "workflow-slow", Incident: "workflow-slow", Threshold: l.ThresholdMs, Reads: []Read{r},
		Description: fmt.Sprintf("a completed workflow took over %g ms end to end", l.ThresholdMs)}, true
}

// withDefaults names the symptom after its incident and fills the
// common settings: five-minute period, one period, above the threshold,
// no data is no breach.
func (s Symptom) withDefaults() Symptom {
	if s.Incident == "" {
		s.Incident = s.Name
	}
	if s.Query == "" {
		s.Query = s.Incident
	}
	if s.LogicalID == "" {
		s.LogicalID = camel(s.Name) + "Alarm"
	}
	if s.Period == 0 {
		s.Period = 300
	}
	s.EvaluationPeriods = max(s.EvaluationPeriods, 1)
	s.Comparison = cmpOr(s.Comparison, "GreaterThanThreshold")
	s.TreatMissingData = cmpOr(s.TreatMissingData, "notBreaching")
	for i := range s.Reads {
		if s.Reads[i].Id == "" {
			s.Reads[i].Id = fmt.Sprintf("m%d", i+1)
		}
	}
	return s
}

func cmpOr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// Alarm is the symptom as a metric alarm, for validation and evaluation;
// its dimensions stay CloudFormation expressions (QueryMetric resolves
// them).
func (s Symptom) Alarm() cwalarm.MetricAlarm {
	a := cwalarm.MetricAlarm{AlarmName: s.Name, Period: s.Period, EvaluationPeriods: s.EvaluationPeriods, Threshold: s.Threshold,
		ComparisonOperator: s.Comparison, TreatMissingData: s.TreatMissingData}
	if s.Expression == "" {
		a.Namespace, a.MetricName, a.Statistic = s.Reads[0].Namespace, s.Reads[0].MetricName, s.Reads[0].Stat
		return a
	}
	no := false
	for _, r := range s.Reads {
		q := cwalarm.MetricQuery{Id: r.Id, ReturnData: &no, MetricStat: &cwalarm.MetricStat{Period: s.Period, Stat: r.Stat}}
		q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName = r.Namespace, r.MetricName
		for _, d := range r.Dimensions {
			q.MetricStat.Metric.Dimensions = append(q.MetricStat.Metric.Dimensions, cwalarm.Dimension{Name: d[0], Value: d[1]})
		}
		a.Metrics = append(a.Metrics, q)
	}
	a.Metrics = append(a.Metrics, cwalarm.MetricQuery{Id: "e", Expression: s.Expression})
	return a
}

// SymptomNamed is spec's symptom alarm called name (without the stack
// prefix).
func SymptomNamed(spec *Spec, name string) (Symptom, bool) {
	for _, s := range Symptoms(spec) {
		if s.Name == name {
			return s, true
		}
	}
	return Symptom{}, false
}

// workflowFailed pages a failed workflow at low traffic, where the
// workflow-success objective's burn-rate tiers are silent: while the
// five minutes hold fewer workflows than the objective's minimum volume,
// one failure is the incident. At or above it the alarm stays quiet and
// the tiers (deployed with BurnRateAlerts=on) judge the ratio, so a
// deployment at fifty times the traffic is not paged for each of its
// workflows' failures. Without a workflow-success objective every
// failure pages.
func workflowFailed(spec *Spec, custom func(metric, stat string, dims ...[2]string) Read) Symptom {
	sv := [2]string{"service", spec.Service}
	failed := custom("WorkflowsFailed", "Sum", sv)
	const what = "a workflow ended in WorkflowFailed"
	volume := 0
	for _, s := range spec.SLOs {
		if s.Name == "workflow-success" {
			volume = s.MinimumVolume
		}
	}
	if volume <= 1 {
		return symptom("workflow-failed", what, failed)
	}
	failed.Id = "failed"
	completed := custom("WorkflowsCompleted", "Sum", sv)
	completed.Id = "completed"
	return Symptom{Name: "workflow-failed",
		Description: fmt.Sprintf("%s, while fewer than %d workflows ended in five minutes (above that, the workflow-success burn-rate tiers judge)", what, volume),
		Reads:       []Read{failed, completed},
		Expression:  fmt.Sprintf("IF(FILL(failed, 0) + FILL(completed, 0) < %d, FILL(failed, 0), 0)", volume)}
}
