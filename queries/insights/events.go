package insights

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// exported is a log event as `aws logs filter-log-events` returns it.
type exported struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
	Timestamp     *int64 `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	Message       string `json:"message"`
}

// ReadEvents reads JSON Lines of log events in the shape filter-log-events
// returns them (logStreamName, timestamp and ingestionTime in epoch
// milliseconds, message, and optionally logGroupName, which defaults to
// group) and yields each. A line that is not such an event is an error
// naming its line.
func ReadEvents(r io.Reader, name, group string, yield func(*Event) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e exported
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("%s:%d: not a log event: %v", name, line, err)
		}
		if e.Timestamp == nil {
			return fmt.Errorf("%s:%d: the log event has no timestamp", name, line)
		}
		if e.LogGroupName == "" {
			e.LogGroupName = group
		}
		ev := &Event{Timestamp: *e.Timestamp, IngestionTime: e.IngestionTime, Message: e.Message,
			LogStream: e.LogStreamName, LogGroup: e.LogGroupName}
		if !yield(ev) {
			return nil
		}
	}
	return sc.Err()
}
