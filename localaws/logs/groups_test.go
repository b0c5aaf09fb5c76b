package logs

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestDescribeLogGroupsPaginatesInNameOrder(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	var names []string
	pages := 0
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
			if aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:"+aws.ToString(g.LogGroupName)+":*" ||
				aws.ToInt64(g.StoredBytes) <= 0 || aws.ToInt64(g.CreationTime) <= 0 {
				t.Errorf("group %+v", g)
			}
		}
	}
	want := fixtureGroups(t, dir)
	if !slices.Equal(names, want) || pages != (len(want)+1)/2 {
		t.Errorf("%d pages of %v, want %v", pages, names, want)
	}
}

func TestDescribeLogGroupsPrefixAndPattern(t *testing.T) {
	c, _ := newClient(t, runDir(t))
	out, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/alchemiser-n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 1 || aws.ToString(out.LogGroups[0].LogGroupName) != notifications {
		t.Errorf("prefix: %+v", out.LogGroups)
	}
	// A case-sensitive substring, and only arn, creationTime and name.
	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("execution")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 1 || out.LogGroups[0].StoredBytes != nil || out.LogGroups[0].Arn == nil {
		t.Errorf("pattern: %+v", out.LogGroups)
	}
	out, _ = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("EXECUTION")})
	if len(out.LogGroups) != 0 {
		t.Errorf("the pattern is not case-sensitive: %+v", out.LogGroups)
	}
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("x"), LogGroupNamePrefix: aws.String("/")})
	wantCode(t, "prefix and pattern", err, "InvalidParameterException")
	for _, limit := range []int32{0, 51} {
		_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(limit)})
		wantCode(t, "limit", err, "InvalidParameterException")
	}
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{NextToken: aws.String("garbage")})
	wantCode(t, "a bad token", err, "InvalidParameterException")
}

func TestConfiguredGroupsExistBeforeTheirEvents(t *testing.T) {
	c := client(t, Config{RunDir: t.TempDir(), LogGroups: []string{"/aws/lambda/alchemiser-scheduler"}})
	out, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 1 || out.LogGroups[0].CreationTime != nil {
		t.Errorf("groups %+v", out.LogGroups)
	}
	streams, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: out.LogGroups[0].LogGroupName})
	if err != nil || len(streams.LogStreams) != 0 {
		t.Errorf("streams %+v, %v", streams, err)
	}
}

func TestDescribeLogStreams(t *testing.T) {
	dir := runDir(t)
	c, _ := newClient(t, dir)
	evs := groupEvents(t, dir, notifications)
	first := evs[0].LogStreamName
	second := first[:len("2026/12/05/[$LATEST]")] + "zzzz" // after first by name
	// A second environment's stream, started before the first's last
	// event and ending after it.
	appendEvents(t, dir, notifications,
		fixtureEvent{LogStreamName: second, Timestamp: evs[0].Timestamp + 1, IngestionTime: evs[0].Timestamp + 2, Message: "one"},
		fixtureEvent{LogStreamName: second, Timestamp: evs[len(evs)-1].Timestamp + 5, IngestionTime: evs[len(evs)-1].Timestamp + 9, Message: "two"})

	var got []types.LogStream
	p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(notifications), Limit: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.LogStreams) != 1 {
			t.Fatalf("a page of %d streams with limit 1", len(out.LogStreams))
		}
		got = append(got, out.LogStreams...)
	}
	if len(got) != 2 || aws.ToString(got[0].LogStreamName) != first || aws.ToString(got[1].LogStreamName) != second {
		t.Fatalf("streams by name: %+v", got)
	}
	s := got[0]
	if aws.ToInt64(s.FirstEventTimestamp) != evs[0].Timestamp || aws.ToInt64(s.LastEventTimestamp) != evs[len(evs)-1].Timestamp ||
		aws.ToInt64(s.LastIngestionTime) != evs[len(evs)-1].IngestionTime {
		t.Errorf("stream %+v", s)
	}
	//lint:ignore SA1019 the member is deprecated because AWS reports 0 for streams, which is what is checked
	if stored := s.StoredBytes; stored == nil || *stored != 0 {
		t.Errorf("a stream's storedBytes is %v, want 0 as AWS reports it", stored)
	}
	if aws.ToInt64(got[1].LastIngestionTime) != evs[len(evs)-1].Timestamp+9 {
		t.Errorf("second stream %+v", got[1])
	}

	// By last event time, newest first, by the group's ARN.
	out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:" + notifications),
		OrderBy:            types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogStreams) != 2 || aws.ToString(out.LogStreams[0].LogStreamName) != second {
		t.Errorf("by last event time: %+v", out.LogStreams)
	}
	out, _ = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(notifications), LogStreamNamePrefix: aws.String(second[:len(second)-1])})
	if len(out.LogStreams) != 1 {
		t.Errorf("by prefix: %+v", out.LogStreams)
	}

	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(notifications),
		OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("2026")})
	wantCode(t, "a prefix ordered by time", err, "InvalidParameterException")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(notifications), Limit: aws.Int32(51)})
	wantCode(t, "limit 51", err, "InvalidParameterException")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/nope")})
	wantCode(t, "an unknown group", err, "ResourceNotFoundException")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{})
	wantCode(t, "no group", err, "InvalidParameterException")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(notifications), LogGroupIdentifier: aws.String(notifications)})
	wantCode(t, "name and identifier", err, "InvalidParameterException")
}
