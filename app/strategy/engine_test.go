package strategy

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// history serves fixed closes per symbol and counts fetches.
type history struct {
	closes map[string][]float64
	calls  map[string]int
}

func (h *history) DailyBars(_ context.Context, sym string, _ time.Time, limit int) ([]marketdata.Bar, error) {
	h.calls[sym]++
	c, ok := h.closes[sym]
	if !ok {
		return nil, marketdata.ErrUnknownSymbol
	}
	c = c[max(0, len(c)-limit):]
	out := make([]marketdata.Bar, len(c))
	for i, x := range c {
		out[i] = marketdata.Bar{Close: decimal.NewFromFloat(x)}
	}
	return out, nil
}

func engineFor(t *testing.T, files map[string]string, cfg string) *Engine {
	t.Helper()
	fsys := fstest.MapFS{"cfg/config.yaml": {Data: []byte(cfg)}}
	for name, src := range files {
		fsys["cfg/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	c, err := LoadConfig(fsys, "cfg/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(c)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEngineCombinesStrategiesByWeight(t *testing.T) {
	e := engineFor(t, map[string]string{
		"a.clj": `(defsymphony "A" {} (if (> (current-price "SPY") 100) [(asset "SPY")] [(asset "BIL")]))`,
		"b.clj": `(defsymphony "B" {} (filter (cumulative-return {:window 2}) (select-top 2) [(asset "XLK") (asset "XLE") (asset "XLF")]))`,
	}, "strategies:\n  - file: a.clj\n    weight: \"0.5\"\n  - file: b.clj\n    weight: 0.5\n")
	h := &history{calls: map[string]int{}, closes: map[string][]float64{
		"SPY": {99, 101}, "BIL": {1, 1},
		"XLK": {10, 10, 13}, // +30%
		"XLE": {10, 10, 11}, // +10%
		"XLF": {10, 10, 12}, // +20%
	}}
	res, err := e.Evaluate(context.Background(), h, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := "SPY=0.5 XLF=0.25 XLK=0.25"
	if got := format(res.Allocations); got != want {
		t.Errorf("allocations %s, want %s", got, want)
	}
	if got := format(res.Strategies[1].Allocations); got != "XLF=0.5 XLK=0.5" {
		t.Errorf("strategy B = %s", got)
	}
	for sym, n := range h.calls {
		if n != 1 {
			t.Errorf("%s fetched %d times", sym, n)
		}
	}
}

func TestEngineReportsMissingHistory(t *testing.T) {
	e := engineFor(t, map[string]string{
		"a.clj": `(defsymphony "A" {} (if (> (rsi "SPY" {:window 5}) 50) [(asset "SPY")] [(asset "BIL")]))`,
	}, "strategies:\n  - file: a.clj\n    weight: 1\n")
	h := &history{calls: map[string]int{}, closes: map[string][]float64{"SPY": {1, 2, 3}, "BIL": {1}}}
	_, err := e.Evaluate(context.Background(), h, time.Now())
	if !errors.Is(err, ErrNotEnoughHistory) || !strings.Contains(err.Error(), "a.clj:1:25") {
		t.Errorf("err = %v", err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	strat := `(defsymphony "A" {} (asset "SPY"))`
	cases := map[string]string{
		"strategies:\n  - file: a.clj\n    weight: \"0.5\"\n": "weights sum to 0.5",
		"strategies:\n  - file: a.clj\n    weight: abc\n":     `cfg/config.yaml:2:5: weight "abc" must be a positive decimal`,
		"strategies:\n  - file: nope.clj\n    weight: 1\n":    "could not read strategy",
		"strategies:\n  - file: a.clj\n    wieght: 1\n":       `cfg/config.yaml:3:5: strategies[0]: unknown field "wieght"`,
		"strategy:\n  - file: a.clj\n":                        `unknown field "strategy"`,
		"strategies:\n  - file: bad.clj\n    weight: 1\n":     "cfg/bad.clj:1:1: unclosed list",
	}
	for cfg, want := range cases {
		fsys := fstest.MapFS{"cfg/config.yaml": {Data: []byte(cfg)}, "cfg/a.clj": {Data: []byte(strat)},
			"cfg/bad.clj": {Data: []byte("(defsymphony")}}
		_, err := LoadConfig(fsys, "cfg/config.yaml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: err = %v, want %q", cfg, err, want)
		}
	}
}

func TestNormalizeSumsToExactlyOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		w := weights{}
		for i := range 1 + rng.IntN(12) {
			w[string(rune('A'+i))] = decimal.NewFromFloat(rng.Float64() * 3).Add(decimal.New(1, -9))
		}
		got := normalize(w)
		sum := decimal.Zero
		for i, a := range got {
			if !a.Weight.IsPositive() || a.Weight.Exponent() < -Places {
				t.Fatalf("weight %s", a.Weight)
			}
			if i > 0 && got[i-1].Symbol >= a.Symbol {
				t.Fatal("not sorted")
			}
			sum = sum.Add(a.Weight)
		}
		if !sum.Equal(one) {
			t.Fatalf("sum %s for %v", sum, w)
		}
	}
}

func TestDefaultConfigOnSyntheticData(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := marketdata.Synthetic()
	seen := map[string]bool{}
	for _, day := range ds.TradingDays()[300:] {
		res, err := e.Evaluate(context.Background(), ds.At(day), day.AddDate(0, 0, -1))
		if err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		seen[format(res.Allocations)] = true
	}
	if len(seen) < 3 {
		t.Errorf("the example strategies barely react to the data: %d distinct allocations", len(seen))
	}
}

func format(as []Allocation) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Symbol + "=" + a.Weight.String()
	}
	return strings.Join(parts, " ")
}

// BenchmarkEvaluate measures one evaluation of the bundled strategies next
// to its floor: fetching and converting the same bars without evaluating.
func BenchmarkEvaluate(b *testing.B) {
	cfg, _ := DefaultConfig()
	e, _ := NewEngine(cfg)
	ds, _ := marketdata.Synthetic()
	day := marketdata.LastSession
	view, asOf := ds.At(day), day.AddDate(0, 0, -1)
	b.Run("impl=engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Evaluate(context.Background(), view, asOf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=fetch_only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.fetch(context.Background(), view, asOf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
