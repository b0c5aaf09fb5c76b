// Package render previews CloudWatch dashboards with the data of a local
// run: New reads a run directory of the local stack and computes every
// widget of the given dashboard bodies; Page.WriteHTML writes one
// self-contained HTML page (inline CSS and SVG drawn here; no script, no
// external resource, and a Content-Security-Policy that forbids fetching
// any). The body format is CloudWatch's:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
//
// # Data
//
// Metrics are alarms.RunMetrics (the functions' EMF, the template's metric
// filters, the emulator's AWS/Lambda, AWS/Events, AWS/SQS and AWS/Logs
// metrics); a metric row selects its points with cwalarm.Points, by exact
// dimension set, as CloudWatch does. Logs are the run's cloudwatch/*.jsonl
// log groups. The run's time range is its first to its last event or
// metric point; the body's start and end are ignored (the page says so).
//
// # Substitution
//
// Bodies are deployed through !Sub, so ${AWS::StackName}, ${AWS::Region},
// ${AWS::AccountId}, ${AWS::Partition}, ${AWS::URLSuffix}, the
// template's parameters (at their defaults) and its resources (${Bus},
// ${EventsDLQ.Arn}) are replaced as topology resolves them; by default
// with the local stack's values (DefaultStackName, DefaultRegion,
// DefaultAccountID, template.yaml). Other ${...} stay (dynamic labels).
// Dashboard variables take their default value: a pattern variable
// replaces its pattern everywhere, a property variable the value of that
// dimension in every metric row.
//
// # Metric widgets
//
// Rows are [namespace, name, dim, value, ..., {options}] with "." for the
// previous row's value at that position and a leading "..." for the
// previous row's values but the last ones given; or [{expression}]. Rows
// without an id are m1, m2, ... (e1, ... for expressions) by position.
// Options read: id, label, stat, period, visible, color, yAxis.
//
// Statistics (the row's, else the widget's, else Average): Sum, Average,
// Minimum, Maximum, SampleCount, pNN and pNN.N (nearest rank over the
// values; a value recorded with count n counts n times), TC(lo:hi) and
// PR(lo:hi) with absolute bounds. Others (TM, WM, IQM, percentage
// bounds) are not computed: the row says so and draws nothing.
//
// Periods: a chart uses its widget's period (DefaultPeriod when it gives
// none) when the run spans at least MinPoints (DefaultMinPoints, 20) of
// them. A local run lasts seconds, so otherwise it uses the longest step
// of 1, 2, 5, 10, 20, 50, 100, 200, 500 ms, 1, 2, 5, 10, 30 s, 1, 2, 5,
// 10, 30 min, 1 h that the run spans MinPoints times (1 ms at the
// shortest). The page states the rule and each chart its period. Periods
// start where time.Truncate puts them (at multiples of the period in Unix
// time, for any period that divides a day); a point is drawn at its
// period's start, and periods without values have no point.
//
// Views: timeSeries is a line chart (a dot on each point when they are
// few); singleValue big numbers; bar and pie horizontal bars (the widget
// says a pie is drawn as bars); gauge a
// half-circle over yAxis.left min and max (0 to a round maximum without
// them); table a table of values. A single value aggregates the whole run
// when setPeriodToTimeRange is set or the widget's period covers the run
// (so always for a run of seconds), else the last period.
//
// Metric math: expressions are evaluated period by period with the alarms
// package's evaluator (numbers, ids, + - * /, comparisons, AND, OR, IF,
// FILL) and its missing-point rules. An expression using anything else
// (METRICS(), SUM(), RATE(), SEARCH(), ...) is not evaluated: the widget
// says "not evaluated locally" with the reason and shows the raw metrics
// it hid instead. Dynamic labels ${SUM}, ${AVG}, ${MIN}, ${MAX},
// ${FIRST}, ${LAST}, ${DATAPOINT_COUNT}, ${LABEL} and ${PROP('MetricName')}
// / ${PROP('Namespace')} are filled from the points drawn.
//
// Annotations: horizontal lines and bands are drawn (dashed,
// translucent); vertical annotations are not (the widget says so). An
// alarm annotation shows the alarm's state under the chart; a widget with
// only an alarm annotation charts the alarm's metric and threshold when
// it is a generated symptom alarm. Stacked series are drawn as lines and
// right-axis series on the left axis (the widget says so).
//
// # Log widgets
//
// The leading SOURCE 'group' | clauses, read by insights.SplitSources as
// the validator reads them (a malformed one is a note), name the log
// groups (matched by full name, or by the last part as `alchemiser query`
// matches them; none means every group); the rest runs with the local Logs Insights engine
// (queries/insights). table (the default) shows every row (the first 500
// on the page); timeSeries draws a result with a bin() column, one line
// per numeric column and value of the other columns, with the bin
// shortened by the period rule; bar draws each row's first numeric
// column. Without a bin() column a timeSeries is drawn as a table.
//
// # Alarm widgets
//
// An alarm ARN's name less the stack prefix is looked up among the alarms
// the template generates from Config.Spec (alarms.GeneratedStates:
// symptoms, SLO burn-rate alarms and their composites), evaluated on the
// run's metrics once a minute from the first minute after the run's first
// point to the first minute after its last. A badge is the state at the
// last evaluation, with every change and its time. Other alarms say they
// are not evaluated locally.
//
// # Text widgets
//
// A Markdown subset: ATX headings, paragraphs, bullet and numbered lists,
// fenced code, inline code, **bold**, *italic*, links (http, https, mailto
// and relative targets only; CloudWatch's [button:...] links too). All
// text is escaped; so is every title, label and table cell.
//
// # Page
//
// The 24-column grid is drawn at a fixed size (56 × 38 px a cell), each
// widget where its x, y, width and height put it; a widget without data
// says "no data in this run". For tests and tools every widget carries
// data-widget (its 1-based index), data-type, data-view, data-kind (line,
// bar, gauge, single, table, logtable, alarms, text, nodata, unsupported),
// data-points and data-series; every drawn series is a
// <g class="series" data-series data-points data-color>; log tables carry
// data-rows; alarm badges data-alarm and data-state. Series use
// CloudWatch's palette (less grey) or the row's hex colour; every plot
// with data is framed in frameColor, and nothing drawn inside a frame but
// the series has a series colour at full opacity, so a screenshot shows
// whether data was drawn.
package render
