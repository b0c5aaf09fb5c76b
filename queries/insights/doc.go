// Package insights is a local engine for the CloudWatch Logs Insights
// query language, standalone (it knows CloudWatch Logs, not this app):
// the saved queries of queries/ run on the logs the local stack writes,
// or on logs exported from AWS, with the semantics of
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html.
//
// Commands: fields, display, filter, parse (glob and regex with named
// groups), stats (two at most; the second over the first's output), sort,
// limit, dedup. Expressions: comparisons, and/or/not, in [...], like
// "text" or /regex/, =~, arithmetic (+ - * / % ^). Functions: string,
// numeric, datetime (bin, datefloor, dateceil, fromMillis, toMillis),
// general (ispresent, coalesce, isempty, isblank) and IP functions;
// aggregates count, count_distinct, sum, avg, min, max, stddev, pct,
// earliest, latest, sortsFirst, sortsLast. System fields @timestamp,
// @message, @logStream, @log, @ingestionTime; Lambda platform lines give
// @type, @requestId, @duration, @billedDuration, @memorySize,
// @maxMemoryUsed, @initDuration. JSON messages are flattened (a.b, a.0.c),
// at most 200 fields; only the fields a query reads are extracted.
// Keywords are case-insensitive; # starts a comment; errors name
// line:column. A dashboard log widget's query puts SOURCE 'log group' |
// clauses before the query; SplitSources takes them off, for the
// dashboards' renderer and validator alike.
//
// Events come from a run directory (RunDirEvents) or a file (FileEvents):
// JSON Lines of events, or the JSON document the AWS CLI prints for
// aws logs filter-log-events or get-log-events (ReadLogEvents tells them
// apart by content; ReadResponse streams a document, one event in memory
// at a time). Those documents do not name the log group; the caller says
// which it is, or the events match every group. Malformed input is an
// error naming file:line:col.
//
// Decisions where the documentation is silent (each has a test):
//   - sort is descending unless asc is given; absent values sort last in
//     either direction; strings that are not numbers sort before numbers,
//     and strings compare in natural order (digit runs as numbers);
//   - without sort and stats, results are newest first;
//   - stats results are ordered by their group values, ascending; a stats
//     without groups over nothing gives one row (count() = 0);
//   - fields after stats computes over the stats rows, and its list is
//     the result's columns, in its order (as display's would be);
//   - after a stats, a command that reads a field the stats does not
//     define (nor a later fields, display or parse) is a syntax error
//     naming it, where CloudWatch would silently find it absent (rules.go
//     has the rules between commands);
//   - pct is the nearest-rank percentile; stddev the sample deviation;
//   - comparisons and boolean functions give 1 or 0; numbers print without
//     a trailing fraction when whole; times print as
//     "2006-01-02 15:04:05.000" UTC;
//   - like "text" is a substring test; a parse that does not match leaves
//     its fields absent and keeps the event;
//   - the @ fields of platform lines are also derived from Lambda's JSON
//     platform records (LogFormat JSON: platform.start, platform.report).
package insights
