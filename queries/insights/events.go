package insights

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

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
// naming its line and column. ReadLogEvents also reads the documents the
// AWS CLI prints.
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
				return lineError(name, line, len(b), err)
			}
		}
		if e.Timestamp == nil {
			return fmt.Errorf("%s:%d:1: the log event has no timestamp", name, line)
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

// lineError places encoding/json's error on a line of n bytes: a syntax
// error at its byte (or after the line, when it ends early), a wrong type
// at the start of the line.
func lineError(name string, line, n int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		col := max(se.Offset, 1)
		if se.Offset == int64(n) && strings.HasPrefix(se.Error(), "unexpected end") {
			col++
		}
		return fmt.Errorf("%s:%d:%d: not a log event: %v", name, line, col, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		return fmt.Errorf("%s:%d:1: not a log event: %s, not an object", name, line, jsonKind(te.Value))
	}
	if errors.As(err, &te) {
		return fmt.Errorf("%s:%d:1: not a log event: %s is %s, want %s", name, line, te.Field, jsonKind(te.Value), goKind(te.Type))
	}
	return fmt.Errorf("%s:%d:1: not a log event: %v", name, line, err)
}

// decodeEvent reads one exported event without reflection; false means
// "let encoding/json try, and explain".
func decodeEvent(s string, e *exported) bool {
	d := jsonDiscoverer{s: s}
	if d.ws(); d.peek() != '{' {
		return false
	}
	ok := d.members(func(key string) bool {
		if foreignSpelling(key) {
			return false
		}
		switch key {
		case "message", "logGroupName", "logStreamName":
			if d.peek() != '"' {
				return false
			}
			v, ok := d.strictString(true)
			switch key {
			case "message":
				e.Message = v
			case "logGroupName":
				e.LogGroupName = v
			default:
				e.LogStreamName = v
			}
			return ok
		case "timestamp", "ingestionTime":
			n, ok := d.integer()
			if key == "timestamp" {
				e.Timestamp = &n
			} else {
				e.IngestionTime = n
			}
			return ok
		}
		return d.strictValue(1)
	})
	return ok && d.end()
}

// end reports whether only whitespace is left: encoding/json refuses
// anything after the top-level value.
func (d *jsonDiscoverer) end() bool {
	d.ws()
	return d.i == len(d.s)
}

// integer reads a JSON number that is an integer, -?(0|[1-9][0-9]*), and
// fits an int64; a fraction or exponent is left to encoding/json.
func (d *jsonDiscoverer) integer() (int64, bool) {
	start := d.i
	if d.peek() == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	switch {
	case d.i == digits, d.s[digits] == '0' && d.i-digits > 1:
		return 0, false
	case d.i < len(d.s) && (d.s[d.i] == '.' || d.s[d.i] == 'e' || d.s[d.i] == 'E'):
		return 0, false
	}
	n, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
	return n, err == nil
}
