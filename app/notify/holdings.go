package notify

import "sort"

// holdingSymbols lists the symbols held before or after, sorted.
func holdingSymbols(ps ...*Portfolio) []string {
	set := map[string]bool{}
	for _, p := range ps {
		if p == nil {
			continue
		}
		for _, h := range p.Positions {
			set[h.Symbol] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// holdingValue is "qty @ value" of sym in p, or "-".
func holdingValue(p *Portfolio, sym string) string {
	for _, h := range p.Positions {
		if h.Symbol == sym {
			return h.Qty.String() + " = " + h.Value.StringFixed(2)
		}
	}
	return "-"
}
