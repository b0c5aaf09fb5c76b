package insights

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// The documents the AWS CLI prints for CloudWatch Logs' event listings
// (--output json, the default):
//
//   - aws logs filter-log-events: FilterLogEvents' response,
//     {"events": [...], "searchedLogStreams": [...], "nextToken": "..."},
//     each event a FilteredLogEvent {"logStreamName", "timestamp",
//     "message", "ingestionTime", "eventId"}, times in epoch milliseconds
//     (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html);
//   - aws logs get-log-events: GetLogEvents' response, {"events": [...],
//     "nextForwardToken": "...", "nextBackwardToken": "..."}, each event an
//     OutputLogEvent {"timestamp", "message", "ingestionTime"}, with no
//     stream name (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
//
// Neither names the log group: the request did. The CLI pages through the
// results itself and prints one document (with --max-items it adds its own
// NextToken); the pagination fields, and any other key AWS adds, are
// skipped.

// responseKeys are the top-level keys of those documents. A log event has
// none of them, so an object whose first key is one is a document.
var responseKeys = map[string]bool{
	"events": true, "searchedLogStreams": true, "nextToken": true, "NextToken": true,
	"nextForwardToken": true, "nextBackwardToken": true,
}

// ReadLogEvents reads log events in any of the forms the AWS CLI's logs
// commands print, told apart by the content, and yields each until yield
// returns false:
//
//   - a filter-log-events or get-log-events document (the first byte
//     that is not white space is { and the first key one of the
//     documents'), or several one after another, as a loop over pages
//     appends them (ReadResponse);
//   - the events array alone (--query events), starting with [;
//   - JSON Lines, one event per line (ReadEvents).
//
// An event without logGroupName is in group. Errors name the file (name),
// line and column.
func ReadLogEvents(r io.Reader, name, group string, yield func(*Event) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if isResponse(br) {
		return ReadResponse(br, name, group, yield)
	}
	if key, ok := otherDocument(br); ok {
		return fmt.Errorf("%s:1:1: a JSON document whose first key is %q is neither the output of aws logs filter-log-events or get-log-events (an object with \"events\") nor JSON Lines of log events", name, key)
	}
	return ReadEvents(br, name, group, yield)
}

// otherDocument reports whether br starts with an object that goes on past
// its first line, as a pretty-printed document does and a JSON Lines
// event cannot, and returns its first key.
func otherDocument(br *bufio.Reader) (key string, ok bool) {
	b, _ := br.Peek(br.Buffered())
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return "", false
	}
	var v json.RawMessage
	if !errors.Is(json.NewDecoder(bytes.NewReader(b[:nl])).Decode(&v), io.ErrUnexpectedEOF) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return "", false
	}
	k, _ := dec.Token()
	key, ok = k.(string)
	if slices.Contains(exportedFields, key) || key == "eventId" { // an event broken over lines: ReadEvents says where
		return "", false
	}
	return key, ok
}

// isResponse peeks at the start of br, as far as it takes to see the
// first key.
func isResponse(br *bufio.Reader) bool {
	for n := 512; ; n = min(2*n, br.Size()) {
		b, err := br.Peek(n)
		if doc, decided := responseStart(b); decided {
			return doc
		}
		if err != nil || n == br.Size() {
			return false
		}
	}
}

// responseStart says whether b starts a document or an events array;
// decided is false when b ends before that can be told.
func responseStart(b []byte) (doc, decided bool) {
	i := skipJSONSpace(b, 0)
	switch {
	case i == len(b):
		return false, false
	case b[i] == '[':
		return true, true
	case b[i] != '{':
		return false, true
	}
	if i = skipJSONSpace(b, i+1); i == len(b) {
		return false, false
	}
	if b[i] != '"' {
		return false, true
	}
	end := bytes.IndexByte(b[i+1:], '"')
	if end < 0 {
		return false, false
	}
	return responseKeys[string(b[i+1:i+1+end])], true // no key of theirs has an escape
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// ReadResponse reads filter-log-events or get-log-events documents (or
// bare events arrays), one after another, and yields their events in
// order until yield returns false. It streams: one event is in memory at
// a time, and an event over inputs.LogLine (4 MiB) is an error. A document must have an "events" array (an empty one yields
// nothing); other keys are skipped. An event must be an object with a
// numeric timestamp. An event without logGroupName is in group. Errors
// name the file (name), line and column.
func ReadResponse(r io.Reader, name, group string, yield func(*Event) bool) error {
	lc := newLineCounter(r)
	lc.limit = inputs.LogLine
	d := &responseDecoder{dec: json.NewDecoder(lc), lc: lc, name: name, group: group, yield: yield}
	return d.read()
}

type responseDecoder struct {
	dec   *json.Decoder
	lc    *lineCounter
	name  string
	group string
	yield func(*Event) bool
	n     int  // events read
	stop  bool // yield said stop
}

func (d *responseDecoder) read() error {
	for docs := 0; ; docs++ {
		d.dec.More() // skips the white space before the next value
		open := d.dec.InputOffset()
		tok, err := d.dec.Token()
		switch {
		case err == io.EOF && docs > 0:
			return nil
		case err == io.EOF:
			return fmt.Errorf("%s: no log events document", d.name)
		case err != nil:
			return d.syntax(err)
		}
		switch tok {
		case json.Delim('['):
			err = d.events()
		case json.Delim('{'):
			err = d.document(open)
		default:
			return d.errorAt(open, "not a log events document: want an object with an \"events\" array (aws logs filter-log-events or get-log-events output)")
		}
		if err != nil || d.stop {
			return err
		}
	}
}

// document reads the members of a document whose { is at open.
func (d *responseDecoder) document(open int64) error {
	seen := false
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		if tok != "events" {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		at := d.valueStart()
		if tok, err = d.dec.Token(); err != nil {
			return d.syntax(err)
		}
		switch tok {
		case nil:
		case json.Delim('['):
			if err := d.events(); err != nil || d.stop {
				return err
			}
		default:
			return d.errorAt(at, "\"events\" is not an array")
		}
		seen = true
	}
	if _, err := d.dec.Token(); err != nil {
		return d.syntax(err)
	}
	if !seen {
		return d.errorAt(open, "no \"events\" array: not the output of aws logs filter-log-events or get-log-events")
	}
	return nil
}

// events reads an events array after its [.
func (d *responseDecoder) events() error {
	for d.dec.More() {
		at := d.valueStart()
		d.n++
		d.lc.forget(at) // no later error is before this event
		var e exported
		if err := d.dec.Decode(&e); err != nil {
			return d.eventError(at, err)
		}
		if e.Timestamp == nil {
			return d.errorAt(at, "event %d has no timestamp", d.n)
		}
		if e.LogGroupName == "" {
			e.LogGroupName = d.group
		}
		ev := &Event{Timestamp: *e.Timestamp, IngestionTime: e.IngestionTime, Message: e.Message,
			LogStream: e.LogStreamName, LogGroup: e.LogGroupName}
		if !d.yield(ev) {
			d.stop = true
			return nil
		}
	}
	_, err := d.dec.Token()
	if err != nil {
		return d.syntax(err)
	}
	return nil
}

// skip reads one value, token by token, so that a large one is never in
// memory whole.
func (d *responseDecoder) skip() error {
	depth := 0
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		d.lc.forget(d.dec.InputOffset())
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// valueStart is the offset of the next value, past the comma or colon
// and the white space before it (as far as the decoder has buffered).
func (d *responseDecoder) valueStart() int64 {
	var p [64]byte
	n, _ := io.ReadFull(d.dec.Buffered(), p[:])
	i := skipJSONSpace(p[:n], 0)
	if i < n && (p[i] == ',' || p[i] == ':') {
		i = skipJSONSpace(p[:n], i+1)
	}
	return d.dec.InputOffset() + int64(i)
}

// eventError explains why the event at offset at could not be read.
func (d *responseDecoder) eventError(at int64, err error) error {
	if errors.Is(err, errValueTooLarge) {
		line, col := d.lc.pos(at)
		return fmt.Errorf("%s:%d:%d: %w", d.name, line, col, &inputs.TooLargeError{Name: fmt.Sprintf("event %d", d.n), Limit: inputs.LogLine})
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return d.syntax(err)
	}
	if te.Field == "" {
		return d.errorAt(at, "event %d is %s, not an object", d.n, jsonKind(te.Value))
	}
	return d.errorAt(at, "event %d: %s is %s, want %s", d.n, te.Field, jsonKind(te.Value), goKind(te.Type))
}

// syntax places a decoding error. The decoder's own offsets count only
// the bytes its Decode calls read, so the failing value is scanned again
// from where the decoder stopped, by a fresh decoder that counts from 0.
func (d *responseDecoder) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off := d.dec.InputOffset()
		var v json.RawMessage
		rerr := json.NewDecoder(d.dec.Buffered()).Decode(&v)
		var rse *json.SyntaxError
		if errors.As(rerr, &rse) {
			off += max(rse.Offset-1, 0)
		} else if errors.Is(rerr, io.ErrUnexpectedEOF) {
			off = d.lc.read
		}
		return d.errorAt(off, "%s", se.Error())
	case errors.Is(err, errValueTooLarge): // a value outside the events
		return fmt.Errorf("%s: %w", d.name, &inputs.TooLargeError{Name: "a value between the events", Limit: inputs.LogLine})
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF: // EOF: within a document
		return d.errorAt(d.lc.read, "the document ends early")
	}
	return fmt.Errorf("%s: %w", d.name, err)
}

func (d *responseDecoder) errorAt(off int64, format string, args ...any) error {
	line, col := d.lc.pos(off)
	return fmt.Errorf("%s:%d:%d: %s", d.name, line, col, fmt.Sprintf(format, args...))
}

// jsonKind names a JSON value as encoding/json's type errors describe it
// ("string", "number 1.5", "object").
func jsonKind(v string) string {
	switch v {
	case "object", "array":
		return "an " + v
	case "string", "bool", "number":
		return "a " + v
	}
	return strings.TrimPrefix(v, "number ") // "number 1.5": the value
}

func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int64, reflect.Int, reflect.Pointer:
		return "an integer (epoch milliseconds)"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}
