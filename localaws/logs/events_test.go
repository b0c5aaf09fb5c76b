package logs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// filterAll collects every page of a FilterLogEvents with the paginator.
func filterAll(t *testing.T, c *cloudwatchlogs.Client, in *cloudwatchlogs.FilterLogEventsInput) ([]types.FilteredLogEvent, int) {
	t.Helper()
	var out []types.FilteredLogEvent
	pages := 0
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		out = append(out, page.Events...)
	}
	return out, pages
}

func messages[E any](evs []E, msg func(E) *string) []string {
	var out []string
	for _, e := range evs {
		out = append(out, aws.ToString(msg(e)))
	}
	return out
}

func filteredMessage(e types.FilteredLogEvent) *string { return e.Message }

func fixtureMessages(evs []fixtureEvent, keep func(fixtureEvent) bool) []string {
	var out []string
	for _, e := range evs {
		if keep(e) {
			out = append(out, e.Message)
		}
	}
	return out
}

func TestFilterLogEventsPaginatesEveryEventOldestFirst(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	want := groupEvents(t, dir, notifications)
	got, pages := filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), Limit: aws.Int32(7)})
	if !slices.Equal(messages(got, filteredMessage), fixtureMessages(want, func(fixtureEvent) bool { return true })) {
		t.Errorf("%d events, want the group's %d in time order", len(got), len(want))
	}
	if pages != (len(want)+6)/7 {
		t.Errorf("%d pages of at most 7 for %d events", pages, len(want))
	}
	ids := map[string]bool{}
	for _, e := range got {
		if len(aws.ToString(e.EventId)) != 56 || ids[aws.ToString(e.EventId)] || aws.ToString(e.LogStreamName) == "" {
			t.Errorf("event %+v: ids are 56 digits and unique", e)
		}
		ids[aws.ToString(e.EventId)] = true
	}

	// Newest first, as the SDK's startFromHead false asks.
	back, _ := filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), Limit: aws.Int32(5), StartFromHead: aws.Bool(false)})
	rev := messages(back, filteredMessage)
	slices.Reverse(rev)
	if !slices.Equal(rev, messages(got, filteredMessage)) {
		t.Errorf("newest first: %d events, not the reverse of oldest first", len(back))
	}
}

func TestFilterLogEventsTimeRangeIsInMilliseconds(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, execution)
	lo, hi := evs[len(evs)/4].Timestamp, evs[3*len(evs)/4].Timestamp
	want := fixtureMessages(evs, func(e fixtureEvent) bool { return e.Timestamp >= lo && e.Timestamp <= hi })
	got, _ := filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(execution), StartTime: aws.Int64(lo), EndTime: aws.Int64(hi)})
	if len(want) == len(evs) || !slices.Equal(messages(got, filteredMessage), want) {
		t.Errorf("[%d, %d] ms: %d events, want %d of %d (both ends included)", lo, hi, len(got), len(want), len(evs))
	}
	// Seconds where milliseconds are due select nothing of the run.
	got, _ = filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(execution), StartTime: aws.Int64(lo / 1000), EndTime: aws.Int64(hi / 1000)})
	if len(got) != 0 {
		t.Errorf("a range in seconds matched %d events", len(got))
	}
	_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(execution), StartTime: aws.Int64(hi), EndTime: aws.Int64(lo)})
	wantCode(t, "an end before the start", err, "InvalidParameterException")
}

func TestFilterLogEventsPatterns(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, execution)
	field := func(msg, name string) any {
		var m map[string]any
		_ = json.Unmarshal([]byte(msg), &m)
		return m[name]
	}
	cases := []struct {
		pattern string
		keep    func(fixtureEvent) bool
	}{
		{`{ $.level = "WARN" }`, func(e fixtureEvent) bool { return field(e.Message, "level") == "WARN" }},
		{`{ ($.level = "INFO" || $.level = WARN) && $.message = "order*" }`, func(e fixtureEvent) bool {
			m, _ := field(e.Message, "message").(string)
			l := field(e.Message, "level")
			return (l == "INFO" || l == "WARN") && strings.HasPrefix(m, "order")
		}},
		{`"platform.report"`, func(e fixtureEvent) bool { return strings.Contains(e.Message, "platform.report") }},
		{`WARN`, func(e fixtureEvent) bool { return strings.Contains(e.Message, `"WARN"`) }},
		{`?WARN ?platform`, func(e fixtureEvent) bool {
			return strings.Contains(e.Message, `"WARN"`) || strings.Contains(e.Message, `"platform.`)
		}},
		{`level -WARN`, func(e fixtureEvent) bool {
			return strings.Contains(e.Message, `"level"`) && !strings.Contains(e.Message, `"WARN"`)
		}},
	}
	for _, tc := range cases {
		want := fixtureMessages(evs, tc.keep)
		got, _ := filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(execution), FilterPattern: aws.String(tc.pattern)})
		if len(want) == 0 || len(want) == len(evs) || !slices.Equal(messages(got, filteredMessage), want) {
			t.Errorf("%s: %d events, want %d of %d", tc.pattern, len(got), len(want), len(evs))
		}
	}
	_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(execution), FilterPattern: aws.String(`{ $.level = }`)})
	wantCode(t, "a bad pattern", err, "InvalidParameterException")
}

func TestFilterLogEventsErrorsAndStreams(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, notifications)
	out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), LogStreamNames: []string{evs[0].LogStreamName}})
	if err != nil || len(out.Events) != len(evs) || out.SearchedLogStreams == nil {
		t.Errorf("by stream: %d events, %v", len(out.Events), err)
	}
	out, _ = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), LogStreamNamePrefix: aws.String("nope")})
	if len(out.Events) != 0 {
		t.Errorf("an unmatched prefix: %d events", len(out.Events))
	}
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), LogStreamNames: []string{"a"}, LogStreamNamePrefix: aws.String("a")})
	wantCode(t, "names and prefix", err, "InvalidParameterException")
	for _, limit := range []int32{0, 10001} {
		_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), Limit: aws.Int32(limit)})
		wantCode(t, "limit", err, "InvalidParameterException")
	}
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/nope")})
	wantCode(t, "an unknown group", err, "ResourceNotFoundException")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications), NextToken: aws.String("Zm9v")})
	wantCode(t, "a bad token", err, "InvalidParameterException")
}

// The run keeps writing: every call reads the groups afresh, and a line
// still being written is not an event yet.
func TestEventsAreReadFreshOnEachCall(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, notifications)
	count := func() int {
		out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(notifications)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Events)
	}
	if n := count(); n != len(evs) {
		t.Fatalf("%d events, want %d", n, len(evs))
	}
	appendEvents(t, dir, notifications, fixtureEvent{LogStreamName: evs[0].LogStreamName, Timestamp: evs[len(evs)-1].Timestamp + 1, Message: "later"})
	if n := count(); n != len(evs)+1 {
		t.Errorf("after one more event: %d, want %d", n, len(evs)+1)
	}
	partialLine(t, dir, notifications, `{"logGroupName":"`+notifications+`","logStreamName":"s","timestamp":1,"mess`)
	if n := count(); n != len(evs)+1 {
		t.Errorf("with a line being written: %d, want %d", n, len(evs)+1)
	}
}

func TestGetLogEventsTokens(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, execution)
	stream := evs[0].LogStreamName
	all := fixtureMessages(evs, func(fixtureEvent) bool { return true })
	outMessage := func(e types.OutputLogEvent) *string { return e.Message }

	// Forward from the head until the token comes back unchanged.
	var fwd []string
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true), Limit: aws.Int32(10)}
	for calls := 0; ; calls++ {
		if calls > len(evs) {
			t.Fatal("the forward token never came back unchanged")
		}
		out, err := c.GetLogEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		fwd = append(fwd, messages(out.Events, outMessage)...)
		if in.NextToken != nil && aws.ToString(out.NextForwardToken) == *in.NextToken {
			if len(out.Events) != 0 {
				t.Errorf("the end returned %d events", len(out.Events))
			}
			break
		}
		in.NextToken = out.NextForwardToken
	}
	if !slices.Equal(fwd, all) {
		t.Errorf("forward: %d events, want the stream's %d in order", len(fwd), len(all))
	}

	// Without a token: the newest page; backward from there to the head.
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream), Limit: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(messages(out.Events, outMessage), all[len(all)-10:]) {
		t.Errorf("the newest page is not the last 10 events in order")
	}
	back := messages(out.Events, outMessage)
	tok := out.NextBackwardToken
	for calls := 0; ; calls++ {
		if calls > len(evs) {
			t.Fatal("the backward token never came back unchanged")
		}
		out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream), Limit: aws.Int32(10), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.NextBackwardToken) == aws.ToString(tok) {
			break
		}
		back = append(messages(out.Events, outMessage), back...)
		tok = out.NextBackwardToken
	}
	if !slices.Equal(back, all) {
		t.Errorf("backward: %d events, want the stream's %d", len(back), len(all))
	}

	// The end time is excluded, the start time included.
	lo, hi := evs[5].Timestamp, evs[len(evs)-5].Timestamp
	out, _ = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream),
		StartFromHead: aws.Bool(true), StartTime: aws.Int64(lo), EndTime: aws.Int64(hi)})
	want := fixtureMessages(evs, func(e fixtureEvent) bool { return e.Timestamp >= lo && e.Timestamp < hi })
	if !slices.Equal(messages(out.Events, outMessage), want) {
		t.Errorf("[%d, %d): %d events, want %d", lo, hi, len(out.Events), len(want))
	}

	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String("nope")})
	wantCode(t, "an unknown stream", err, "ResourceNotFoundException")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream), Limit: aws.Int32(10001)})
	wantCode(t, "limit 10001", err, "InvalidParameterException")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(execution), LogStreamName: aws.String(stream), NextToken: aws.String("x/1/2")})
	wantCode(t, "a bad token", err, "InvalidParameterException")
}
