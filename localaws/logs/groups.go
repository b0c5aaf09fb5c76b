package logs

import (
	"context"
	"slices"
	"strings"
)

type describeLogGroupsIn struct {
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	Limit               *int32   `json:"limit"`
	NextToken           *string  `json:"nextToken"`
}

type logGroup struct {
	LogGroupName string `json:"logGroupName"`
	CreationTime int64  `json:"creationTime,omitempty"`
	Arn          string `json:"arn"`
	LogGroupArn  string `json:"logGroupArn,omitempty"`
	StoredBytes  *int64 `json:"storedBytes,omitempty"`
	// MetricFilterCount is the count of filters; none are served.
	MetricFilterCount *int32 `json:"metricFilterCount,omitempty"`
	LogGroupClass     string `json:"logGroupClass,omitempty"`
}

type describeLogGroupsOut struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken *string    `json:"nextToken,omitempty"`
}

// describeLogGroups lists the groups ASCII-sorted by name, 50 at most a
// page; logGroupNamePattern is a case-sensitive substring and, with it,
// only arn, creationTime and logGroupName are returned
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
func (l *Logs) describeLogGroups(_ context.Context, in *describeLogGroupsIn) (*describeLogGroupsOut, error) {
	limit, err := checkLimit("limit", in.Limit, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidf("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	if len(in.LogGroupIdentifiers) > 0 && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, invalidf("logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.")
	}
	off, err := offsetOf("DescribeLogGroups", in.NextToken)
	if err != nil {
		return nil, err
	}
	snap, err := l.snapshot()
	if err != nil {
		return nil, err
	}
	var wanted []string
	for _, id := range in.LogGroupIdentifiers {
		wanted = append(wanted, groupName(id))
	}
	var all []logGroup
	for _, name := range snap.names() {
		switch {
		case in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix),
			in.LogGroupNamePattern != nil && !strings.Contains(name, *in.LogGroupNamePattern),
			len(wanted) > 0 && !slices.Contains(wanted, name):
			continue
		}
		all = append(all, l.logGroup(snap.groups[name], in.LogGroupNamePattern != nil))
	}
	groups, next := page("DescribeLogGroups", all, off, limit)
	return &describeLogGroupsOut{LogGroups: nonNil(groups), NextToken: next}, nil
}

func (l *Logs) logGroup(g *group, short bool) logGroup {
	arn := l.groupARN(g.name)
	out := logGroup{LogGroupName: g.name, CreationTime: g.created(), Arn: arn + ":*"}
	if short {
		return out
	}
	bytes, filters := g.bytes, int32(0)
	out.LogGroupArn, out.StoredBytes, out.MetricFilterCount, out.LogGroupClass = arn, &bytes, &filters, "STANDARD"
	return out
}

type describeLogStreamsIn struct {
	LogGroupName        string  `json:"logGroupName"`
	LogGroupIdentifier  string  `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             string  `json:"orderBy"`
	Descending          bool    `json:"descending"`
	Limit               *int32  `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime,omitempty"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	// StoredBytes is always 0 for a stream, as in AWS since 2019
	// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogStream.html).
	StoredBytes int64 `json:"storedBytes"`
}

type describeLogStreamsOut struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

// describeLogStreams lists a group's streams by name or by last event
// time (which excludes a prefix), ascending unless descending, 50 at most
// a page (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html).
func (l *Logs) describeLogStreams(_ context.Context, in *describeLogStreamsIn) (*describeLogStreamsOut, error) {
	name, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", in.Limit, 1, 50, 50)
	if err != nil {
		return nil, err
	}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if in.LogStreamNamePrefix != nil {
			return nil, invalidf("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, invalidf("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	off, err := offsetOf("DescribeLogStreams", in.NextToken)
	if err != nil {
		return nil, err
	}
	snap, err := l.snapshot()
	if err != nil {
		return nil, err
	}
	g, err := snap.group(name)
	if err != nil {
		return nil, err
	}
	var all []logStream
	for _, st := range g.streams {
		if in.LogStreamNamePrefix != nil && !strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			continue
		}
		all = append(all, l.logStream(g.name, st))
	}
	slices.SortFunc(all, func(a, b logStream) int {
		c := strings.Compare(a.LogStreamName, b.LogStreamName)
		if in.OrderBy == "LastEventTime" && a.LastEventTimestamp != b.LastEventTimestamp {
			c = cmpInt(a.LastEventTimestamp, b.LastEventTimestamp)
		}
		if in.Descending {
			return -c
		}
		return c
	})
	streams, next := page("DescribeLogStreams", all, off, limit)
	return &describeLogStreamsOut{LogStreams: nonNil(streams), NextToken: next}, nil
}

func (l *Logs) logStream(group string, st *stream) logStream {
	out := logStream{LogStreamName: st.name, Arn: l.groupARN(group) + ":log-stream:" + st.name}
	if n := len(st.events); n > 0 {
		first, last := st.events[0], st.events[n-1]
		out.CreationTime, out.FirstEventTimestamp, out.LastEventTimestamp = first.Timestamp, first.Timestamp, last.Timestamp
		for _, e := range st.events {
			out.LastIngestionTime = max(out.LastIngestionTime, e.IngestionTime)
		}
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nonNil is s, or an empty slice: lists are [] on the wire, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
