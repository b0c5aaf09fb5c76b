// Package alarms is this app's alarms: the SLO spec (slos.yaml, built in
// as DefaultSpec) and the generators that turn it and template.yaml's
// functions into CloudFormation resources spliced into template.yaml by
// `make generate`:
//
//   - per SLO, four multiwindow, multi-burn-rate tiers (the SRE Workbook's,
//     Tiers) of two metric-math alarms each, and a page and a ticket
//     composite (BurnAlarms);
//   - the incident catalogue's symptom alarms (Symptoms): the DLQs, the
//     breaker, duplicate deliveries, publish failures, the watchdog, and per
//     function errors, throttles, log volume and durations over 80% of the
//     function's timeout;
//   - the metric filters that turn Lambda's platform reports into metrics
//     (MetricFilters).
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
// the embedded template), so a near-timeout alarm fires at 80% of the
// function's Timeout there. The symptom budgets default to
// DuplicateSpikePerHour, InitBaselineMs and LogBytesPerHour.
// TemplateSection writes the resources as typed values through
// internal/cfnyaml.
package alarms
