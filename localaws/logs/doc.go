// Package logs serves CloudWatch Logs over a local stack's run directory,
// for the AWS SDKs and the AWS CLI (awsJson1_1, target prefix
// Logs_20140328, signing name logs) on the endpoint of emulator/awsapi.
//
// The log groups are the run directory's cloudwatch/*.jsonl (one file per
// group, events as filter-log-events returns them), read afresh on every
// call because the run keeps writing: a file's last line, while it is
// being written, is not read yet. Config.LogGroups adds groups that have
// no events yet. Queries run on the Logs Insights engine of
// queries/insights; the saved queries are package queries', named and
// worded as template.yaml deploys them (SavedDefinitions).
//
// Operations served, with AWS's limits and errors: DescribeLogGroups,
// DescribeLogStreams, FilterLogEvents, GetLogEvents, StartQuery,
// GetQueryResults, StopQuery, DescribeQueries, DescribeQueryDefinitions.
// A limit out of range, a bad token or conflicting members are
// InvalidParameterException; an unknown group, stream or query
// ResourceNotFoundException; a query that does not parse
// MalformedQueryException with its line and column; any other operation
// UnknownOperationException. Times are epoch milliseconds except
// StartQuery's startTime and endTime, epoch seconds.
//
// Where it differs from AWS:
//   - StartQuery runs the query to completion before it answers: a query
//     is Complete from the first GetQueryResults, never Scheduled or
//     Running, so StopQuery always answers that it is not running; no
//     query is Failed, Cancelled or Timeout. Results are kept for 7 days
//     (Config.QueryRetention) and for the newest 100 queries
//     (Config.MaxQueries); StartQuery's limit is 1,000 rows unless given.
//     GetQueryResults returns every row at once (no maxItems or
//     nextToken); @ptr is an opaque row id (GetLogRecord is not served),
//     sent on stats rows too. recordsScanned and bytesScanned count the
//     events of the named groups in the time range (their messages'
//     bytes).
//   - Filter patterns are a subset (see Pattern): terms, quoted terms,
//     ?any and -none terms, JSON conditions and %regex%; unquoted terms
//     match whole words. Space-delimited patterns are refused.
//   - FilterLogEvents pages by event, not by time slice, so a page is
//     short only at the end; its nextToken is this server's own.
//     startFromHead false is served for any startTime (AWS requires one
//     after 2024). searchedLogStreams is empty, as in AWS since 2020.
//   - A group's creationTime is its first event's timestamp (absent while
//     it has none); storedBytes is the sum of its messages' bytes; its
//     class is STANDARD; there is no retention, KMS key, data protection,
//     metric filter (metricFilterCount 0) or tag. A stream's creationTime
//     is its first event's; its storedBytes is 0, as in AWS.
//   - Account and region are only in the ARNs; there is no cross-account
//     observability, and no write operation (PutLogEvents,
//     PutQueryDefinition, ...).
package logs
