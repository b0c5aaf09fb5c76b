// Package validate checks CloudWatch dashboard bodies before PutDashboard
// sees them. No linter for dashboard bodies exists and PutDashboard is the
// only authority, so this package is the missing one: it checks a body
// against the Dashboard Body Structure and Syntax page
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html)
// and against what the stack actually publishes (Known, built from the
// repository by KnownFromRepo).
//
// Validate reports every problem with the file, line and column, the
// widget and its title, and the JSON pointer of the value at fault:
//
//	dashboards/operations.json:57:11: widget 2 ("Workflows") /widgets/2/properties/metrics/1: metric Alchemiser/OrdersFiled is not in the catalogue (did you mean OrdersFilled?)
//
// # What is checked
//
// The dashboard: one JSON object (syntax errors at their line and
// column; duplicate keys), only widgets, variables, start, end and
// periodOverride; widgets required, at most 500; start relative (-PT3H,
// -P7D) or ISO 8601; end ISO 8601, only with an absolute start, after it;
// periodOverride auto or inherit; at most 2,500 metrics in all widgets.
//
// Widgets: type metric, text, log, alarm or explorer; x 0-23 and y >= 0,
// given together; width 1-24 and height 1-1000 (6 by default); x + width
// within the 24 columns; no two placed widgets overlapping (both indexes
// are named); properties as the type documents them, unknown properties
// rejected.
//
// Metric widgets: region; metrics, or an alarm in annotations.alarms (not
// both); stat, period, view, legend, timezone, yAxis (a gauge needs
// yAxis.left min and max), table. Each metrics row is [namespace, name,
// dimension, value, ..., {options}] with "." for the previous metric's
// string at that position, or [{"expression": ..., "id": ...}]. Options:
// id (a lowercase letter, then letters, digits and _; unique in the
// widget), stat, period, label, color, visible, yAxis, region, accountId.
// Expressions may use only ids of the widget and may not depend on
// themselves; one Metrics Insights query per widget. At most 500 rows.
// Annotations: at most one alarm and then no lines; horizontal values are
// numbers, vertical ones ISO 8601 times; fill above, below or none
// (horizontal), before, after or none (vertical); bands are two lines.
//
// Statistics follow "CloudWatch statistics definitions"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):
// SampleCount, Average, Sum, Minimum, Maximum, IQM, pNN, tmNN, wmNN, tcNN,
// tsNN (lowercase, one percentage, up to 10 decimal places), and
// TM(a:b), WM(a:b), TC(a:b), TS(a:b), PR(a:b) (uppercase, one or two
// bounds; PR takes values only).
//
// References: every metric's namespace, name and exact dimension-name set
// must be one Known lists (a metric is identified by its full dimension
// set, so [service,symbol] is not [service]); alarm ARNs
// (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:STACK-NAME, with REGION,
// ACCOUNT and STACK real values or ${AWS::Region}, ${AWS::AccountId},
// ${AWS::StackName}) must name an alarm of the template; a log widget's
// query starts with SOURCE 'group' | clauses (read by
// insights.SplitSources, as the renderer reads them) naming log groups of
// the template (as written there, or with a real stack name), and the rest
// must parse with the Logs Insights parser of queries/insights, whose
// errors are reported where they are in the file. Unknown names come with
// the closest known one.
//
// Alarm widgets: 1 to 100 ARNs, sortBy, states. Text widgets: markdown,
// background. Explorer widgets: 1 to 100 metrics of one resource type
// whose metrics the stack has, labels, aggregateBy, widgetOptions.
// Variables: at most 25; type property (with property) or pattern (with
// pattern); inputType input, select or radio; id of at most 32 of
// 0-9A-Za-z-_ and unique; label at most 30 characters; select and radio
// need 1-500 values or a search with populateFrom; a select or radio
// default must be one of the values.
//
// # Known
//
// KnownFromRepo reads the metric catalogue (app/metrics.All) as the EMF
// exporter (telemetry/emf.go) publishes it: each metric with service plus
// its attribute dimensions that the exporter allows
// (telemetry.DefaultDimensions; any other attribute is dropped and is no
// dimension), and the rollup [service] alone. It adds the log metric
// filters (alarms.MetricFilters and the template's AWS::Logs::MetricFilter
// resources: namespace Alchemiser, no dimensions), the AWS metrics of the
// template's functions, rules, bus, queues and log groups (a table in
// known.go, each namespace citing its documentation page), and the
// template's alarm and log group names. The template is resolved with
// its pseudo parameters standing for themselves (StackName
// "${AWS::StackName}", Region "${AWS::Region}", AccountId
// "${AWS::AccountId}"), so names read as the template writes them and as
// the dashboards, deployed through !Sub, write them; parameters take
// their defaults.
//
// # Decisions where the documentation is silent
//
//   - period: the page says "any multiple of 60"; CloudWatch also graphs
//     high-resolution metrics at 1, 5, 10 and 30 seconds, so those pass.
//     No upper bound is imposed.
//   - Limits from the CloudWatch service quotas page
//     (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html):
//     500 metrics per widget, 2,500 per dashboard, 30 dimensions per
//     metric. A body's size limit is documented nowhere; the CLI reads at
//     most 1 MiB.
//   - Metric widgets may also have setPeriodToTimeRange,
//     singleValueFullPrecision and trend, which the console writes; log
//     widgets may have stacked. Anything else is reported as unknown.
//   - A leading "..." in a metric row (the console's shorthand: the
//     previous metric's strings with the last ones replaced by those that
//     follow) is accepted; "." is documented.
//   - Colours are #RGB or #RRGGBB (the page says six digits but its own
//     example uses "#aaa"). A timezone is +HHMM or -HHMM.
//   - Stat bounds must be both percentages or both values, lower below
//     upper; pNN and percentages are at most 100.
//   - A log widget needs at least one SOURCE and at most 50 (StartQuery's
//     limit on log groups); the query after them must not be empty.
//   - Duplicate keys, duplicate variable ids and expressions that depend
//     on themselves are errors: CloudWatch's handling of them is not
//     documented and never what the author meant.
//   - Dimension values are not checked against the template: dashboard
//     variables replace them at view time.
//
// Positions are 1-based lines and byte columns. Nesting deeper than 64
// levels is rejected. Validate never panics, whatever the input (a fuzz
// test holds it to that).
package validate
