package logs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxEventsBytes is a page's size bound: as many events as fit in 1 MB
// (each counted as its message and 26 bytes, as PutLogEvents counts),
// and always at least one.
const maxEventsBytes = 1 << 20

type filterLogEventsIn struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	StartFromHead       *bool    `json:"startFromHead"`
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterLogEventsOut struct {
	Events             []filteredLogEvent  `json:"events"`
	SearchedLogStreams []searchedLogStream `json:"searchedLogStreams"`
	NextToken          *string             `json:"nextToken,omitempty"`
}

// filterLogEvents lists a group's events in [startTime, endTime] (epoch
// milliseconds, both included) that match the filter pattern, oldest
// first unless startFromHead is false, at most limit (10,000) or 1 MB a
// page; a page may be short while the token says more remain. Since 2020
// searchedLogStreams is always empty
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
func (l *Logs) filterLogEvents(_ context.Context, in *filterLogEventsIn) (*filterLogEventsOut, error) {
	name, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", in.Limit, 1, 10000, 10000)
	if err != nil {
		return nil, err
	}
	if err := checkStreams(in.LogStreamNames, in.LogStreamNamePrefix); err != nil {
		return nil, err
	}
	start, end, err := msRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	pat, err := CompilePattern(in.FilterPattern)
	if err != nil {
		return nil, invalidf("Invalid filter pattern: %v", err)
	}
	forward := in.StartFromHead == nil || *in.StartFromHead
	var after *key
	if in.NextToken != nil {
		if forward, after, err = filterPosition(*in.NextToken); err != nil {
			return nil, err
		}
	}
	snap, err := l.snapshot()
	if err != nil {
		return nil, err
	}
	g, err := snap.group(name)
	if err != nil {
		return nil, err
	}
	match := func(e *event) bool {
		switch {
		case e.Timestamp < start || e.Timestamp > end,
			len(in.LogStreamNames) > 0 && !slices.Contains(in.LogStreamNames, e.LogStream),
			in.LogStreamNamePrefix != nil && !strings.HasPrefix(e.LogStream, *in.LogStreamNamePrefix),
			after != nil && forward && !after.less(keyOf(e)),
			after != nil && !forward && !keyOf(e).less(*after):
			return false
		}
		return pat.Match(e.Message)
	}
	out := &filterLogEventsOut{Events: []filteredLogEvent{}, SearchedLogStreams: []searchedLogStream{}}
	size, last := 0, key{}
	for i := range g.events {
		e := g.events[i]
		if !forward {
			e = g.events[len(g.events)-1-i]
		}
		if !match(e) {
			continue
		}
		if len(out.Events) == limit || len(out.Events) > 0 && size+len(e.Message)+26 > maxEventsBytes {
			tok := filterToken(forward, last)
			out.NextToken = &tok
			break
		}
		size, last = size+len(e.Message)+26, keyOf(e)
		out.Events = append(out.Events, filteredLogEvent{LogStreamName: e.LogStream, Timestamp: e.Timestamp,
			Message: e.Message, IngestionTime: e.IngestionTime, EventID: e.id()})
	}
	return out, nil
}

// checkStreams refuses logStreamNames with logStreamNamePrefix, and a
// list of more than 100.
func checkStreams(names []string, prefix *string) error {
	switch {
	case len(names) > 0 && prefix != nil:
		return invalidf("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	case len(names) > 100:
		return invalidf("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	return nil
}

// msRange is [start, end] in epoch milliseconds, unbounded where absent.
func msRange(start, end *int64) (int64, int64, error) {
	lo, hi := int64(0), int64(1<<62)
	if start != nil {
		lo = *start
	}
	if end != nil {
		hi = *end
	}
	if lo < 0 || hi < 0 {
		return 0, 0, invalidf("startTime and endTime must be epoch milliseconds, not negative")
	}
	if hi < lo {
		return 0, 0, invalidf("endTime (%d) is before startTime (%d)", hi, lo)
	}
	return lo, hi, nil
}

// key is an event's place in a group or stream: timestamp, then seq.
type key struct {
	ts  int64
	seq int
}

func keyOf(e *event) key { return key{e.Timestamp, e.seq} }

// less reports whether k comes before o.
func (k key) less(o key) bool { return k.ts < o.ts || k.ts == o.ts && k.seq < o.seq }

func filterToken(forward bool, k key) string {
	dir := "b"
	if forward {
		dir = "f"
	}
	return encodeToken("FilterLogEvents", dir, strconv.FormatInt(k.ts, 10), strconv.Itoa(k.seq))
}

func filterPosition(token string) (forward bool, after *key, err error) {
	parts, err := decodeToken("FilterLogEvents", token, 3)
	if err != nil {
		return false, nil, err
	}
	k, err := parseKey(parts[1], parts[2])
	if err != nil || parts[0] != "f" && parts[0] != "b" {
		return false, nil, invalidf("The specified nextToken is not valid.")
	}
	return parts[0] == "f", &k, nil
}

func parseKey(ts, seq string) (key, error) {
	t, err1 := strconv.ParseInt(ts, 10, 64)
	s, err2 := strconv.Atoi(seq)
	if err1 != nil || err2 != nil {
		return key{}, fmt.Errorf("bad key")
	}
	return key{t, s}, nil
}
