package logs

import (
	"context"
	"fmt"
	"strings"
)

type getLogEventsIn struct {
	LogGroupName       string  `json:"logGroupName"`
	LogGroupIdentifier string  `json:"logGroupIdentifier"`
	LogStreamName      string  `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int32  `json:"limit"`
	StartFromHead      bool    `json:"startFromHead"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOut struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// getLogEvents pages through one stream's events in [startTime, endTime)
// (epoch milliseconds; the end is excluded), each page oldest first. With
// no token it starts from the newest events unless startFromHead; the
// forward token continues after the page, the backward token before it,
// and at the end of the stream a token comes back unchanged, which is how
// a reader knows to stop
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
func (l *Logs) getLogEvents(_ context.Context, in *getLogEventsIn) (*getLogEventsOut, error) {
	name, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" {
		return nil, invalidf("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	limit, err := checkLimit("limit", in.Limit, 1, 10000, 10000)
	if err != nil {
		return nil, err
	}
	start, end, err := msRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	forward, from := in.StartFromHead, (*key)(nil)
	if in.NextToken != nil {
		if forward, from, err = streamPosition(*in.NextToken); err != nil {
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
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, errorNoStream(in.LogStreamName)
	}
	var window []*event
	for _, e := range st.events {
		k := keyOf(e)
		switch {
		case e.Timestamp < start || (in.EndTime != nil && e.Timestamp >= end),
			from != nil && forward && !from.less(k),
			from != nil && !forward && !k.less(*from):
			continue
		}
		window = append(window, e)
	}
	pageEvents := takeEvents(window, limit, forward)
	out := &getLogEventsOut{Events: []outputLogEvent{}}
	for _, e := range pageEvents {
		out.Events = append(out.Events, outputLogEvent{Timestamp: e.Timestamp, Message: e.Message, IngestionTime: e.IngestionTime})
	}
	switch {
	case len(pageEvents) > 0:
		out.NextForwardToken = streamToken(true, keyOf(pageEvents[len(pageEvents)-1]))
		out.NextBackwardToken = streamToken(false, keyOf(pageEvents[0]))
	case from != nil: // the end: the same token back
		out.NextForwardToken, out.NextBackwardToken = streamToken(true, *from), streamToken(false, *from)
		if forward {
			out.NextForwardToken = *in.NextToken
		} else {
			out.NextBackwardToken = *in.NextToken
		}
	default:
		out.NextForwardToken, out.NextBackwardToken = streamToken(true, key{}), streamToken(false, key{})
	}
	return out, nil
}

// takeEvents is the page: the first events of the window going forward,
// its last going backward, at most limit and 1 MB, in time order.
func takeEvents(window []*event, limit int, forward bool) []*event {
	n, size := 0, 0
	for n < len(window) && n < limit {
		e := window[n]
		if !forward {
			e = window[len(window)-1-n]
		}
		if n > 0 && size+len(e.Message)+26 > maxEventsBytes {
			break
		}
		size += len(e.Message) + 26
		n++
	}
	if forward {
		return window[:n]
	}
	return window[len(window)-n:]
}

// streamToken is f/<timestamp>/<seq> (after the event) or b/... (before
// it), as AWS's tokens start with f/ and b/.
func streamToken(forward bool, k key) string {
	dir := "b"
	if forward {
		dir = "f"
	}
	return fmt.Sprintf("%s/%020d/%d", dir, k.ts, k.seq)
}

func streamPosition(token string) (forward bool, from *key, err error) {
	parts := strings.Split(token, "/")
	if len(parts) != 3 || parts[0] != "f" && parts[0] != "b" {
		return false, nil, invalidf("The specified nextToken is not valid.")
	}
	k, perr := parseKey(parts[1], parts[2])
	if perr != nil {
		return false, nil, invalidf("The specified nextToken is not valid.")
	}
	return parts[0] == "f", &k, nil
}

func errorNoStream(name string) error {
	return errorf(codeNotFound, "The specified log stream does not exist: %s", name)
}
