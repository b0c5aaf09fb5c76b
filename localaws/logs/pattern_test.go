package logs

import "testing"

func TestPatternMatches(t *testing.T) {
	const js = `{"level":"ERROR","message":"order failed","latency":120,"retry":true,"gone":null,"items":[{"sym":"AAPL"}],"service":"alchemiser"}`
	cases := []struct {
		pattern, msg string
		want         bool
	}{
		{"", "anything", true},
		{"ERROR", "[ERROR] boom", true},
		{"ERROR", "ERRORS everywhere", false}, // a whole word
		{"ERROR", "error", false},             // case-sensitive
		{"ERROR boom", "[ERROR] boom", true},
		{"ERROR boom", "[ERROR] bang", false},
		{`"order failed"`, js, true},
		{`"order  failed"`, js, false},
		{"?WARN ?ERROR", "WARN: x", true},
		{"?WARN ?ERROR", "INFO: x", false},
		{"ERROR -boom", "ERROR boom", false},
		{"ERROR -boom", "ERROR bang", true},
		{`{ $.level = "ERROR" }`, js, true},
		{`{ $.level = ERROR }`, js, true},
		{`{ $.level = "WARN" }`, js, false},
		{`{ $.level != "WARN" }`, js, true},
		{`{ $.level = "ERR*" }`, js, true},
		{`{ $.service = "*chemiser" }`, js, true},
		{`{ $.latency > 100 && $.latency <= 120 }`, js, true},
		{`{ $.latency = 120.0 }`, js, true},
		{`{ $.latency < 100 || $.level = "ERROR" }`, js, true},
		{`{ ($.latency < 100 || $.level = "WARN") && $.retry IS TRUE }`, js, false},
		{`{ $.retry IS TRUE }`, js, true},
		{`{ $.retry IS FALSE }`, js, false},
		{`{ $.gone IS NULL }`, js, true},
		{`{ $.missing NOT EXISTS }`, js, true},
		{`{ $.level NOT EXISTS }`, js, false},
		{`{ $.items[0].sym = "AAPL" }`, js, true},
		{`{ $.items[1].sym = "AAPL" }`, js, false},
		{`{ $.level = "ERROR" }`, "ERROR not json", false},
		{`{ $.level = "ERROR" }`, `["ERROR"]`, false},
		{`%ERR(OR|ORS)%`, "ERRORS", true},
		{`%^INFO%`, "x INFO", false},
	}
	for _, tc := range cases {
		p, err := CompilePattern(tc.pattern)
		if err != nil {
			t.Errorf("%s: %v", tc.pattern, err)
			continue
		}
		if got := p.Match(tc.msg); got != tc.want {
			t.Errorf("%s on %s: %v, want %v", tc.pattern, tc.msg, got, tc.want)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	for _, p := range []string{
		`{ $.level = }`, `{ $.level "x" }`, `{ level = "x" }`, `{ $.a = "x"`, `{ $.a = "x" } trailing`,
		`{ $.a > "x" }`, `{ ($.a = 1 }`, `{ $.a IS MAYBE }`, `{ $.a[x] = 1 }`, `"unclosed`, `[ip, user]`, `%(%`,
		"{ $.a = x*\xab }", "ERR\xffOR",
	} {
		if _, err := CompilePattern(p); err == nil {
			t.Errorf("%s compiles", p)
		}
	}
}

func FuzzCompilePattern(f *testing.F) {
	for _, s := range []string{"ERROR", `"a b" ?c -d`, `{ $.a = "x*" && ($.b > 1 || $.c IS NULL) }`, `{ $.a[0].b NOT EXISTS }`, "%a+%"} {
		f.Add(s, `{"a":"xy","b":2,"c":null}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := CompilePattern(pattern)
		if err != nil {
			return
		}
		p.Match(msg)
	})
}
