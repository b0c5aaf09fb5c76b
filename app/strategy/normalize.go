package strategy

import (
	"sort"

	"github.com/shopspring/decimal"
)

// Places is the precision of output weights.
const Places = 6

// normalize scales w to sum to 1, rounds every weight down to Places
// decimals, then hands the missing units of 10^-Places to the largest
// remainders (ties to the symbol that sorts first), so the result sums to
// exactly 1. Zero weights are dropped; the result is sorted by symbol.
func normalize(w weights) []Allocation {
	total := decimal.Zero
	for _, x := range w {
		total = total.Add(x)
	}
	if !total.IsPositive() {
		return []Allocation{}
	}
	type part struct {
		sym       string
		floor     decimal.Decimal
		remainder decimal.Decimal
	}
	parts := make([]part, 0, len(w))
	sum := decimal.Zero
	for s, x := range w {
		exact := x.Div(total)
		fl := exact.RoundDown(Places)
		parts = append(parts, part{s, fl, exact.Sub(fl)})
		sum = sum.Add(fl)
	}
	sort.Slice(parts, func(i, j int) bool {
		if c := parts[i].remainder.Cmp(parts[j].remainder); c != 0 {
			return c > 0
		}
		return parts[i].sym < parts[j].sym
	})
	unit := decimal.New(1, -Places)
	missing := one.Sub(sum).Div(unit).IntPart()
	for i := 0; int64(i) < missing; i++ {
		parts[i%len(parts)].floor = parts[i%len(parts)].floor.Add(unit)
	}
	out := make([]Allocation, 0, len(parts))
	for _, p := range parts {
		if p.floor.IsPositive() {
			out = append(out, Allocation{Symbol: p.sym, Weight: p.floor})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
	return out
}
