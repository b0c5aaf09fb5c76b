package logs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// failedWorkflows are the correlation ids of the run's failed workflows,
// read from the notifications group without the engine.
func failedWorkflows(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, e := range groupEvents(t, dir, notifications) {
		var m map[string]any
		if json.Unmarshal([]byte(e.Message), &m) == nil && m["message"] == "workflow ended" && m["status"] == "failed" {
			out = append(out, m["correlation_id"].(string))
		}
	}
	slices.Sort(out)
	return out
}

// savedDefinition is a saved query as DescribeQueryDefinitions lists it.
func savedDefinition(t *testing.T, c *cloudwatchlogs.Client, name string) types.QueryDefinition {
	t.Helper()
	out, err := c.DescribeQueryDefinitions(ctx, &cloudwatchlogs.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.QueryDefinitions) != 1 {
		t.Fatalf("%d definitions named %s...", len(out.QueryDefinitions), name)
	}
	return out.QueryDefinitions[0]
}

func field(row []types.ResultField, name string) (string, bool) {
	for _, f := range row {
		if aws.ToString(f.Field) == name {
			return aws.ToString(f.Value), true
		}
	}
	return "", false
}

func TestSavedQueryRunsAndCompletes(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	def := savedDefinition(t, c, "Alchemiser/workflow-failed/workflow-failed v")
	evs := groupEvents(t, dir, notifications)
	start, end := evs[0].Timestamp/1000, evs[len(evs)-1].Timestamp/1000 // seconds
	started, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupNames: def.LogGroupNames, QueryString: def.QueryString,
		StartTime: aws.Int64(start), EndTime: aws.Int64(end)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: started.QueryId})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != types.QueryStatusComplete {
		t.Fatalf("status %s, want Complete on the first GetQueryResults", res.Status)
	}
	var ids []string
	for _, row := range res.Results {
		id, ok := field(row, "correlation_id")
		_, ptr := field(row, "@ptr")
		if _, ts := field(row, "@timestamp"); !ok || !ptr || !ts {
			t.Errorf("row %v lacks correlation_id, @timestamp or @ptr", row)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if want := failedWorkflows(t, dir); len(want) == 0 || !slices.Equal(ids, want) {
		t.Errorf("workflow-failed returned %v, want %v", ids, want)
	}
	st := res.Statistics
	if st.RecordsMatched != float64(len(res.Results)) || st.RecordsScanned != float64(len(evs)) || st.BytesScanned <= 0 {
		t.Errorf("statistics %+v: %d rows of %d events", st, len(res.Results), len(evs))
	}

	// It has ended: StopQuery says it is not running.
	_, err = c.StopQuery(ctx, &cloudwatchlogs.StopQueryInput{QueryId: started.QueryId})
	wantCode(t, "stopping a complete query", err, "InvalidParameterException")
	qs, err := c.DescribeQueries(ctx, &cloudwatchlogs.DescribeQueriesInput{LogGroupName: aws.String(notifications), Status: types.QueryStatusComplete})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs.Queries) != 1 || aws.ToString(qs.Queries[0].QueryId) != aws.ToString(started.QueryId) ||
		aws.ToString(qs.Queries[0].QueryString) != aws.ToString(def.QueryString) || aws.ToInt64(qs.Queries[0].CreateTime) != fixtureNow.UnixMilli() {
		t.Errorf("DescribeQueries: %+v", qs.Queries)
	}
}

func TestStartQueryTimesAreSeconds(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, notifications)
	first, last := evs[0].Timestamp, evs[len(evs)-1].Timestamp
	run := func(start, end int64) *cloudwatchlogs.GetQueryResultsOutput {
		t.Helper()
		started, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupName: aws.String(notifications),
			QueryString: aws.String("stats count() as n"), StartTime: aws.Int64(start), EndTime: aws.Int64(end)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: started.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	count := func(res *cloudwatchlogs.GetQueryResultsOutput) string {
		if len(res.Results) != 1 {
			t.Fatalf("stats gave %d rows", len(res.Results))
		}
		n, _ := field(res.Results[0], "n")
		return n
	}
	// The end second is included whole.
	if n := count(run(first/1000, last/1000)); n != itoa(len(evs)) {
		t.Errorf("[first, last] in seconds counted %s, want %d", n, len(evs))
	}
	if n := count(run(last/1000+1, last/1000+60)); n != "0" {
		t.Errorf("a range after the run counted %s", n)
	}
	// Milliseconds where seconds are due are far in the future.
	if n := count(run(first, last)); n != "0" {
		t.Errorf("a range in milliseconds counted %s", n)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStartQueryErrors(t *testing.T) {
	c, _ := newClient(t, runDir(t))
	in := func(mod func(*cloudwatchlogs.StartQueryInput)) *cloudwatchlogs.StartQueryInput {
		q := &cloudwatchlogs.StartQueryInput{LogGroupName: aws.String(notifications), QueryString: aws.String("fields @message"),
			StartTime: aws.Int64(0), EndTime: aws.Int64(2000000000)}
		mod(q)
		return q
	}
	_, err := c.StartQuery(ctx, in(func(q *cloudwatchlogs.StartQueryInput) { q.QueryString = aws.String("fields @message\n| frobnicate x") }))
	wantCode(t, "a query that does not parse", err, "MalformedQueryException")
	if err != nil && !strings.Contains(err.Error(), "line 2, column 3") {
		t.Errorf("the error does not say where: %v", err)
	}
	_, err = c.StartQuery(ctx, in(func(q *cloudwatchlogs.StartQueryInput) { q.LogGroupName = aws.String("/aws/lambda/nope") }))
	wantCode(t, "an unknown group", err, "ResourceNotFoundException")
	_, err = c.StartQuery(ctx, in(func(q *cloudwatchlogs.StartQueryInput) { q.LogGroupNames = []string{notifications} }))
	wantCode(t, "two ways of naming groups", err, "InvalidParameterException")
	_, err = c.StartQuery(ctx, in(func(q *cloudwatchlogs.StartQueryInput) { q.Limit = aws.Int32(10001) }))
	wantCode(t, "limit 10001", err, "InvalidParameterException")
	_, err = c.StartQuery(ctx, in(func(q *cloudwatchlogs.StartQueryInput) { q.StartTime, q.EndTime = aws.Int64(10), aws.Int64(5) }))
	wantCode(t, "an end before the start", err, "InvalidParameterException")
	_, err = c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String("nope")})
	wantCode(t, "an unknown query", err, "ResourceNotFoundException")
	_, err = c.StopQuery(ctx, &cloudwatchlogs.StopQueryInput{QueryId: aws.String("nope")})
	wantCode(t, "stopping an unknown query", err, "ResourceNotFoundException")
	_, err = c.DescribeQueries(ctx, &cloudwatchlogs.DescribeQueriesInput{MaxResults: aws.Int32(1001)})
	wantCode(t, "maxResults 1001", err, "InvalidParameterException")
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(notifications)})
	wantCode(t, "an operation not served", err, "UnknownOperationException")
}

func TestStartQueryLimitsRows(t *testing.T) {
	c, _ := newClient(t, runDir(t))
	started, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:" + execution},
		QueryString: aws.String("fields @timestamp, @message"), StartTime: aws.Int64(0), EndTime: aws.Int64(2000000000), Limit: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: started.QueryId})
	if len(res.Results) != 3 || res.Statistics.RecordsMatched <= 3 {
		t.Errorf("limit 3: %d rows of %v matched", len(res.Results), res.Statistics.RecordsMatched)
	}
}

// Results are kept for the newest queries, for 7 days.
func TestQueriesAreKeptBoundedInCountAndTime(t *testing.T) {
	c0 := &clock{now: fixtureNow}
	c := client(t, Config{RunDir: runDir(t), Now: c0.Now, MaxQueries: 2})
	start := func() string {
		out, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupName: aws.String(notifications), QueryString: aws.String("stats count()"),
			StartTime: aws.Int64(0), EndTime: aws.Int64(2000000000)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.QueryId)
	}
	first := start()
	c0.now = c0.now.Add(time.Minute)
	second := start()
	c0.now = c0.now.Add(time.Minute)
	third := start()
	var listed []string
	// The SDK has no paginator for DescribeQueries.
	in := &cloudwatchlogs.DescribeQueriesInput{MaxResults: aws.Int32(1)}
	for pages := 0; ; pages++ {
		out, err := c.DescribeQueries(ctx, in)
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, q := range out.Queries {
			listed = append(listed, aws.ToString(q.QueryId))
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if !slices.Equal(listed, []string{third, second}) {
		t.Errorf("listed %v, want the newest two, newest first: %v", listed, []string{third, second})
	}
	_, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(first)})
	wantCode(t, "a query beyond MaxQueries", err, "ResourceNotFoundException")

	c0.now = c0.now.Add(7*24*time.Hour - 30*time.Second) // the third is 7 days less 30 s old, the second 7 days and 30 s
	if _, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(third)}); err != nil {
		t.Errorf("a query of 7 days ago: %v", err)
	}
	_, err = c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(second)})
	wantCode(t, "a query older than 7 days", err, "ResourceNotFoundException")
}
