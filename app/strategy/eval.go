package strategy

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

type weights = map[string]decimal.Decimal

var one = decimal.NewFromInt(1)

func evalNode(n Node, closes map[string][]float64) (weights, error) {
	switch n := n.(type) {
	case Asset:
		return weights{n.Symbol: one}, nil
	case WeightEqual:
		return evalEqual(n.Children, closes)
	case Group:
		return evalEqual(n.Children, closes)
	case WeightSpecified:
		return evalSpecified(n, closes)
	case If:
		ok, err := n.Cond.eval(closes)
		if err != nil {
			return nil, err
		}
		if ok {
			return evalEqual(n.Then, closes)
		}
		return evalEqual(n.Else, closes)
	case Filter:
		return evalFilter(n, closes)
	}
	return nil, fmt.Errorf("unknown node %T", n)
}

func evalEqual(children []Node, closes map[string][]float64) (weights, error) {
	share := one.Div(decimal.NewFromInt(int64(len(children))))
	out := weights{}
	for _, c := range children {
		w, err := evalNode(c, closes)
		if err != nil {
			return nil, err
		}
		addScaled(out, w, share)
	}
	return out, nil
}

func evalSpecified(n WeightSpecified, closes map[string][]float64) (weights, error) {
	out := weights{}
	for i, c := range n.Children {
		w, err := evalNode(c, closes)
		if err != nil {
			return nil, err
		}
		addScaled(out, w, n.Weights[i])
	}
	return out, nil
}

func evalFilter(n Filter, closes map[string][]float64) (weights, error) {
	type ranked struct {
		sym string
		v   float64
	}
	rs := make([]ranked, 0, len(n.Assets))
	for _, a := range n.Assets {
		ind := n.Indicator
		ind.Symbol = a.Symbol
		v, err := ind.Value(closes[a.Symbol])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.Pos, err)
		}
		rs = append(rs, ranked{a.Symbol, v})
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].v != rs[j].v {
			return (rs[i].v > rs[j].v) == n.Top
		}
		return rs[i].sym < rs[j].sym
	})
	chosen := rs[:min(n.N, len(rs))]
	share := one.Div(decimal.NewFromInt(int64(len(chosen))))
	out := weights{}
	for _, r := range chosen {
		out[r.sym] = out[r.sym].Add(share)
	}
	return out, nil
}

func (c Compare) eval(closes map[string][]float64) (bool, error) {
	l, err := c.Left.value(closes)
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.Pos, err)
	}
	r, err := c.Right.value(closes)
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.Pos, err)
	}
	switch c.Op {
	case ">":
		return l > r, nil
	case "<":
		return l < r, nil
	case ">=":
		return l >= r, nil
	}
	return l <= r, nil
}

func (o Operand) value(closes map[string][]float64) (float64, error) {
	if o.Indicator == nil {
		return o.Number, nil
	}
	return o.Indicator.Value(closes[o.Indicator.Symbol])
}

func addScaled(dst, src weights, k decimal.Decimal) {
	for s, w := range src {
		dst[s] = dst[s].Add(w.Mul(k))
	}
}
