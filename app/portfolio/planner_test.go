package portfolio

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

func planner(t testing.TB) *Planner {
	t.Helper()
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func snapshot(cash string, positions map[string]string, prices map[string]string) Snapshot {
	s := Snapshot{Cash: d(cash), Positions: map[string]decimal.Decimal{}, Prices: map[string]decimal.Decimal{},
		Fractionable: map[string]bool{}}
	equity := d(cash)
	for sym, px := range prices {
		s.Prices[sym] = d(px)
		s.Fractionable[sym] = !strings.HasPrefix(sym, "W") // W* symbols trade whole shares
	}
	for sym, q := range positions {
		s.Positions[sym] = d(q)
		equity = equity.Add(d(q).Mul(s.Prices[sym]))
	}
	s.Equity = equity
	return s
}

func describe(p Plan) string {
	var parts []string
	for _, it := range p.Items {
		parts = append(parts, fmt.Sprintf("%s %s %s", it.Action, it.Symbol, it.Qty))
	}
	return strings.Join(parts, "; ")
}

func TestPlanTable(t *testing.T) {
	cases := []struct {
		name    string
		snap    Snapshot
		targets []Target
		want    string
	}{
		{"all cash into two", snapshot("10000", nil, map[string]string{"A": "100", "B": "50"}),
			[]Target{{"A", d("0.5")}, {"B", d("0.5")}},
			"BUY A 49.5; BUY B 99"},
		{"whole shares round down", snapshot("10000", nil, map[string]string{"WA": "300"}),
			[]Target{{"WA", d("1")}},
			"BUY WA 33"},
		{"drift under 1% holds", snapshot("100", map[string]string{"A": "99"}, map[string]string{"A": "100"}),
			[]Target{{"A", d("1")}},
			"HOLD A 0"},
		{"drift just over 1% trades", snapshot("500", map[string]string{"A": "95"}, map[string]string{"A": "100"}),
			[]Target{{"A", d("1")}},
			"BUY A 4"},
		{"untargeted holding is liquidated exactly", snapshot("0", map[string]string{"A": "3.123456789123", "B": "10"}, map[string]string{"A": "10", "B": "10"}),
			[]Target{{"B", d("1")}},
			"SELL A 3.123456789123; BUY B 2.992222221"},
		{"dust under $1 is left", snapshot("1000", map[string]string{"A": "0.05"}, map[string]string{"A": "10", "B": "10"}),
			[]Target{{"B", d("1")}},
			"BUY B 98.9995; HOLD A 0"}, // scaled: the dust stays, so cash is short,
		{"sells come before buys", snapshot("0", map[string]string{"A": "100", "B": "100"}, map[string]string{"A": "10", "B": "10", "C": "10"}),
			[]Target{{"B", d("0.5")}, {"C", d("0.5")}},
			"SELL A 100; BUY C 98; HOLD B 0"}, // scaled: the reserve comes out of cash,
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, err := planner(t).Plan("corr", c.snap, c.targets)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(plan); got != c.want {
				t.Errorf("plan %s\n want %s", got, c.want)
			}
		})
	}
}

func TestOnlyHolds(t *testing.T) {
	plan, err := planner(t).Plan("k", snapshot("1", map[string]string{"A": "10"}, map[string]string{"A": "10"}), []Target{{"A", d("1")}})
	if err != nil || !plan.OnlyHolds() {
		t.Errorf("plan %s, %v", describe(plan), err)
	}
}

func TestBuysAreScaledToCash(t *testing.T) {
	// Equity 10,000 but the whole-share position cannot be sold down (it is
	// targeted at 100%); forcing a buy bigger than the cash needs a stale
	// snapshot where cash is short of equity minus positions.
	snap := snapshot("1000", nil, map[string]string{"A": "10", "B": "10"})
	snap.Equity = d("10000")
	plan, err := planner(t).Plan("k", snap, []Target{{"A", d("0.5")}, {"B", d("0.5")}})
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Scaled {
		t.Fatal("buys not scaled")
	}
	spent := decimal.Zero
	for _, it := range plan.Items {
		spent = spent.Add(it.TradeValue)
	}
	if limit := d("1000").Sub(d("100")); spent.GreaterThan(limit) || spent.LessThan(limit.Sub(d("0.01"))) {
		t.Errorf("spent %s, want just under %s", spent, limit)
	}
}

func TestValidation(t *testing.T) {
	snap := snapshot("100", nil, map[string]string{"A": "10"})
	cases := map[string][]Target{
		"weights sum to 0.9":      {{"A", d("0.9")}},
		"targeted twice":          {{"A", d("0.5")}, {"A", d("0.5")}},
		"negative weight":         {{"A", d("1.5")}, {"B", d("-0.5")}},
		"no positive price for B": {{"A", d("0.5")}, {"B", d("0.5")}},
		"no targets":              {},
	}
	for want, targets := range cases {
		_, err := planner(t).Plan("k", snap, targets)
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
	if _, err := New(Config{CashReserve: d("1")}); err == nil {
		t.Error("reserve 1 accepted")
	}
}

// TestPlanProperties checks the planner's invariants on random accounts.
func TestPlanProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	p := planner(t)
	syms := []string{"A", "B", "C", "WD", "WE", "F"}
	for n := range 3000 {
		prices := map[string]string{}
		positions := map[string]string{}
		for _, s := range syms {
			prices[s] = decimal.NewFromFloat(1 + rng.Float64()*500).Round(2).String()
			if rng.IntN(2) == 0 {
				positions[s] = decimal.NewFromFloat(rng.Float64() * 200).Round(3).String()
				if strings.HasPrefix(s, "W") {
					positions[s] = fmt.Sprint(rng.IntN(200))
				}
			}
		}
		snap := snapshot(decimal.NewFromFloat(rng.Float64()*100000).Round(2).String(), positions, prices)
		targets := randomTargets(rng, syms)
		plan, err := p.Plan("k", snap, targets)
		if err != nil {
			if snap.Equity.IsZero() {
				continue
			}
			t.Fatalf("case %d: %v", n, err)
		}
		checkInvariants(t, n, snap, targets, plan)
		again, _ := p.Plan("k", snap, targets)
		if again.ID != plan.ID {
			t.Fatalf("case %d: plan id not deterministic", n)
		}
	}
}

func randomTargets(rng *rand.Rand, syms []string) []Target {
	k := 1 + rng.IntN(len(syms))
	perm := rng.Perm(len(syms))[:k]
	out := make([]Target, k)
	left := decimal.NewFromInt(1)
	for i, idx := range perm {
		w := left
		if i < k-1 {
			w = left.Mul(decimal.NewFromFloat(rng.Float64())).Round(4)
		}
		out[i] = Target{syms[idx], w}
		left = left.Sub(w)
	}
	return out
}

func checkInvariants(t *testing.T, n int, snap Snapshot, targets []Target, plan Plan) {
	t.Helper()
	cash := snap.Cash.Sub(plan.CashReserve.Mul(snap.Equity))
	buys := decimal.Zero
	seenBuy, seenHold := false, false
	for _, it := range plan.Items {
		if it.Qty.IsNegative() {
			t.Fatalf("case %d: negative qty %v", n, it)
		}
		switch it.Action {
		case Sell:
			if seenBuy || seenHold || it.Qty.GreaterThan(it.CurrentQty) {
				t.Fatalf("case %d: bad sell %v in %s", n, it, describe(plan))
			}
			cash = cash.Add(it.Qty.Mul(it.Price))
		case Buy:
			if seenHold {
				t.Fatalf("case %d: buy after hold", n)
			}
			seenBuy = true
			buys = buys.Add(it.Qty.Mul(it.Price))
			if !it.Fractionable && !it.Qty.Equal(it.Qty.Truncate(0)) {
				t.Fatalf("case %d: fractional buy of %s", n, it.Symbol)
			}
		case Hold:
			seenHold = true
		}
	}
	if buys.GreaterThan(decimal.Max(cash, decimal.Zero)) {
		t.Fatalf("case %d: buys %s exceed cash after sells %s", n, buys, cash)
	}
	if plan.Scaled {
		return
	}
	// Without scaling, every targeted symbol ends within the hold
	// threshold plus one share's rounding of its target value.
	threshold := decimal.Max(snap.Equity.Mul(d("0.01")), d("1"))
	for _, it := range plan.Items {
		after := it.CurrentQty
		switch it.Action {
		case Buy:
			after = after.Add(it.Qty)
		case Sell:
			after = after.Sub(it.Qty)
		}
		gap := after.Mul(it.Price).Sub(it.TargetValue).Abs()
		if gap.GreaterThan(threshold.Add(it.Price)) {
			t.Fatalf("case %d: %s ends %s from target (threshold %s)", n, it.Symbol, gap, threshold)
		}
	}
}

// BenchmarkPlan measures a 12-symbol plan next to a naive float64 planner
// doing the same arithmetic without decimal exactness, rounding rules or
// cash fitting: the price of correct money.
func BenchmarkPlan(b *testing.B) {
	prices := map[string]string{}
	positions := map[string]string{}
	var targets []Target
	for i := range 12 {
		s := fmt.Sprintf("S%02d", i)
		prices[s] = fmt.Sprint(50 + i*10)
		positions[s] = fmt.Sprint(10 + i)
		targets = append(targets, Target{s, d("1").Div(d("12")).Round(10)})
	}
	targets[11].Weight = targets[11].Weight.Add(d("1").Sub(targets[11].Weight.Mul(d("12"))))
	snap := snapshot("5000", positions, prices)
	p := planner(b)
	b.Run("impl=decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Plan("k", snap, targets); err != nil {
				b.Fatal(err)
			}
		}
	})
	fp, fq, fw := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for s := range snap.Prices {
		fp[s], fq[s] = snap.Prices[s].InexactFloat64(), snap.Positions[s].InexactFloat64()
	}
	for _, t := range targets {
		fw[t.Symbol] = t.Weight.InexactFloat64()
	}
	equity := snap.Equity.InexactFloat64()
	b.Run("impl=float64_naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			qty := make(map[string]float64, len(fw))
			for s, w := range fw {
				if trade := w*equity*0.99 - fq[s]*fp[s]; trade > 0.01*equity || trade < -0.01*equity {
					qty[s] = trade / fp[s]
				}
			}
			_ = qty
		}
	})
}
