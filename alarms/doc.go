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
//   - the incident catalogue's symptom alarms (Symptoms): the DLQs, the
//     breaker, duplicate deliveries, publish failures, the watchdog, and per
//     function errors, throttles, log volume and durations over 80% of the
//     function's timeout;
//   - the metric filters that turn Lambda's platform reports into metrics
//     (MetricFilters).
//
// Spec.Events reads an SLO's good and total events over a range (its
// period, which no alarm can read) through a cwalarm.QueryValues:
// GetMetricData in Lambda (package metricdata), the run's metrics locally
// (cwalarm.MetricStore).
//
// Evaluation is package cwalarm's: GeneratedStates evaluates every
// generated alarm on the metrics a local run recorded (RunMetrics), and
// Simulate runs traffic scenarios through an SLO's burn-rate alarms.
//
// The functions are template.yaml's (ParseSpec fills Spec.Functions from
// the embedded template), so a near-timeout alarm fires at 80% of the
// function's Timeout there. The symptom budgets default to
// DuplicateSpikePerHour, InitBaselineMs and LogBytesPerHour.
// TemplateSection writes the resources as typed values through
// internal/cfnyaml.
package alarms
