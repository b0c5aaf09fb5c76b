package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/internal/inputs"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/queries/insights"
)

func newQueryCmd() *cobra.Command {
	var (
		logs, since, until, format string
		groups, params             []string
		list, expectEmpty          bool
		onAWS                      logsQueryFlags
	)
	cmd := &cobra.Command{
		Use:   "query NAME|FILE (--logs PATH | --stack NAME | --log-group G...)",
		Short: "Run a saved Logs Insights query on local or exported logs, or on CloudWatch Logs",
		Long: `query runs a CloudWatch Logs Insights query with the local engine (queries/insights):
a saved query by name (see --list), or a file holding a query (with or without a
saved-query header).

--logs is a run directory of the local stack (its cloudwatch/ log groups), or a
file of log events captured from AWS, so they can be queried offline. The file's
form is told from its content:
  - the JSON document 'aws logs filter-log-events --output json' prints
    ({"events": [...], "searchedLogStreams": [...], "nextToken": ...}), or the
    one of 'aws logs get-log-events'; several documents one after another (pages
    appended by a loop) are read in turn; nextToken and the other paging fields
    are ignored;
  - the events array alone (--query events);
  - JSON Lines, one event per line (logStreamName, timestamp and ingestionTime in
    epoch ms, message, optionally logGroupName).
A malformed file is an error naming file:line:col.

A saved query reads the log groups its header names unless --log-group is given
(repeatable; a group matches by its full name, its last dash-separated part
(execution), a prefix ending in * (/aws/lambda/alchemiser-*) or its ARN); a
--log-group that names no group of the logs is an error listing the groups they
have. A saved query's parameter without a default (workflow-trace's and
workflow-steps' correlation_id) must be given with --param. With no
--since/--until every event is in range.

Those AWS documents do not name the log group (the command did). With exactly one
--log-group that is not a prefix, it names the file's group: events without a
logGroupName are in it, and @log shows it. Otherwise such events count as in
every group, so the saved query's log groups never leave them out; check that
the file holds the group the query is about.

--format json prints one JSON array of row objects whose values are strings, as
GetQueryResults returns them; columns are named as CloudWatch names them.

Without --logs the query runs on CloudWatch Logs (StartQuery, then
GetQueryResults every second, progress on stderr, stopped after --wait): over
the log groups of the CloudFormation stack --stack that the query wants (or
that --log-group selects among them), or without a stack over the --log-group
names given. The time range is --since (a duration back from now, such as 6h,
or a time) or --from, to --until (now); 24 hours by default. The AWS
configuration is the SDK's default chain (AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL, ...), --profile and --region on top. A query that cannot
start, fails, is cancelled or times out exits 1.

--expect-empty makes a query that returns rows fail (exit 1, after printing
them): how a runbook checks that an incident's query finds nothing new,
alchemiser query publish-failed --stack S --since 15m --expect-empty.

Exit status: 0 on success (even with no rows, unless --expect-empty), 1 when the
logs cannot be read or --expect-empty met rows, 2 on a bad query, parameter or
flag.`,
		Example: "  alchemiser query --list\n  alchemiser query workflow-failed --logs runs/20261124T000000Z-seed1\n" +
			"  alchemiser query workflow-trace --param correlation_id=01J... --logs events.jsonl --format json\n" +
			"  aws logs filter-log-events --log-group-name /aws/lambda/alchemiser-execution --output json > execution.json\n" +
			"  alchemiser query order-rejected --logs execution.json --log-group /aws/lambda/alchemiser-execution",
		Args: maximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				return listQueries(cmd.OutOrStdout(), format)
			}
			onCloudWatch := logs == "" && (onAWS.aws.stack != "" || len(groups) > 0)
			if len(args) != 1 || logs == "" && !onCloudWatch {
				return usageError{errors.New("query needs a query NAME or FILE and --logs PATH, --stack NAME or --log-group G (or --list)")}
			}
			saved, err := resolveQuery(args[0])
			if err != nil {
				return usageError{err}
			}
			values := map[string]string{}
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok {
					return usageError{fmt.Errorf("--param %q is not name=value", p)}
				}
				values[k] = v
			}
			text, err := saved.Run(values)
			if err != nil {
				return usageError{err}
			}
			if onCloudWatch {
				res, err := onAWS.run(cmd, saved, text, groups, since, until)
				if err != nil {
					return err
				}
				return writeExpected(cmd.OutOrStdout(), res, format, expectEmpty)
			}
			q, err := insights.Parse(text)
			var se *insights.SyntaxError
			if errors.As(err, &se) {
				return usageError{fmt.Errorf("%s:%d:%d: %s", saved.File, se.Line, se.Col, se.Msg)}
			} else if err != nil {
				return usageError{fmt.Errorf("%s: %w", saved.File, err)}
			}
			opts, err := timeRange(since, until)
			if err != nil {
				return usageError{err}
			}
			fileGroup := ""
			if len(groups) == 1 && !strings.HasSuffix(groups[0], "*") {
				fileGroup = groups[0]
			}
			given := groups
			if len(groups) == 0 {
				groups = saved.LogGroups
			}
			src, err := logSource(logs, fileGroup, nil)
			if err != nil {
				return err
			}
			var readErr error
			present := map[string]bool{}
			res := q.Run(func(yield func(*insights.Event) bool) {
				readErr = src(func(ev *insights.Event) bool {
					present[ev.LogGroup] = true
					return !insights.MatchGroup(ev.LogGroup, groups) || yield(ev)
				})
			}, opts)
			if readErr != nil {
				return readErr
			}
			if err := groupsPresent(given, present, logs); err != nil {
				return usageError{err}
			}
			return writeExpected(cmd.OutOrStdout(), res, format, expectEmpty)
		},
	}
	f := cmd.Flags()
	f.StringVar(&logs, "logs", "", "run directory, or file of log events (filter-log-events output, or JSON Lines)")
	f.StringArrayVar(&groups, "log-group", nil, "log group to read (repeatable; default: the query's); one names an AWS document's group")
	f.StringArrayVar(&params, "param", nil, "query parameter name=value (repeatable)")
	f.StringVar(&since, "since", "", "start of the time range (RFC 3339, or YYYY-MM-DD)")
	f.StringVar(&until, "until", "", "end of the time range (RFC 3339, or YYYY-MM-DD)")
	f.StringVar(&format, "format", "table", "table, json or csv")
	f.BoolVar(&list, "list", false, "list the saved queries with their versions")
	f.BoolVar(&expectEmpty, "expect-empty", false, "exit 1 when the query returns rows (a runbook's recovery check)")
	onAWS.addFlags(f)
	return cmd
}

// resolveQuery finds a saved query by name, or reads a query file.
func resolveQuery(arg string) (*queries.Saved, error) {
	if _, err := os.Stat(arg); err == nil {
		b, err := inputs.ReadFile(arg, inputs.Query)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(b), "# version:") { // a bare query, checked when it runs
			return &queries.Saved{File: arg, Name: arg, Version: 1, Incident: "none", Body: string(b)}, nil
		}
		return queries.ParseFile(arg, string(b))
	}
	return queries.Get(arg)
}

func timeRange(since, until string) (insights.Options, error) {
	var o insights.Options
	parse := func(s string) (time.Time, error) {
		for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time or a date", s)
	}
	var err error
	if since != "" {
		if o.Start, err = parse(since); err != nil {
			return o, err
		}
	}
	if until != "" {
		if o.End, err = parse(until); err != nil {
			return o, err
		}
	}
	if !o.Start.IsZero() && !o.End.IsZero() && o.End.Before(o.Start) {
		return o, errors.New("--until is before --since")
	}
	return o, nil
}

// logSource reads a run directory's log groups or one exported file,
// whose events without a log group are in fileGroup.
func logSource(path, fileGroup string, groups []string) (func(yield func(*insights.Event) bool) error, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("could not read logs: %w", err)
	}
	if !st.IsDir() {
		return func(yield func(*insights.Event) bool) error {
			return insights.FileEvents(path, fileGroup, groups, yield)
		}, nil
	}
	return func(yield func(*insights.Event) bool) error { return insights.RunDirEvents(path, groups, yield) }, nil
}

// groupsPresent checks that each --log-group names a group of the input:
// one that names none would silently query nothing. Events without a
// group (an AWS document read without --log-group naming it) match any.
func groupsPresent(given []string, present map[string]bool, logs string) error {
	if len(given) == 0 || present[""] {
		return nil
	}
	names := slices.Sorted(maps.Keys(present))
	for _, g := range given {
		if !slices.ContainsFunc(names, func(p string) bool { return insights.MatchGroup(p, []string{g}) }) {
			return fmt.Errorf("--log-group %q names no log group of %s; it has %s", g, logs, strings.Join(names, ", "))
		}
	}
	return nil
}

// errRowsFound is --expect-empty's failure: the query returned rows.
var errRowsFound = errors.New("--expect-empty: the query returned rows")

// writeExpected writes res in format and, with expectEmpty, fails when
// it has rows.
func writeExpected(w io.Writer, res *insights.Result, format string, expectEmpty bool) error {
	if err := writeResult(w, res, format); err != nil {
		return err
	}
	if expectEmpty && len(res.Rows) > 0 {
		return fmt.Errorf("%w: %d row(s)", errRowsFound, len(res.Rows))
	}
	return nil
}

func writeResult(w io.Writer, res *insights.Result, format string) error {
	switch format {
	case "json":
		rows := make([]map[string]string, 0, len(res.Rows))
		for _, r := range res.Rows {
			m := map[string]string{}
			for i, c := range res.Columns {
				if r[i] != "" {
					m[c] = r[i]
				}
			}
			rows = append(rows, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(res.Columns)
		for _, r := range res.Rows {
			_ = cw.Write(r)
		}
		cw.Flush()
		return cw.Error()
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
		for _, r := range res.Rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "%d row(s); %d event(s) scanned\n", len(res.Rows), res.Scanned)
		return err
	}
	return usageError{fmt.Errorf("--format %q: want table, json or csv", format)}
}

func listQueries(w io.Writer, format string) error {
	all, err := queries.All()
	if err != nil {
		return err
	}
	if format == "json" {
		return json.NewEncoder(w).Encode(all)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tINCIDENT\tPARAMETERS\tDESCRIPTION")
	for _, s := range all {
		var ps []string
		for _, p := range s.Params {
			ps = append(ps, p.Name+"="+p.Default)
		}
		fmt.Fprintf(tw, "%s\tv%d\t%s\t%s\t%s\n", s.Name, s.Version, s.Incident, strings.Join(ps, " "), s.Description)
	}
	return tw.Flush()
}
