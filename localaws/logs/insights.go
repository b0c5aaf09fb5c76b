package logs

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/alchemiser/alchemiser/queries/insights"
)

// Query statuses (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html).
const (
	statusScheduled = "Scheduled"
	statusRunning   = "Running"
	statusComplete  = "Complete"
	statusFailed    = "Failed"
	statusCancelled = "Cancelled"
	statusTimeout   = "Timeout"
	statusUnknown   = "Unknown"
)

// query is one started query and its results.
type query struct {
	id      string
	text    string
	groups  []string
	created time.Time
	status  string
	results [][]resultField
	stats   queryStatistics
}

type resultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

type queryStatistics struct {
	RecordsMatched float64 `json:"recordsMatched"`
	RecordsScanned float64 `json:"recordsScanned"`
	BytesScanned   float64 `json:"bytesScanned"`
}

type startQueryIn struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupNames       []string `json:"logGroupNames"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	QueryString         *string  `json:"queryString"`
	Limit               *int32   `json:"limit"`
}

type startQueryOut struct {
	QueryID string `json:"queryId"`
}

// startQueryLimit is StartQuery's default limit: 1,000 rows.
const startQueryLimit = 1000

// startQuery runs a Logs Insights query on the named groups' events in
// [startTime, endTime], epoch SECONDS, both included (so the end time's
// whole second is), with exactly one of logGroupName, logGroupNames (50
// at most) and logGroupIdentifiers
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html).
// AWS schedules the query and runs it; here it runs to completion before
// StartQuery answers, so GetQueryResults never sees it Scheduled or
// Running.
func (l *Logs) startQuery(_ context.Context, in *startQueryIn) (*startQueryOut, error) {
	groups, err := queryGroups(in)
	if err != nil {
		return nil, err
	}
	if in.StartTime == nil || in.EndTime == nil || in.QueryString == nil {
		return nil, invalidf("startTime, endTime and queryString are required")
	}
	if *in.StartTime < 0 || *in.EndTime < *in.StartTime {
		return nil, invalidf("endTime (%d) must not be before startTime (%d); both are epoch seconds", *in.EndTime, *in.StartTime)
	}
	if len(*in.QueryString) > 10000 {
		return nil, invalidf("the query string is %d characters; 10,000 at most", len(*in.QueryString))
	}
	limit, err := checkLimit("limit", in.Limit, 1, 10000, startQueryLimit)
	if err != nil {
		return nil, err
	}
	q, err := insights.Parse(*in.QueryString)
	if err != nil {
		return nil, malformed(err)
	}
	snap, err := l.snapshot()
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if _, ok := snap.groups[g]; !ok {
			return nil, errorf(codeNotFound, "Log group '%s' does not exist for account ID '%s'", g, l.cfg.AccountID)
		}
	}
	run := &query{id: newQueryID(), text: *in.QueryString, groups: groups, created: l.cfg.Now(), status: statusComplete}
	run.results, run.stats = runQuery(q, snap, groups, *in.StartTime*1000, *in.EndTime*1000+999, limit, run.id)
	l.keep(run)
	return &startQueryOut{QueryID: run.id}, nil
}

// queryGroups are the groups a StartQuery names, exactly one way.
func queryGroups(in *startQueryIn) ([]string, error) {
	given := 0
	var groups []string
	if in.LogGroupName != "" {
		given, groups = given+1, []string{in.LogGroupName}
	}
	if in.LogGroupNames != nil {
		given, groups = given+1, in.LogGroupNames
	}
	if in.LogGroupIdentifiers != nil {
		given = given + 1
		groups = nil
		for _, id := range in.LogGroupIdentifiers {
			groups = append(groups, groupName(id))
		}
	}
	switch {
	case given != 1:
		return nil, invalidf("A StartQuery operation must include exactly one of logGroupName, logGroupNames or logGroupIdentifiers")
	case len(groups) == 0 || len(groups) > 50:
		return nil, invalidf("a query reads 1 to 50 log groups, not %d", len(groups))
	}
	return groups, nil
}

// malformed is MalformedQueryException naming where the query is wrong.
func malformed(err error) error {
	var se *insights.SyntaxError
	if errors.As(err, &se) {
		return errorf(codeMalformedQuery, "%s at line %d, column %d", se.Msg, se.Line, se.Col)
	}
	return errorf(codeMalformedQuery, "%v", err)
}

// runQuery runs q over the groups' events in [startMs, endMs]: rows as
// lists of field/value pairs (empty values left out, as AWS leaves out
// fields without a value) with @ptr, an opaque id of the row.
func runQuery(q *insights.Query, snap *snapshot, groups []string, startMs, endMs int64, limit int, id string) ([][]resultField, queryStatistics) {
	var bytes int
	res := q.Run(func(yield func(*insights.Event) bool) {
		for _, name := range groups {
			for _, e := range snap.groups[name].events {
				if e.Timestamp < startMs || e.Timestamp > endMs {
					continue
				}
				bytes += len(e.Message)
				if !yield(e.Event) {
					return
				}
			}
		}
	}, insights.Options{Start: time.UnixMilli(startMs), End: time.UnixMilli(endMs)})
	rows := res.Rows
	if len(rows) > limit {
		rows = rows[:limit]
	}
	out := make([][]resultField, 0, len(rows))
	for i, row := range rows {
		fields := []resultField{}
		for j, c := range res.Columns {
			if row[j] != "" {
				fields = append(fields, resultField{Field: c, Value: row[j]})
			}
		}
		ptr := base64.RawStdEncoding.EncodeToString([]byte(id + "/" + strconv.Itoa(i)))
		out = append(out, append(fields, resultField{Field: "@ptr", Value: ptr}))
	}
	return out, queryStatistics{RecordsMatched: float64(res.Matched), RecordsScanned: float64(res.Scanned), BytesScanned: float64(bytes)}
}

func newQueryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// keep stores a query, dropping those past the retention and the oldest
// beyond MaxQueries.
func (l *Logs) keep(q *query) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.prune(), q)
	if over := len(l.queries) - l.cfg.MaxQueries; over > 0 {
		l.queries = slices.Delete(l.queries, 0, over)
	}
}

// prune drops the queries past the retention; l.mu is held.
func (l *Logs) prune() []*query {
	cutoff := l.cfg.Now().Add(-l.cfg.QueryRetention)
	return slices.DeleteFunc(l.queries, func(q *query) bool { return q.created.Before(cutoff) })
}

// find is a kept query by id; l.mu is held.
func (l *Logs) find(id string) (*query, error) {
	l.queries = l.prune()
	for _, q := range l.queries {
		if q.id == id {
			return q, nil
		}
	}
	return nil, errorf(codeNotFound, "Query does not exist: %s", id)
}

type getQueryResultsIn struct {
	QueryID string `json:"queryId"`
}

type getQueryResultsOut struct {
	Results       [][]resultField  `json:"results"`
	Statistics    *queryStatistics `json:"statistics,omitempty"`
	Status        string           `json:"status"`
	QueryLanguage string           `json:"queryLanguage,omitempty"`
}

// getQueryResults is a query's rows and statistics; a query's results are
// kept for 7 days (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html).
func (l *Logs) getQueryResults(_ context.Context, in *getQueryResultsIn) (*getQueryResultsOut, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, err := l.find(in.QueryID)
	if err != nil {
		return nil, err
	}
	stats := q.stats
	return &getQueryResultsOut{Results: q.results, Statistics: &stats, Status: q.status, QueryLanguage: "CWLI"}, nil
}

type stopQueryIn struct {
	QueryID string `json:"queryId"`
}

type stopQueryOut struct {
	Success bool `json:"success"`
}

// stopQuery cancels a query in progress; one that has ended is an error
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StopQuery.html).
// Every local query has ended by then.
func (l *Logs) stopQuery(_ context.Context, in *stopQueryIn) (*stopQueryOut, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, err := l.find(in.QueryID)
	if err != nil {
		return nil, err
	}
	if q.status != statusScheduled && q.status != statusRunning {
		return nil, invalidf("Query %s is not running (its status is %s)", q.id, q.status)
	}
	q.status, q.results = statusCancelled, [][]resultField{}
	return &stopQueryOut{Success: true}, nil
}

type describeQueriesIn struct {
	LogGroupName string  `json:"logGroupName"`
	Status       string  `json:"status"`
	MaxResults   *int32  `json:"maxResults"`
	NextToken    *string `json:"nextToken"`
}

type queryInfo struct {
	QueryID       string `json:"queryId"`
	QueryString   string `json:"queryString"`
	Status        string `json:"status"`
	CreateTime    int64  `json:"createTime"`
	LogGroupName  string `json:"logGroupName"`
	QueryLanguage string `json:"queryLanguage,omitempty"`
}

type describeQueriesOut struct {
	Queries   []queryInfo `json:"queries"`
	NextToken *string     `json:"nextToken,omitempty"`
}

// describeQueries lists the kept queries, newest first, of a group
// (one of those the query read) and a status when given
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueries.html).
func (l *Logs) describeQueries(_ context.Context, in *describeQueriesIn) (*describeQueriesOut, error) {
	limit, err := checkLimit("maxResults", in.MaxResults, 1, 1000, 1000)
	if err != nil {
		return nil, err
	}
	switch in.Status {
	case "", statusScheduled, statusRunning, statusComplete, statusFailed, statusCancelled, statusTimeout, statusUnknown:
	default:
		return nil, invalidf("1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Scheduled, Running, Complete, Failed, Cancelled, Timeout, Unknown]", in.Status)
	}
	off, err := offsetOf("DescribeQueries", in.NextToken)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.queries = l.prune()
	var all []queryInfo
	for _, q := range slices.Backward(l.queries) {
		if in.Status != "" && q.status != in.Status || in.LogGroupName != "" && !slices.Contains(q.groups, in.LogGroupName) {
			continue
		}
		all = append(all, queryInfo{QueryID: q.id, QueryString: q.text, Status: q.status, CreateTime: q.created.UnixMilli(),
			LogGroupName: q.groups[0], QueryLanguage: "CWLI"})
	}
	l.mu.Unlock()
	qs, next := page("DescribeQueries", all, off, limit)
	return &describeQueriesOut{Queries: nonNil(qs), NextToken: next}, nil
}
