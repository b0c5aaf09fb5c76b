package alarms

import (
	"fmt"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// BudgetMetric is the gauge the notifications function records for each
// SLO at every workflow's end (dimension slo): the share of the period's
// error budget left, in percent, negative once overspent. A CloudWatch
// alarm cannot read the 30 days it needs (an alarm's evaluation range is
// at most seven days: Period × EvaluationPeriods ≤ 604,800 s,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html),
// so the function reads the period's good and total events itself
// (GetMetricData) and records the result.
const BudgetMetric = "ErrorBudgetRemaining"

// BurnRateCondition is template.yaml's condition (and parameter) under
// which the burn-rate alarms and composites are deployed.
const BurnRateCondition = "BurnRateAlerts"

// SLOAlarm is a metric alarm about the objectives as a whole: a budget
// exhausted, or the indicators' data missing. Both notify as tickets.
type SLOAlarm struct {
	LogicalID, Name, Description string
	Runbook, Query               string
	Alarm                        cwalarm.MetricAlarm
}

// SLOAlarms are the alarms every deployment has, whatever its traffic:
// the budget-exhausted and the data-missing ticket. They read three
// metrics in all.
func SLOAlarms(spec *Spec) []SLOAlarm {
	if len(spec.SLOs) == 0 {
		return nil
	}
	return []SLOAlarm{budgetAlarm(spec), dataMissingAlarm(spec)}
}

// BudgetAlarm is the budget-exhausted alarm's name: a ticket with the
// burn-rate tiers (BurnRateAlerts), shown only (dashboard) without them
// (IncidentAlarms says why).
const BudgetAlarm = "slo-budget-exhausted-ticket"

// budgetAlarm fires when any SLO's budget is spent: the lowest
// ErrorBudgetRemaining of the hour (the [service] rollup holds every
// SLO's points) below 0. The gauge has a point only when a workflow ends,
// so missing data keeps the state: the ticket stays open until a
// workflow's end finds every budget back above 0 (the bad events have
// left the period), then resolves once.
func budgetAlarm(spec *Spec) SLOAlarm {
	yes := true
	q := cwalarm.MetricQuery{Id: "budget", ReturnData: &yes, MetricStat: &cwalarm.MetricStat{Period: 3600, Stat: "Minimum"}}
	q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName = spec.Namespace, BudgetMetric
	q.MetricStat.Metric.Dimensions = []cwalarm.Dimension{{Name: "service", Value: spec.Service}}
	return SLOAlarm{LogicalID: "SloBudgetExhaustedTicket", Name: BudgetAlarm, Runbook: "slo-budget-exhausted", Query: "workflow-failed",
		Description: "an SLO's error budget for its period is spent (ErrorBudgetRemaining below 0; the notification lists every SLO's budget)",
		Alarm: cwalarm.MetricAlarm{AlarmName: BudgetAlarm, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 0,
			ComparisonOperator: "LessThanThreshold", TreatMissingData: "ignore", Metrics: []cwalarm.MetricQuery{q}}}
}

// dataMissingAlarm fires when, within an hour, Lambda says the
// notifications function ran (AWS/Lambda Invocations, a free metric that
// is there whenever a workflow ended) and the telemetry layer's EMF shows
// no invocation of any function: the pipeline every SLI's series comes
// through (the EMF lines in the functions' logs) is broken, and
// TreatMissingData notBreaching would otherwise make every SLO look
// healthy. Without a workflow (a night, a weekend) Lambda has no point
// and the alarm stays OK.
func dataMissingAlarm(spec *Spec) SLOAlarm {
	no := false
	ran := cwalarm.MetricQuery{Id: "ran", ReturnData: &no, MetricStat: &cwalarm.MetricStat{Period: 3600, Stat: "Sum"}}
	ran.MetricStat.Metric.Namespace, ran.MetricStat.Metric.MetricName = "AWS/Lambda", "Invocations"
	ran.MetricStat.Metric.Dimensions = []cwalarm.Dimension{{Name: "FunctionName", Value: "!Ref NotificationsFunction"}}
	emf := cwalarm.MetricQuery{Id: "emf", ReturnData: &no, MetricStat: &cwalarm.MetricStat{Period: 3600, Stat: "Sum"}}
	emf.MetricStat.Metric.Namespace, emf.MetricStat.Metric.MetricName = spec.Namespace, "Invocations"
	emf.MetricStat.Metric.Dimensions = []cwalarm.Dimension{{Name: "service", Value: spec.Service}}
	missing := cwalarm.MetricQuery{Id: "missing", Expression: "IF(FILL(ran, 0) > 0 AND FILL(emf, 0) == 0, 1, 0)"}
	return SLOAlarm{LogicalID: "SloDataMissingTicket", Name: "slo-data-missing-ticket", Runbook: "slo-data-missing", Query: "handler-error",
		Description: "the notifications function ran this hour but no EMF metric arrived: the SLIs have no data (a broken EMF pipeline)",
		Alarm: cwalarm.MetricAlarm{AlarmName: "slo-data-missing-ticket", EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 0,
			ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", Metrics: []cwalarm.MetricQuery{ran, emf, missing}}}
}

// description is the alarm's description as the template writes it.
func (a SLOAlarm) description() string {
	return fmt.Sprintf("SLOs: %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", a.Description, a.Runbook, a.Query)
}
