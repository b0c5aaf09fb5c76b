package strategy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	src := `; a comment
(defsymphony "Demo" {:rebalance-frequency :daily}
  (weight-specified 60 (asset "SPY" "S&P") 40
    (if (< (rsi "TLT" {:window 14}) 30.5)
      [(asset "TLT")]
      [(filter (max-drawdown {:window 5}) (select-bottom 1) [(asset "GLD"), (asset "IEF")])])))`
	s, err := Parse("demo.clj", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Demo" || s.Options["rebalance-frequency"] != "daily" {
		t.Errorf("symphony = %+v", s)
	}
	ws := s.Root.(WeightSpecified)
	if ws.Weights[0].String() != "0.6" || ws.Weights[1].String() != "0.4" {
		t.Errorf("percent weights not scaled: %v", ws.Weights)
	}
	cond := ws.Children[1].(If).Cond
	if cond.Op != "<" || cond.Left.Indicator.Name != "rsi" || cond.Left.Indicator.Window != 14 || cond.Right.Number != 30.5 {
		t.Errorf("cond = %+v", cond)
	}
	if p := cond.Pos; p.Line != 4 || p.Col != 9 {
		t.Errorf("cond at %v, want 4:9", p)
	}
}

func TestParseErrorsNamePosition(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(defsymphony "x" {} (asset "SPY")`, `f.clj:1:1: unclosed list: missing ')'`},
		{`(defsymphony "x" {} (asset "SPY"]))`, `f.clj:1:33: unexpected ']': list opened at 1:21 needs ')'`},
		{"(defsymphony \"x\" {}\n  (weight-equal [(asset SPY)]))", `f.clj:2:25: asset: want a string, got a symbol`},
		{`(defsymphony "x" {} (buy "SPY"))`, `f.clj:1:21: unknown form "buy"`},
		{`(defsymphony "x" {} (if (> (rsi "SPY") 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:28: rsi: want options {:window N}`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {:window 0}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:48: rsi: window must be a whole number from 1 to 1000, got 0`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {:span 3}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:40: rsi: unknown option span`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {:window 50 :bogus 3}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:51: rsi: unknown option bogus`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {:bogus 3 :window 50}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:40: rsi: unknown option bogus`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {:window 5 :window 6}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:50: rsi: duplicate option :window`},
		{`(defsymphony "x" {} (if (> (rsi "SPY" {}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:39: rsi: missing :window`},
		{`(defsymphony "x" {} (filter (rsi {:window 2 :bogus 1}) (select-top 1) [(asset "A")]))`, `f.clj:1:45: rsi: unknown option bogus`},
		{`(defsymphony "x" {} (if (> (volume "SPY" {:window 3}) 70) [(asset "A")] [(asset "B")]))`, `f.clj:1:28: unknown indicator "volume"`},
		{`(defsymphony "x" {} (if (= 1 2) [(asset "A")] [(asset "B")]))`, `f.clj:1:25: if: want a comparison (> < >= <=), got (= ...)`},
		{`(defsymphony "x" {} (weight-specified 0.5 (asset "A") 0.4 (asset "B")))`, `f.clj:1:21: weight-specified: weights sum to 0.9, want 1 or 100`},
		{`(defsymphony "x" {} (weight-equal []))`, `f.clj:1:35: weight-equal: empty vector`},
		{`(defsymphony "x" {} (filter (rsi {:window 2}) (select-top 0) [(asset "A")]))`, `f.clj:1:47: select-top takes one whole number >= 1`},
		{`(defsymphony "x" {} (filter (rsi {:window 2}) (select-top 1) [(group "g" [(asset "A")])]))`, `f.clj:1:62: filter: only (asset ...) children can be ranked`},
		{`(defsymphony "x" {:a} (asset "A"))`, `f.clj:1:18: map needs key-value pairs, got 1 items`},
		{`(defsymphony "x" {} (asset "A")) (asset "B")`, `f.clj:1:34: want exactly one defsymphony form, got 2 forms`},
		{``, `f.clj:1:1: want exactly one defsymphony form, got 0 forms`},
		{`(defsymphony "x {} (asset "A"))`, `f.clj:1:29: unterminated string`},
		{`(defsymphony "x" {} (asset "A" "b" "c"))`, `f.clj:1:21: asset takes a ticker and an optional name, got 3 arguments`},
	}
	for _, c := range cases {
		_, err := Parse("f.clj", []byte(c.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want *SyntaxError", c.src, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, err, c.want)
		}
	}
}

func TestExamplesParse(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Strategies) != 3 {
		t.Fatalf("%d strategies", len(cfg.Strategies))
	}
	for _, s := range cfg.Strategies {
		if s.Symphony.Name == "" || !strings.HasPrefix(s.File, "strategies/") {
			t.Errorf("strategy %+v", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	entries, _ := examples.ReadDir("strategies")
	for _, e := range entries {
		src, _ := examples.ReadFile("strategies/" + e.Name())
		f.Add(src)
	}
	f.Add([]byte(`(defsymphony "x" {} (asset "A"`))
	f.Add([]byte("(\"\\"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := Parse("fuzz.clj", src)
		if err == nil {
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("error without position: %v", err)
		}
		if se.Line < 1 || se.Col < 1 || !strings.HasPrefix(err.Error(), "fuzz.clj:") {
			t.Fatalf("bad position in %v", err)
		}
	})
}
