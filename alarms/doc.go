// Package alarms is this app's alarms: the SLO spec (slos.yaml, built in
// as DefaultSpec) and the generators that turn it and template.yaml's
// functions into CloudFormation resources spliced into template.yaml by
// `make generate`:
//
//   - per SLO, two multiwindow, multi-burn-rate tiers (the SRE Workbook's
//     14.4x page and 1x ticket, Tiers) of two metric-math alarms each, a
//     long window counting from the SLO's minimum volume, and a page and a
//     ticket composite (BurnAlarms), deployed under the template condition
//     BurnRateAlerts (off by default);
//   - the budget-exhausted and data-missing tickets (SLOAlarms), on the
//     ErrorBudgetRemaining gauge the notifications function records and on
//     Lambda's invocations against the EMF pipeline's;
//   - the incident catalogue's symptom alarms (Symptoms): one per incident
//     type declared page or ticket, each routed to PageTopic or TicketTopic
//     by that severity (Spec.Severity);
//   - the metric filters on every function's log group (MetricFilters):
//     Lambda's platform reports (timeouts, init durations), invocation
//     failures and log events, each one stack-wide metric.
//
// Spec.Events reads an SLO's good and total events over a range (its
// period, which no alarm can read) through a cwalarm.QueryValues:
// GetMetricData in Lambda (package metricdata), the run's metrics locally
// (cwalarm.MetricStore).
//
// Evaluation is package cwalarm's: GeneratedStates evaluates every
// generated alarm on the metrics a local run recorded (RunMetrics), and
// Simulate runs a traffic scenario (Scenarios: steady error ratios, burns
// at 2x, 6x and 14.4x the budget rate, workflows on a month of NYSE
// sessions) through every generated alarm, with an ingestion delay
// (DefaultIngestionDelay, 2 minutes, an assumption: AWS gives no figure),
// and reports every transition and the notifications sent
// (CountNotifications, the count chaos uses).
//
// The functions are template.yaml's (ParseSpec fills Spec.Functions from
// the embedded template); the metric filters go on each one's log group.
// The log-volume budget defaults to LogEventsPerHour.
// TemplateSection writes the resources as typed values through
// internal/cfnyaml.
package alarms
