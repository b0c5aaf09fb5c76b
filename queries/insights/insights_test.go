package insights

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// t0 is 2026-11-20 14:35:00 UTC.
var t0 = time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC).UnixMilli()

func testEvents() []*Event {
	mk := func(sec int64, stream, msg string) *Event {
		return &Event{Timestamp: t0 + sec*1000, IngestionTime: t0 + sec*1000 + 50, Message: msg, LogStream: stream, LogGroup: "/aws/lambda/alchemiser-execution"}
	}
	return []*Event{
		mk(0, "s1", `{"level":"INFO","message":"event received","correlation_id":"C1","event_type":"RebalancePlanned","orders":[{"symbol":"SPY","qty":2},{"symbol":"QQQ","qty":1}]}`),
		mk(1, "s1", `{"level":"ERROR","message":"order rejected","correlation_id":"C1","symbol":"BIL","error_type":"rejected","latency_ms":120.5}`),
		mk(2, "s1", `START RequestId: r1 Version: $LATEST`),
		mk(3, "s1", "REPORT RequestId: r1\tDuration: 250.50 ms\tBilled Duration: 251 ms\tMemory Size: 256 MB\tMax Memory Used: 40 MB\tInit Duration: 10.20 ms"),
		mk(65, "s2", `{"level":"INFO","message":"event received","correlation_id":"C2","event_type":"RebalancePlanned"}`),
		mk(66, "s2", `{"level":"ERROR","message":"order rejected","correlation_id":"C2","symbol":"SPY","error_type":"rejected","latency_ms":80}`),
		mk(67, "s2", `{"level":"WARN","message":"retrying","correlation_id":"C2","latency_ms":10}`),
		mk(130, "s3", `plain text line with user=alice ip=10.0.0.7`),
	}
}

func run(t *testing.T, q string) *Result {
	t.Helper()
	parsed, err := Parse(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	evs := testEvents()
	return parsed.Run(func(yield func(*Event) bool) {
		for _, e := range evs {
			if !yield(e) {
				return
			}
		}
	}, Options{})
}

func table(r *Result) string {
	var b strings.Builder
	b.WriteString(strings.Join(r.Columns, "|"))
	for _, row := range r.Rows {
		b.WriteString("\n" + strings.Join(row, "|"))
	}
	return b.String()
}

func TestQueries(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		// default columns, newest first
		{`filter level = "ERROR"`, "@timestamp|@message\n2026-11-20 14:36:06.000|" + testEvents()[5].Message + "\n2026-11-20 14:35:01.000|" + testEvents()[1].Message},
		{`fields correlation_id, symbol | filter level = "ERROR" | sort @timestamp asc`, "correlation_id|symbol\nC1|BIL\nC2|SPY"},
		{`filter latency_ms > 50 and latency_ms < 100 | fields symbol`, "symbol\nSPY"},
		{`filter latency_ms >= 80 | stats count() as n, avg(latency_ms), max(latency_ms), min(latency_ms), sum(latency_ms)`, "n|avg(latency_ms)|max(latency_ms)|min(latency_ms)|sum(latency_ms)\n2|100.25|120.5|80|200.5"},
		{`stats count() by correlation_id`, "correlation_id|count()\nC1|2\nC2|3\n|3"},
		{`filter ispresent(correlation_id) | stats count(*) as lines, count_distinct(level) as levels by correlation_id | sort lines desc`, "correlation_id|lines|levels\nC2|3|3\nC1|2|2"},
		{`stats count() by bin(1m)`, "bin(1m)|count()\n2026-11-20 14:35:00.000|4\n2026-11-20 14:36:00.000|3\n2026-11-20 14:37:00.000|1"},
		{`filter @type = "REPORT" | fields @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed, @initDuration`, "@requestId|@duration|@billedDuration|@memorySize|@maxMemoryUsed|@initDuration\nr1|250.5|251|256|40|10.2"},
		{`fields orders.0.symbol as first, orders.1.qty as q | filter ispresent(first)`, "first|q\nSPY|1"},
		{`filter symbol in ["SPY", "QQQ"] | fields symbol`, "symbol\nSPY"},
		{`filter symbol not in ["SPY"] and ispresent(symbol) | fields symbol`, "symbol\nBIL"},
		{`filter @message like /user=\w+/ | parse @message "user=* ip=*" as user, ip | fields user, ip, isValidIpV4(ip) as v4, isIpInSubnet(ip, "10.0.0.0/24") as inside`, "user|ip|v4|inside\nalice|10.0.0.7|1|1"},
		{`parse @message /user=(?<user>\w+)/ | filter ispresent(user) | fields toupper(user) as u, strlen(user) as n, concat(user, "!") as c`, "u|n|c\nALICE|5|alice!"},
		{`filter @message like "order" | fields message | dedup message`, "message\norder rejected\nevent received"},
		{`fields level | sort level asc | limit 3`, "level\nERROR\nERROR\nINFO"},
		{`stats count() as n by level | stats sum(n) as total`, "total\n8"},
		{`filter ispresent(correlation_id) | stats earliest(@timestamp) as first, latest(@timestamp) as last, count() as n by correlation_id | fields correlation_id, toMillis(last) - toMillis(first) as span_ms, n`,
			"correlation_id|span_ms|n\nC1|1000|2\nC2|2000|3"},
		{`FILTER Level = "x" or LEVEL = "y" | STATS count()`, "count()\n0"},
		{`fields latency_ms * 2 + 1 as x, latency_ms % 7 as m, -latency_ms as neg, 2 ^ 3 as p | filter ispresent(latency_ms) | sort x asc`, "x|m|neg|p\n21|3|-10|8\n161|3|-80|8\n242|1.5|-120.5|8"},
		{`filter ispresent(latency_ms) | stats pct(latency_ms, 50) as p50, stddev(latency_ms) as sd`, "p50|sd\n80|55.90"},
		{"fields `correlation_id` as id | filter id = 'C2' | stats earliest(message) as first, latest(message) as last", "first|last\nevent received|retrying"},
		{`filter ispresent(symbol) | stats sortsFirst(symbol) as a, sortsLast(symbol) as z`, "a|z\nBIL|SPY"},
		{`fields datefloor(@timestamp, 1h) as h, coalesce(nothing, symbol, "none") as s | limit 1`, "h|s\n2026-11-20 14:00:00.000|none"},
		{`fields fromMillis(1700000000000) as t, toMillis(@timestamp) as ms | limit 1`, "t|ms\n2023-11-14 22:13:20.000|1795185430000"},
	} {
		got := table(run(t, c.q))
		if c.q == `filter ispresent(latency_ms) | stats pct(latency_ms, 50) as p50, stddev(latency_ms) as sd` {
			got = roundLast(got)
		}
		if got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.q, got, c.want)
		}
	}
}

// roundLast rounds the last column to 2 decimals for the stddev case.
func roundLast(s string) string {
	lines := strings.Split(s, "\n")
	cells := strings.Split(lines[1], "|")
	var f float64
	fmt.Sscan(cells[1], &f)
	cells[1] = fmt.Sprintf("%.2f", f)
	lines[1] = strings.Join(cells, "|")
	return strings.Join(lines, "\n")
}

func TestSyntaxErrorsNameLineAndColumn(t *testing.T) {
	for q, want := range map[string]string{
		"filter x = ":        "query:1:12: unexpected end of query",
		"fields a\n| frob b": `query:2:3: unknown command "frob"`,
		"stats count() as y by x\n| stats sum(y) as z | stats sum(z)": "at most two stats",
		"stats x by y":                 `"x" is not one`,
		"filter x = \"open":            "query:1:12: unterminated string",
		"parse @message \"a*b*\" as x": "the glob has 2 * but 1 field names",
		"filter nofunc(x)":             `query:1:8: unknown function "nofunc"`,
		"fields strlen(a, b)":          "strlen takes 1 argument(s), got 2",
		"dedup a | sort b":             "only limit can follow dedup",
		"limit 0":                      "limit needs a positive whole number",
		"stats count() by bin(5x)":     "unknown period unit",
		"filter a =~ /[/":              "invalid regular expression",
		"fields a b":                   `query:1:10: unexpected "b"`,
	} {
		_, err := Parse(q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", q, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`fields @timestamp, @message | filter level = "ERROR" | stats count() by bin(5m) | sort @timestamp desc | limit 20`)
	f.Add(`parse @message /(?<a>\d+)-(?<b>\w+)/ | dedup a | limit 3`)
	f.Add("fields `x y` as z # comment\n| filter z like 'q' or not z in [1, 2.5e3]")
	f.Fuzz(func(t *testing.T, q string) {
		parsed, err := Parse(q)
		if err != nil {
			return
		}
		parsed.Run(func(yield func(*Event) bool) {
			for _, e := range testEvents() {
				if !yield(e) {
					return
				}
			}
		}, Options{})
	})
}

// FuzzUnescape checks the string decoder against encoding/json.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`a\"b`, `\u00e9\n\t\/`, `\ud83d\ude00`, `\ud83d`, `plain`, `\\\\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
			return
		}
		got, ok := unescape(s)
		if !ok || got != want {
			t.Fatalf("unescape(%q) = %q, %v; encoding/json: %q", s, got, ok, want)
		}
	})
}

func TestReadEventsFastPathMatchesEncodingJSON(t *testing.T) {
	line := `{"logGroupName":"/aws/lambda/x","logStreamName":"s","timestamp":1795185300000,"ingestionTime":1795185300001,"extra":{"a":[1,2]},"message":"{\"a\":\"\\u00e9\"}"}`
	var fast, slow exported
	if !decodeEvent(line, &fast) {
		t.Fatal("fast path refused a valid event")
	}
	if err := json.Unmarshal([]byte(line), &slow); err != nil {
		t.Fatal(err)
	}
	if fast.Message != slow.Message || *fast.Timestamp != *slow.Timestamp || fast.LogGroupName != slow.LogGroupName || fast.IngestionTime != slow.IngestionTime {
		t.Errorf("fast %+v, slow %+v", fast, slow)
	}
}

func TestFunctions(t *testing.T) {
	ev := &Event{Timestamp: t0 + 90_500, Message: `{"s":"  Hello World  ","n":-2.5,"ip6":"2001:db8::1","ip4":"192.168.1.9","empty":"","blank":"   "}`}
	for expr, want := range map[string]string{
		`ltrim(s)`: "Hello World  ", `rtrim(s)`: "  Hello World", `trim(s)`: "Hello World",
		`substr(trim(s), 6)`: "World", `substr(trim(s), 0, 5)`: "Hello", `replace(trim(s), "World", "There")`: "Hello There",
		`strcontains(s, "World")`: "1", `strcontains(s, "world")`: "0", `tolower(trim(s))`: "hello world",
		`isempty(empty)`: "1", `isempty(s)`: "0", `isempty(missing)`: "1", `isblank(blank)`: "1", `isblank(empty)`: "1", `isblank(s)`: "0",
		`abs(n)`: "2.5", `ceil(n)`: "-2", `floor(n)`: "-3", `greatest(n, 3, 1)`: "3", `least(n, 3, 1)`: "-2.5",
		`sqrt(16)`: "4", `floor(log(100) * 1000)`: "4605",
		`datefloor(@timestamp, 1m)`: "2026-11-20 14:36:00.000", `dateceil(@timestamp, 1m)`: "2026-11-20 14:37:00.000",
		`bin(30s)`:       "2026-11-20 14:36:30.000",
		`isValidIp(ip6)`: "1", `isValidIpV6(ip6)`: "1", `isValidIpV4(ip6)`: "0", `isValidIp(s)`: "0",
		`isIpv6InSubnet(ip6, "2001:db8::/32")`: "1", `isIpv4InSubnet(ip4, "192.168.0.0/16")`: "1", `isIpv4InSubnet(ip6, "2001:db8::/32")`: "0",
		`coalesce(missing, n)`: "-2.5", `ispresent(missing)`: "0", `concat("a", n, "b")`: "a-2.5b", `strlen("héllo")`: "5",
		`n > -3 and n < 0`: "1", `not (n = -2.5)`: "0", `s like /Hel+o/`: "1", `s =~ /^x/`: "0", `10 / 4`: "2.5", `1 / 0`: "",
	} {
		q, err := Parse("fields " + expr + " as v")
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		res := q.Run(func(yield func(*Event) bool) { yield(ev) }, Options{})
		if got := res.Rows[0][0]; got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
}

func TestDisplayAndDedupRules(t *testing.T) {
	// display chooses the columns (fields computed by fields remain usable).
	if got := table(run(t, `fields strlen(message) as n | display n, level | filter level = "WARN"`)); got != "n|level\n8|WARN" {
		t.Errorf("display: %s", got)
	}
	// dedup keeps the first row per value in the current order; absent
	// values are never duplicates.
	if got := table(run(t, `fields level | sort @timestamp asc | dedup level`)); got != "level\nINFO\nERROR\n\n\nWARN\n" {
		t.Errorf("dedup: %q", got)
	}
	// Mixed values sort non-numbers first, numbers by value, absent last.
	if got := table(run(t, `fields coalesce(latency_ms, level) as v | sort v asc | dedup v | limit 6`)); got != "v\nINFO\n10\n80\n120.5\n\n" {
		t.Errorf("mixed sort: %q", got)
	}
}

func TestSystemFieldsCommentsAndTheFieldLimit(t *testing.T) {
	var many strings.Builder
	many.WriteString("{")
	for i := range 250 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `"f%03d":%d`, i, i)
	}
	many.WriteString("}")
	ev := &Event{Timestamp: t0, IngestionTime: t0 + 1500, Message: many.String(), LogStream: "2026/11/20/[$LATEST]abc", LogGroup: "/aws/lambda/x"}
	q, err := Parse("# system fields\nFields @logStream, @log, @ingestionTime, f000, f199, f200 # the 201st field is not discovered\n| LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	res := q.Run(func(yield func(*Event) bool) { yield(ev) }, Options{})
	if got := strings.Join(res.Rows[0], "|"); got != "2026/11/20/[$LATEST]abc|/aws/lambda/x|2026-11-20 14:35:01.500|0|199|" {
		t.Errorf("row %q", got)
	}
}

// FuzzReadEvents: the exported log events `query`, `trace` and `dlq list
// --logs` read. Where the hand-written fast path accepts a line it must
// read exactly what encoding/json reads; any other line is an error naming
// the file and line, never a panic.
func FuzzReadEvents(f *testing.F) {
	f.Add(`{"logGroupName":"/aws/lambda/x","logStreamName":"s","timestamp":1795185300000,"ingestionTime":1795185300001,"message":"{\"a\":\"\\u00e9\"}"}`)
	f.Add(`{"logStreamName":"s","timestamp":-1,"message":"x","extra":{"a":[1,{"b":null}]},"message":"y"}`)
	f.Add(`{"timestamp":1e3,"message":"\ud83d"}`)
	f.Add(`[1]`)
	f.Fuzz(func(t *testing.T, line string) {
		var fast, slow exported
		if decodeEvent(line, &fast) {
			if err := json.Unmarshal([]byte(line), &slow); err != nil {
				t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, line)
			}
			if !sameEvent(fast, slow) {
				t.Fatalf("fast path read %+v, encoding/json %+v: %q", fast, slow, line)
			}
		}
		err := ReadEvents(strings.NewReader(line), "logs.jsonl", "g", func(*Event) bool { return true })
		if err != nil && !strings.HasPrefix(err.Error(), "logs.jsonl") {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}

func sameEvent(a, b exported) bool {
	ts := func(p *int64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return a.LogGroupName == b.LogGroupName && a.LogStreamName == b.LogStreamName && ts(a.Timestamp) == ts(b.Timestamp) &&
		a.IngestionTime == b.IngestionTime && a.Message == b.Message
}
