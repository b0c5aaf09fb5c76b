// Package cost estimates the kit's monthly AWS bill from template.yaml
// (read through topology, conditions resolved) and a measured local run
// (a run directory of `alchemiser run`), at us-east-1 list prices.
//
// What it counts, and how (each item of an Estimate names its price's
// source page and the date it was read):
//
//   - CloudWatch metric alarms pay per metric they read: a metric-math
//     alarm pays for each MetricStat query, not for its expressions.
//     Composite alarms and dashboards are priced per resource.
//   - Custom metrics: every namespace + name + dimension set (with its
//     values) is one metric. A metric is billed by the hour, only in hours
//     when it receives data, at price × hours / 730. The hours come from
//     the template's schedules: the workflow schedule's hour (one workflow
//     a day runs within one clock hour; N a day are taken to run in N
//     distinct hours), and each other schedule's hours (the watchdog: every
//     five minutes, 09:00-15:55 New York, seven hours a weekday). A series
//     the run saw from a watchdog invocation is metered in the watchdog's
//     hours too.
//   - Metric filters are free, but publish a custom metric: in the hours
//     their pattern matches (Lambda's init-duration reports: the hours
//     with a cold start, taken as the workflow's hours), or, when the
//     filter sets DefaultValue, in every hour its log group receives an
//     event.
//   - Logs: ingestion is each event's UTF-8 message plus 26 bytes
//     (PutLogEvents' accounting); storage is the retained volume
//     (ingestion × retention days / 30.4), uncompressed: an upper bound.
//   - Logs Insights: each log widget of a dashboard, per view, scans its
//     log groups over the dashboard's range (at most one day's logs); the
//     saved queries are run once a month over a day by verify and once
//     per incident by a runbook (one incident a month assumed).
//   - Lambda requests and GB-s from the run's billed durations and the
//     template's memory and architecture; EventBridge custom events and
//     Scheduler invocations; DynamoDB on-demand (the idempotency writes:
//     two write units per idempotent invocation, plus the workflow
//     ledger); S3 (the claim-check bucket: empty unless an event exceeds
//     the publish limit); Secrets Manager (secrets and one read per cold
//     start); SNS (one publish and one email per workflow summary).
//
// Trading days: 21 a month (252 a year); weekdays: 21.75 (261 a year),
// the days the MON-FRI schedules fire. A month is 730 hours.
//
// Free tiers are the always-free allowances, per account: the
// estimate reports with and without them; the telemetry budget is held
// with them (the kit alone in an account). Not counted: SQS (the DLQs
// and destinations receive messages only on failure), SSM standard
// parameters (free), X-Ray spans ingested through Transaction Search
// (billed by CloudWatch apart from logs; not priced here), data
// transfer.
package cost
