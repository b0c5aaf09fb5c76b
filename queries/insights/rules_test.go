package insights

import (
	"strings"
	"testing"
)

// TestCommandsAfterStatsWorkOnItsRows: fields, display, filter, sort and
// a second stats after a stats see its rows, and fields names the
// result's columns (the saved query workflow-steps shows step_ms).
func TestCommandsAfterStatsWorkOnItsRows(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{`filter ispresent(correlation_id) | stats earliest(@timestamp) as first, latest(@timestamp) as last, count() as lines by correlation_id
		  | fields correlation_id, toMillis(last) - toMillis(first) as step_ms, lines | sort correlation_id asc`,
			"correlation_id|step_ms|lines\nC1|1000|2\nC2|2000|3"},
		{`stats count() as n by correlation_id | filter n > 2`, "correlation_id|n\nC2|3\n|3"},
		{`filter ispresent(correlation_id) | stats count() as n by correlation_id | sort n desc | limit 1`, "correlation_id|n\nC2|3"},
		{`stats count() as n by correlation_id | display n`, "n\n2\n3\n3"},
		{`stats count() as n by correlation_id | fields n * 10 as tens | filter tens > 15`, "tens\n20\n30\n30"},
		{`stats count(*) by bin(1m) | sort bin(1m) asc`, "bin(1m)|count(*)\n2026-11-20 14:35:00.000|4\n2026-11-20 14:36:00.000|3\n2026-11-20 14:37:00.000|1"},
		{`stats count() as n by correlation_id | stats sum(n) as total`, "total\n8"},
	} {
		if got := table(run(t, c.q)); got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

// TestFieldsTheStatsDoesNotDefineAreRefused: after a stats only its
// columns (and what a later fields adds) exist; reading anything else is
// an error naming it rather than a silent empty column or no-op.
func TestFieldsTheStatsDoesNotDefineAreRefused(t *testing.T) {
	for q, want := range map[string]string{
		`stats count() as n by correlation_id | filter level = "ERROR"`:      `filter after stats reads "level"`,
		`stats count() as n by correlation_id | sort @timestamp desc`:        `sort after stats reads "@timestamp"`,
		`stats count() as n by correlation_id | fields symbol`:               `fields after stats reads "symbol"`,
		`stats count() as n by correlation_id | stats avg(latency_ms)`:       `the second stats can use only fields the first defines; "latency_ms"`,
		`stats count() as n by correlation_id | stats sum(n) | stats sum(n)`: "at most two stats",
		`stats count() as n by correlation_id | dedup n | sort n`:            "only limit can follow dedup",
		`stats count() as n by correlation_id | parse @message "a=*" as a`:   `parse after stats reads "@message"`,
	} {
		_, err := Parse(q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", q, err, want)
		}
	}
	for _, q := range []string{
		`stats count() as n by correlation_id | fields n * 2 as m | filter m > 2 | sort m`,
		`fields latency_ms * 2 as l | stats max(l) as top`,
		`stats count(*) by bin(5m) | sort bin(5m)`,
	} {
		if _, err := Parse(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}
