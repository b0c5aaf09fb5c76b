package insights

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// readAll reads src with ReadLogEvents and returns the events.
func readAll(t *testing.T, src, group string) ([]Event, error) {
	t.Helper()
	var got []Event
	err := ReadLogEvents(strings.NewReader(src), "logs.json", group, func(ev *Event) bool {
		got = append(got, *ev)
		return true
	})
	return got, err
}

func TestReadLogEventsFilterLogEventsDocument(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "aws", "filter-log-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, string(b), "/aws/lambda/alchemiser-execution")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d events, want 3: %+v", len(got), got)
	}
	first := got[0]
	if first.Timestamp != 1795185300000 || first.IngestionTime != 1795185300120 ||
		first.LogStream != "2026/11/20/[$LATEST]0123456789abcdef0123456789abcdef" ||
		first.LogGroup != "/aws/lambda/alchemiser-execution" || !strings.Contains(first.Message, `"order submitted"`) {
		t.Errorf("first event %+v", first)
	}
	// The events are queried like any others: a JSON message's fields, the
	// platform REPORT line's @ fields.
	q, err := Parse(`filter level = "ERROR" or @type = "REPORT" | fields @log, @logStream, message, reason, @duration`)
	if err != nil {
		t.Fatal(err)
	}
	res := q.Run(func(yield func(*Event) bool) {
		for i := range got {
			if !yield(&got[i]) {
				return
			}
		}
	}, Options{})
	want := []string{
		"/aws/lambda/alchemiser-execution|2026/11/20/[$LATEST]fedcba9876543210fedcba9876543210|||812.33",
		"/aws/lambda/alchemiser-execution|2026/11/20/[$LATEST]0123456789abcdef0123456789abcdef|order rejected|insufficient buying power|",
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("rows %q, want %q", res.Rows, want)
	}
	for i, r := range res.Rows {
		if got := strings.Join(r, "|"); got != want[i] {
			t.Errorf("row %d: %s, want %s", i, got, want[i])
		}
	}
}

func TestReadLogEventsGetLogEventsDocument(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "aws", "get-log-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, string(b), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Timestamp != 1795185305000 || got[1].IngestionTime != 1795185305100 ||
		got[1].LogStream != "" || got[1].LogGroup != "" || !strings.Contains(got[1].Message, "workflow ended") {
		t.Errorf("events %+v", got)
	}
}

// The forms ReadLogEvents tells apart, and what each yields.
func TestReadLogEventsForms(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // messages, space-separated
	}{
		{"paging fields only after events", `{"events":[{"timestamp":1,"message":"a"}],"nextToken":"t","NextToken":"u"}`, "a"},
		{"paging fields first", `{"nextToken":"t","searchedLogStreams":[{"logStreamName":"s","searchedCompletely":true}],"events":[{"timestamp":1,"message":"a"}]}`, "a"},
		{"keys AWS may add are skipped", `{"events":[{"timestamp":1,"message":"a","newField":{"x":[1,2]}}],"future":{"a":[{}]}}`, "a"},
		{"empty events", "{\n  \"events\": [],\n  \"searchedLogStreams\": []\n}\n", ""},
		{"events null", `{"events":null}`, ""},
		{"pages one after another", `{"events":[{"timestamp":1,"message":"a"}],"nextToken":"t"}` + "\n" + `{"events":[{"timestamp":2,"message":"b"}]}`, "a b"},
		{"events array alone", "  [\n {\"timestamp\":1,\"message\":\"a\"},\n {\"timestamp\":2,\"message\":\"b\"}\n]", "a b"},
		{"empty array", `[]`, ""},
		{"JSON Lines", `{"logStreamName":"s","timestamp":1,"message":"a"}` + "\n" + `{"timestamp":2,"message":"b"}` + "\n", "a b"},
		{"JSON Lines whose first key is not a document's", `{"message":"a","timestamp":1,"events":3}`, "a"},
		{"empty file", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, tc.src, "g")
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, ev := range got {
				msgs = append(msgs, ev.Message)
				if ev.LogGroup != "g" {
					t.Errorf("event %q in group %q, want g", ev.Message, ev.LogGroup)
				}
			}
			if s := strings.Join(msgs, " "); s != tc.want {
				t.Errorf("read %q, want %q", s, tc.want)
			}
		})
	}
}

// A document's logGroupName, where a tool wrote one, wins over the group
// the caller names.
func TestReadLogEventsKeepsAnEventsGroup(t *testing.T) {
	got, err := readAll(t, `{"events":[{"timestamp":1,"message":"a","logGroupName":"/own"},{"timestamp":2,"message":"b"}]}`, "/given")
	if err != nil {
		t.Fatal(err)
	}
	if got[0].LogGroup != "/own" || got[1].LogGroup != "/given" {
		t.Errorf("groups %q %q", got[0].LogGroup, got[1].LogGroup)
	}
}

func TestReadLogEventsErrorsArePlaced(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"wrong type", "{\n  \"events\": [\n    {\"timestamp\": 1, \"message\": \"a\"},\n    {\"timestamp\": \"x\"}\n  ]\n}",
			"logs.json:4:5: event 2: timestamp is a string, want an integer (epoch milliseconds)"},
		{"fractional timestamp", `{"events":[{"timestamp":1.5}]}`,
			"logs.json:1:12: event 1: timestamp is 1.5, want an integer (epoch milliseconds)"},
		{"no timestamp", "{\"events\": [\n  {\"message\": \"a\"}]}", "logs.json:2:3: event 1 has no timestamp"},
		{"event not an object", `{"events": [{"timestamp":1}, "x"]}`, `logs.json:1:30: event 2 is a string, not an object`},
		{"syntax error in an event", "{\"events\": [\n  {\"timestamp\": 1,, \"message\": \"a\"}]}",
			"logs.json:2:19: invalid character ',' looking for beginning of object key string"},
		{"missing comma between events", "{\"events\": [\n  {\"timestamp\": 1}\n  {\"timestamp\": 2}]}",
			"logs.json:3:3: expected comma after array element"},
		{"syntax error in a skipped key", "{\"events\": [],\n \"nextToken\": tru}",
			"logs.json:2:18: invalid character '}' in literal true (expecting 'e')"},
		{"truncated", "{\"events\": [\n  {\"timestamp\": 1, \"mess", "logs.json:2:25: the document ends early"},
		{"truncated between events", "{\"events\": [\n  {\"timestamp\": 1},\n", "logs.json:3:1: the document ends early"},
		{"events not an array", "{\"events\":\n  {\"timestamp\": 1}}", `logs.json:2:3: "events" is not an array`},
		{"no events", "{\"nextToken\": \"x\"}", `logs.json:1:1: no "events" array: not the output of aws logs filter-log-events or get-log-events`},
		{"garbage after the document", "{\"events\": []}\nnot json", "logs.json:2:2: invalid character 'o' in literal null (expecting 'u')"},
		{"a number after the document", "{\"events\": []}\n12", "logs.json:2:1: not a log events document"},
		{"JSON Lines", "{\"timestamp\":1,\"message\":\"a\"}\n{\"timestamp\":2,\"message\":\"b\" x}\n",
			"logs.json:2:30: not a log event: invalid character 'x' after object key:value pair"},
		{"another AWS document", "{\n    \"MetricAlarms\": [],\n    \"CompositeAlarms\": []\n}\n",
			`logs.json:1:1: a JSON document whose first key is "MetricAlarms" is neither the output of aws logs filter-log-events or get-log-events`},
		{"an event over several lines", "{\"timestamp\": 1,\n \"message\": \"a\"}\n", "logs.json:1:17: not a log event: unexpected end of JSON input"},
		{"JSON Lines without timestamp", "{\"message\":\"a\"}\n", "logs.json:1:1: the log event has no timestamp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, tc.src, "")
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v\nwant   %s", err, tc.want)
			}
		})
	}
}

// yield returning false stops the reading: the rest of the document is
// not read, and not checked.
func TestReadLogEventsStops(t *testing.T) {
	src := `{"events":[{"timestamp":1,"message":"a"},{"timestamp":2,"message":"b"},not json`
	var got []string
	err := ReadLogEvents(strings.NewReader(src), "logs.json", "", func(ev *Event) bool {
		got = append(got, ev.Message)
		return false
	})
	if err != nil || strings.Join(got, " ") != "a" {
		t.Errorf("read %q, %v", got, err)
	}
}

// A large document streams: the reader keeps one event and the newlines
// of what the decoder has buffered, not the whole document.
func TestReadResponseStreams(t *testing.T) {
	const n = 50000
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprint(pw, "{\n    \"events\": [\n")
		for i := range n {
			sep := ","
			if i == n-1 {
				sep = ""
			}
			fmt.Fprintf(pw, "        {\n            \"logStreamName\": \"s\",\n            \"timestamp\": %d,\n            \"message\": \"m%d\",\n            \"ingestionTime\": %d\n        }%s\n", i, i, i+1, sep)
		}
		fmt.Fprint(pw, "    ],\n    \"searchedLogStreams\": []\n}\n")
		pw.Close()
	}()
	lc := newLineCounter(pr)
	count, maxKept := 0, 0
	d := &responseDecoder{dec: json.NewDecoder(lc), lc: lc, name: "big.json", yield: func(ev *Event) bool {
		if ev.Timestamp != int64(count) {
			t.Fatalf("event %d has timestamp %d", count, ev.Timestamp)
		}
		count++
		maxKept = max(maxKept, len(lc.nl))
		return true
	}}
	if err := d.read(); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("read %d events, want %d", count, n)
	}
	if lines := n * 7; maxKept > lines/100 {
		t.Errorf("kept up to %d newline offsets of %d lines", maxKept, lines)
	}
}

func TestFileEventsGroup(t *testing.T) {
	name := filepath.Join(t.TempDir(), "execution.json")
	if err := os.WriteFile(name, []byte(`{"events":[{"timestamp":1,"message":"a"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(group string, groups []string) []string {
		var got []string
		if err := FileEvents(name, group, groups, func(ev *Event) bool {
			got = append(got, ev.LogGroup)
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// Without a group, the events pass any group a query names.
	if got := read("", []string{"notifications"}); len(got) != 1 || got[0] != "" {
		t.Errorf("no group: %q", got)
	}
	// A named group is the events' (an ARN gives its name), and is matched.
	if got := read("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/alchemiser-execution:*", []string{"execution"}); len(got) != 1 || got[0] != "/aws/lambda/alchemiser-execution" {
		t.Errorf("ARN: %q", got)
	}
	if got := read("/aws/lambda/alchemiser-execution", []string{"notifications"}); len(got) != 0 {
		t.Errorf("a named group other than the query's: %q", got)
	}
}

// FuzzReadLogEvents: any input is read or refused with an error naming
// the file, never a panic.
func FuzzReadLogEvents(f *testing.F) {
	f.Add(`{"events":[{"timestamp":1,"message":"a","logStreamName":"s","ingestionTime":2,"eventId":"1"}],"searchedLogStreams":[],"nextToken":"x"}`)
	f.Add(`{"events":[],"nextForwardToken":"f","nextBackwardToken":"b"}{"events":[{"timestamp":1}]}`)
	f.Add(`[{"timestamp":1,"message":"a"}]`)
	f.Add("{\"events\":[{\"timestamp\":\"1\"}]}")
	f.Add(`{"logStreamName":"s","timestamp":1,"message":"x"}`)
	f.Fuzz(func(t *testing.T, src string) {
		err := ReadLogEvents(strings.NewReader(src), "logs.json", "g", func(*Event) bool { return true })
		if err != nil && !strings.HasPrefix(err.Error(), "logs.json") {
			t.Fatalf("error without the file name: %v", err)
		}
		if m := placed.FindStringSubmatch(fmt.Sprint(err)); m != nil && (m[1] == "0" || m[2] == "0") {
			t.Fatalf("error placed before the input: %v", err)
		}
	})
}

var placed = regexp.MustCompile(`^logs\.json:(\d+):(\d+): `)

// One event over the limit of a log line is refused before it is read
// whole; the events before it are read.
func TestReadResponseRefusesAnOversizedEvent(t *testing.T) {
	big := strings.Repeat("x", int(inputs.LogLine)+readAhead+1)
	src := "{\"events\": [\n  {\"timestamp\": 1, \"message\": \"a\"},\n  {\"timestamp\": 2, \"message\": \"" + big + "\"}\n]}"
	var got []string
	err := ReadLogEvents(strings.NewReader(src), "logs.json", "", func(ev *Event) bool {
		got = append(got, ev.Message)
		return true
	})
	if !inputs.IsTooLarge(err) || !strings.HasPrefix(err.Error(), "logs.json:3:3: event 2: over the 4 MiB limit") {
		t.Errorf("error %v", err)
	}
	if len(got) != 1 || got[0] != "a" {
		t.Errorf("read %d events before the large event, want 1", len(got))
	}
}
