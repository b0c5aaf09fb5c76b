package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/alchemiser/alchemiser/internal/console"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// Defaults of a query on CloudWatch Logs.
const (
	defaultSince     = 24 * time.Hour
	defaultQueryWait = 15 * time.Minute
	queryPoll        = time.Second
)

// logsQueryFlags are query's and trace's flags for CloudWatch Logs
// Insights, beside --since, --until and --log-group, which the --logs
// path shares.
type logsQueryFlags struct {
	aws  awsOptions
	from string
	wait time.Duration
}

func (f *logsQueryFlags) addFlags(fs *pflag.FlagSet) {
	f.aws.addFlags(fs, "CloudFormation stack whose log groups to query on CloudWatch Logs")
	fs.StringVar(&f.from, "from", "", "start of the time range on CloudWatch Logs (RFC 3339, or YYYY-MM-DD); instead of --since")
	fs.DurationVar(&f.wait, "wait", defaultQueryWait, "longest wait for a CloudWatch Logs query to complete (it is stopped then)")
}

// args are the flags that were set, for trace to pass on to query.
func (f *logsQueryFlags) args() []string {
	out := f.aws.args()
	if f.from != "" {
		out = append(out, "--from="+f.from)
	}
	if f.wait != defaultQueryWait {
		out = append(out, "--wait="+f.wait.String())
	}
	return out
}

// run runs query text on CloudWatch Logs over the log groups of the
// stack (wanted as a saved query's header or --log-group name them), or
// over the named log groups without a stack, and returns its result.
func (f *logsQueryFlags) run(cmd *cobra.Command, saved *queries.Saved, text string, groups []string, since, until string) (*insights.Result, error) {
	if f.wait <= 0 {
		return nil, usageError{fmt.Errorf("--wait must be above 0, got %v", f.wait)}
	}
	start, end, err := queryWindow(clock.Now(), since, f.from, until)
	if err != nil {
		return nil, usageError{err}
	}
	ctx := cmd.Context()
	cfg, err := f.aws.config(ctx)
	if err != nil {
		return nil, err
	}
	names, err := f.logGroups(ctx, cfg, saved, groups, cmd.ErrOrStderr())
	if err != nil {
		return nil, err
	}
	return runLogsQuery(ctx, cloudwatchlogs.NewFromConfig(cfg), logsQuery{Text: text, Groups: names, Start: start, End: end, Wait: f.wait, Region: cfg.Region}, cmd.ErrOrStderr())
}

// logGroups are the names StartQuery reads: the stack's groups the query
// wants, or the --log-group names given without a stack.
func (f *logsQueryFlags) logGroups(ctx context.Context, cfg aws.Config, saved *queries.Saved, groups []string, progress io.Writer) ([]string, error) {
	if f.aws.stack == "" {
		var out []string
		for _, g := range groups {
			out = append(out, logGroupName(g))
		}
		return out, nil
	}
	st, err := f.aws.loadStack(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if len(st.QueryDefinitions) > 0 && st.QueryDefinitions[saved.DeployedName()] == "" {
		fmt.Fprintf(progress, "note: stack %s has no query definition %q; running this version's text\n", st.Name, saved.DeployedName())
	}
	wanted := groups
	if len(wanted) == 0 {
		wanted = saved.LogGroups
	}
	return st.logGroups(wanted)
}

// logGroupName is a log group's name, from its name or ARN (with or
// without the :* CloudFormation's GetAtt adds).
func logGroupName(g string) string {
	if _, name, ok := strings.Cut(g, ":log-group:"); ok && strings.HasPrefix(g, "arn:") {
		return strings.TrimSuffix(name, ":*")
	}
	return g
}

// queryWindow is a query's time range: from --since (a duration back from
// now, or a time) or --from (a time), 24 hours back by default, to --until
// (now by default).
func queryWindow(now time.Time, since, from, until string) (start, end time.Time, err error) {
	if since != "" && from != "" {
		return start, end, errors.New("give --since or --from, not both")
	}
	end = now
	if until != "" {
		if end, err = parseTime("--until", until); err != nil {
			return start, end, err
		}
	}
	switch {
	case from != "":
		start, err = parseTime("--from", from)
	case since == "":
		start = now.Add(-defaultSince)
	default:
		if d, derr := time.ParseDuration(since); derr == nil {
			if d <= 0 {
				return start, end, fmt.Errorf("--since %s: want a duration above 0", since)
			}
			start = now.Add(-d)
		} else {
			start, err = parseTime("--since", since)
		}
	}
	if err == nil && !end.After(start) {
		err = fmt.Errorf("the time range ends (%s) before it starts (%s)", end.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339))
	}
	return start, end, err
}

func parseTime(flag, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a duration, an RFC 3339 time or a date", flag, s)
}

// logsAPI is what a query calls of CloudWatch Logs.
type logsAPI interface {
	StartQuery(ctx context.Context, in *cloudwatchlogs.StartQueryInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartQueryOutput, error)
	GetQueryResults(ctx context.Context, in *cloudwatchlogs.GetQueryResultsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetQueryResultsOutput, error)
	StopQuery(ctx context.Context, in *cloudwatchlogs.StopQueryInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StopQueryOutput, error)
}

var _ logsAPI = (*cloudwatchlogs.Client)(nil)

// logsQuery is one Logs Insights query to run.
type logsQuery struct {
	Text       string
	Groups     []string
	Start, End time.Time
	Wait       time.Duration // longest wait for the results
	Region     string        // for the console link; none when ""
}

// runLogsQuery starts q, polls its results every second until it
// completes, and writes its progress to progress. A query that fails,
// is cancelled or times out is an error; one still running after q.Wait,
// or when ctx ends, is stopped (and an error).
func runLogsQuery(ctx context.Context, c logsAPI, q logsQuery, progress io.Writer) (*insights.Result, error) {
	if len(q.Groups) == 0 {
		return nil, usageError{errors.New("no log group to query")}
	}
	// StartQuery's times are epoch seconds, and the end is inclusive
	// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html).
	started, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{QueryString: aws.String(q.Text), LogGroupNames: q.Groups,
		StartTime: aws.Int64(q.Start.Unix()), EndTime: aws.Int64(q.End.Unix())})
	if err != nil {
		return nil, awsErr("could not start the query", err)
	}
	id := aws.ToString(started.QueryId)
	fmt.Fprintf(progress, "query %s on %s, %s to %s\n", id, strings.Join(q.Groups, ", "),
		q.Start.UTC().Format(time.RFC3339), q.End.UTC().Format(time.RFC3339))
	if q.Region != "" {
		fmt.Fprintf(progress, "console: %s\n", console.LogsInsights(q.Region, q.Text, q.Groups, console.Range{Start: q.Start, End: q.End}))
	}
	out, err := pollQuery(ctx, c, id, clock.Now().Add(q.Wait), progress)
	if err != nil {
		return nil, err
	}
	return queryResult(out), nil
}

// pollQuery calls GetQueryResults until the query ends. Its statuses are
// Scheduled, Running, Complete, Failed, Cancelled, Timeout and Unknown
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html).
func pollQuery(ctx context.Context, c logsAPI, id string, deadline time.Time, progress io.Writer) (*cloudwatchlogs.GetQueryResultsOutput, error) {
	var last logstypes.QueryStatus
	for {
		out, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(id)})
		if err != nil {
			return nil, awsErr("could not get the results of query "+id, err)
		}
		switch out.Status {
		case logstypes.QueryStatusComplete:
			return out, nil
		case logstypes.QueryStatusFailed, logstypes.QueryStatusCancelled, logstypes.QueryStatusTimeout:
			return nil, fmt.Errorf("query %s ended %s", id, out.Status)
		}
		if out.Status != last {
			last = out.Status
			fmt.Fprintf(progress, "query %s %s\n", id, out.Status)
		}
		if !clock.Now().Before(deadline) {
			stopQuery(c, id)
			return nil, fmt.Errorf("query %s still %s at the end of --wait; it is stopped", id, out.Status)
		}
		if err := clock.Sleep(ctx, queryPoll); err != nil {
			stopQuery(c, id)
			return nil, fmt.Errorf("query %s: %w", id, err)
		}
	}
}

// stopQuery stops a query left running, best effort: it has its own
// short deadline, since the command's context may be done.
func stopQuery(c logsAPI, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = c.StopQuery(ctx, &cloudwatchlogs.StopQueryInput{QueryId: aws.String(id)})
}

// queryResult is the result as the local engine returns it: columns in
// the order the rows first name them, without @ptr (a record's pointer,
// which GetQueryResults adds), and a string per cell.
func queryResult(out *cloudwatchlogs.GetQueryResultsOutput) *insights.Result {
	res := &insights.Result{}
	if out.Statistics != nil {
		res.Scanned, res.Matched = int(out.Statistics.RecordsScanned), int(out.Statistics.RecordsMatched)
	}
	for _, row := range out.Results {
		for _, f := range row {
			if name := aws.ToString(f.Field); name != "@ptr" && !slices.Contains(res.Columns, name) {
				res.Columns = append(res.Columns, name)
			}
		}
	}
	for _, row := range out.Results {
		cells := make([]string, len(res.Columns))
		for _, f := range row {
			if i := slices.Index(res.Columns, aws.ToString(f.Field)); i >= 0 {
				cells[i] = aws.ToString(f.Value)
			}
		}
		res.Rows = append(res.Rows, cells)
	}
	return res
}
