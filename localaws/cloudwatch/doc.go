// Package cloudwatch serves the local stack's CloudWatch API (signing name
// monitoring) over emulator/awsapi: the Go SDK's rpcv2Cbor
// (GraniteServiceVersion20100801) and the AWS CLI's awsQuery
// (http://monitoring.amazonaws.com/doc/2010-08-01/). New(Config) builds it;
// Service is the awsapi.Service to serve.
//
// What it serves, from a run directory of the local stack and the
// template the stack was deployed from:
//
//   - ListMetrics and GetMetricData over the run's metrics, read as
//     alarms.RunMetrics reads them (EMF lines and metric-filter matches of
//     the log groups, the platform's EMF lines) and re-read only where the
//     run appended;
//   - DescribeAlarms and DescribeAlarmHistory: the template's
//     AWS::CloudWatch::Alarm and CompositeAlarm resources as deployed
//     (names, descriptions with the runbook URL, metrics, actions), with
//     the states Alarms evaluates;
//   - GetDashboard and ListDashboards: package dashboards' dashboards,
//     names and bodies resolved as the template's !Sub resolves them.
//
// Alarms is the heart: the generated alarms (package alarms) evaluated as
// CloudWatch evaluates them (package cwalarm) once a minute of
// Config.Now's clock, lazily (every operation first catches up to now) or
// on a ticker (Run). Each alarm starts in INSUFFICIENT_DATA at
// Config.Created ("Unchecked: Initial alarm creation"); a catch-up
// evaluates minute by minute from the last evaluation, does not evaluate
// again an alarm whose evaluation range held none of its points until a
// point comes (its state is a fixed point), stops early once every alarm
// is so settled, and evaluates at most MaxCatchUp. State reasons and
// history data follow CloudWatch's wording and JSON.
//
// Defaults: region us-east-1, account 000000000000, stack alchemiser, the
// built-in SLO spec and the embedded template.yaml; DescribeAlarms pages
// 50 alarms (MaxRecords up to 100), DescribeAlarmHistory 100 items,
// ListMetrics 500 metrics, ListDashboards 1000 dashboards, GetMetricData
// 100,800 data points; tokens are opaque and bound to their operation.
//
// Where it differs from CloudWatch:
//   - any other operation (PutMetricData, PutMetricAlarm, SetAlarmState,
//     ...) is UnknownOperationException: alarms and dashboards are the
//     template's, metrics the run's;
//   - statistics are cwalarm's (Sum, Average, Minimum, Maximum,
//     SampleCount, TC(lo:hi)); a GetMetricData query with another (p99)
//     or a metric-math function cwalarm does not evaluate (SEARCH,
//     METRICS(), RATE) is returned with StatusCode InternalError and a
//     message saying so; Unit is not used to filter (the run's points keep
//     no unit);
//   - GetMetricData buckets a metric by its period aligned to the epoch,
//     from StartTime rounded down to the period; it pages query by query
//     rather than by timestamp across queries;
//   - alarm periods end at each evaluation's minute (cwalarm's rule 6);
//     StateUpdatedTimestamp and StateTransitionedTimestamp are the minute
//     of the last transition; the history holds StateUpdate items only
//     (no ConfigurationUpdate for the creation, no Action: no action is
//     run); points that arrive with a time before the last evaluation do
//     not change past states;
//   - the alarms evaluated are the generator's for Config.Spec; the
//     definitions reported are the template's (they agree: the template
//     is generated from the same spec).
package cloudwatch
