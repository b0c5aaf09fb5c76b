// Package cwalarm evaluates CloudWatch alarms as CloudWatch does, offline:
// metric alarms over their evaluation range with each TreatMissingData
// option and the premature-alarm rule, metric-math alarms, and composite
// alarms. It is standalone: it knows CloudWatch, not the application whose
// alarms it evaluates (package alarms generates those and feeds them here).
//
// Inputs are the fields of a PutMetricAlarm request (MetricAlarm, as JSON
// with the API's field names), or the alarms of a DescribeAlarms response
// as the AWS CLI prints it (ReadDescribeAlarms, read leniently as AWS's
// output; ReadAlarm reads either form and picks one metric alarm), a
// composite's AlarmRule (ParseRule), and raw
// metric points: a Series by metric id, read from timestamp,metric_id,value
// CSV (ReadPoints) or from CloudWatch embedded metric format log lines
// (ParseEMF, then Points, which aggregates each dimension set apart as
// CloudWatch does). Evaluate returns the state after each evaluation
// (EvaluateArrived, with an ingestion delay);
// Transitions reduces that to the history the console lists. An
// Evaluator evaluates one evaluation at a time for callers that keep the
// state as time passes (the local CloudWatch API), with the range it
// decided on; Aggregate applies a statistic to a period's points.
//
// The evaluation rules, from "Configuring how CloudWatch alarms treat
// missing data" and "Avoiding premature transitions to alarm state"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html):
//
//  1. At each evaluation CloudWatch retrieves more data points than
//     EvaluationPeriods: the evaluation range. The documentation does not
//     give the number; we use EvaluationPeriods + max(2, EvaluationPeriods/3)
//     periods (the reading LocalStack also takes), documented as ours.
//  2. If the range holds at least EvaluationPeriods real points, the most
//     recent EvaluationPeriods real points are evaluated and
//     TreatMissingData is not used.
//  3. Otherwise every real point is used and missing ones are filled with
//     the TreatMissingData result, as few as needed to make
//     EvaluationPeriods: breaching and notBreaching fill; missing and
//     ignore do not.
//  4. With no real point at all: missing → INSUFFICIENT_DATA, ignore →
//     keep the state, breaching → ALARM, notBreaching → OK.
//  5. Premature alarm (missing and ignore only): when the oldest breaching
//     point among the last EvaluationPeriods periods is at least
//     DatapointsToAlarm periods old and every more recent point is
//     breaching or missing, the alarm goes to ALARM even with fewer than
//     DatapointsToAlarm real points.
//  6. Periods end at the minute of the evaluation (windows slide by one
//     minute, CloudWatch's evaluation cadence), not at multiples of the
//     period: a decision, as the documentation does not say how periods
//     are aligned; it is what makes a one-hour window react within minutes.
//  7. The state is ALARM when at least DatapointsToAlarm of the evaluated
//     points breach; otherwise OK, except that with ignore a shortfall of
//     real points keeps the current state.
//
// Metric math (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
// a series without a point where the other operand has one counts as 0;
// with neither, or against a scalar, the result has no point; division by
// zero has no point; FILL replaces missing points.
//
// Composite alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html):
// ALARM(name), OK(name), INSUFFICIENT_DATA(name), TRUE and FALSE, with AND,
// OR, NOT and parentheses, evaluated on the children's states at the same
// evaluation.
//
// Limits: statistics are Sum, Average, Minimum, Maximum, SampleCount and
// TC(lo:hi) with absolute bounds (no percentiles, no percentage bounds);
// metric math is numbers, metric ids, + - * /, comparisons, AND, OR, IF and
// FILL (no METRICS(), RATE(), SEARCH or other functions: ParseExpression
// says which); a metric-math alarm has one period for all its metrics
// (Validate rejects others); anomaly-detection alarms and alarm actions
// are not modelled. Evaluate reads points as given; EvaluateArrived adds
// an ingestion delay (an evaluation reads the points that have arrived).
package cwalarm
