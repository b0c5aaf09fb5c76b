package strategy

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// PriceHistory serves daily bars: at most limit bars dated on or before
// end, oldest first. marketdata.Source satisfies it.
type PriceHistory interface {
	DailyBars(ctx context.Context, symbol string, end time.Time, limit int) ([]marketdata.Bar, error)
}

// Allocation is a target weight of one symbol.
type Allocation struct {
	Symbol string
	Weight decimal.Decimal
}

// StrategyResult is one strategy's own allocation and its weight in the mix.
type StrategyResult struct {
	Name        string
	Weight      decimal.Decimal
	Allocations []Allocation
}

// Result is an evaluation: the combined allocation (sorted by symbol,
// summing to exactly 1) and each strategy's part.
type Result struct {
	Allocations []Allocation
	Strategies  []StrategyResult
}

// Engine evaluates a configured set of strategies. It is immutable after
// NewEngine and safe for concurrent use.
type Engine struct {
	cfg      Config
	symbols  []string
	lookback int
}

// NewEngine checks cfg and prepares its strategies.
func NewEngine(cfg Config) (*Engine, error) {
	if len(cfg.Strategies) == 0 {
		return nil, fmt.Errorf("could not create engine: no strategies configured")
	}
	set := map[string]bool{}
	longest := 1
	for _, s := range cfg.Strategies {
		walk(s.Symphony.Root, func(sym string, need int) {
			set[sym] = true
			longest = max(longest, need)
		})
	}
	e := &Engine{cfg: cfg, lookback: longest + Warmup}
	for s := range set {
		e.symbols = append(e.symbols, s)
	}
	sort.Strings(e.symbols)
	return e, nil
}

// Evaluate runs every strategy on closes up to and including asOf.
func (e *Engine) Evaluate(ctx context.Context, hist PriceHistory, asOf time.Time) (Result, error) {
	closes, err := e.fetch(ctx, hist, asOf)
	if err != nil {
		return Result{}, err
	}
	total := map[string]decimal.Decimal{}
	res := Result{}
	for _, s := range e.cfg.Strategies {
		w, err := evalNode(s.Symphony.Root, closes)
		if err != nil {
			return Result{}, fmt.Errorf("could not evaluate %s: %w", s.Symphony.Name, err)
		}
		res.Strategies = append(res.Strategies, StrategyResult{Name: s.Symphony.Name, Weight: s.Weight, Allocations: normalize(w)})
		for sym, x := range w {
			total[sym] = total[sym].Add(x.Mul(s.Weight))
		}
	}
	res.Allocations = normalize(total)
	return res, nil
}

// fetch reads each referenced symbol's closes once.
func (e *Engine) fetch(ctx context.Context, hist PriceHistory, asOf time.Time) (map[string][]float64, error) {
	out := make(map[string][]float64, len(e.symbols))
	for _, sym := range e.symbols {
		bars, err := hist.DailyBars(ctx, sym, asOf, e.lookback)
		if err != nil {
			return nil, fmt.Errorf("could not read bars of %s: %w", sym, err)
		}
		c := make([]float64, len(bars))
		for i, b := range bars {
			c[i] = b.Close.InexactFloat64()
		}
		out[sym] = c
	}
	return out, nil
}

// walk calls f with every symbol a node references and the closes it needs.
func walk(n Node, f func(symbol string, need int)) {
	switch n := n.(type) {
	case Asset:
		f(n.Symbol, 1)
	case WeightEqual:
		walkAll(n.Children, f)
	case WeightSpecified:
		walkAll(n.Children, f)
	case Group:
		walkAll(n.Children, f)
	case If:
		for _, o := range []Operand{n.Cond.Left, n.Cond.Right} {
			if o.Indicator != nil {
				f(o.Indicator.Symbol, indicators[o.Indicator.Name].need(o.Indicator.Window))
			}
		}
		walkAll(n.Then, f)
		walkAll(n.Else, f)
	case Filter:
		for _, a := range n.Assets {
			f(a.Symbol, indicators[n.Indicator.Name].need(n.Indicator.Window))
		}
	}
}

func walkAll(ns []Node, f func(string, int)) {
	for _, n := range ns {
		walk(n, f)
	}
}
