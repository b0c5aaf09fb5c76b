package insights

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/alchemiser/alchemiser/internal/inputs"
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
	sc.Buffer(make([]byte, 0, 64<<10), inputs.LogLine)
	line := 1
	for ; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var e exported
		if !decodeEvent(string(b), &e) { // the slow path names the problem
			if err := json.Unmarshal(b, &e); err != nil {
				return fmt.Errorf("%s:%d: not a log event: %v", name, line, err)
			}
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
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return &inputs.TooLargeError{Name: name, Line: line, Limit: inputs.LogLine}
	}
	return sc.Err()
}

// decodeEvent reads one exported event without reflection; false means
// "let encoding/json try, and explain".
func decodeEvent(s string, e *exported) bool {
	d := jsonDiscoverer{s: s}
	d.ws()
	if d.peek() != '{' {
		return false
	}
	d.i++
	for {
		d.ws()
		if d.peek() == '}' {
			return true
		}
		if d.peek() != '"' {
			return false
		}
		key, ok := d.str()
		if !ok {
			return false
		}
		d.ws()
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		switch key {
		case "message", "logGroupName", "logStreamName":
			if d.peek() != '"' {
				return false
			}
			v, ok := d.str()
			if !ok {
				return false
			}
			switch key {
			case "message":
				e.Message = v
			case "logGroupName":
				e.LogGroupName = v
			default:
				e.LogStreamName = v
			}
		case "timestamp", "ingestionTime":
			start := d.i
			for d.i < len(d.s) && (d.s[d.i] >= '0' && d.s[d.i] <= '9' || d.s[d.i] == '-') {
				d.i++
			}
			n, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
			if err != nil {
				return false
			}
			if key == "timestamp" {
				e.Timestamp = &n
			} else {
				e.IngestionTime = n
			}
		default:
			if !d.skip() {
				return false
			}
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			return true
		default:
			return false
		}
	}
}
