package portfolio

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Action is what the plan does with a symbol.
type Action string

// Actions.
const (
	Buy  Action = "BUY"
	Sell Action = "SELL"
	Hold Action = "HOLD"
)

// Snapshot is the account as the planner sees it.
type Snapshot struct {
	Equity, Cash decimal.Decimal
	Positions    map[string]decimal.Decimal // quantity by symbol
	Prices       map[string]decimal.Decimal // reference price by symbol
	Fractionable map[string]bool
}

// Target is a target weight of one symbol.
type Target struct {
	Symbol string
	Weight decimal.Decimal
}

// Item is one line of a plan. TradeValue is the value of the trade as
// planned: negative for sells, zero for holds.
type Item struct {
	Symbol        string
	Action        Action
	Fractionable  bool
	Price         decimal.Decimal
	CurrentQty    decimal.Decimal
	CurrentValue  decimal.Decimal
	CurrentWeight decimal.Decimal
	TargetWeight  decimal.Decimal
	TargetValue   decimal.Decimal
	TradeValue    decimal.Decimal
	Qty           decimal.Decimal
}

// Plan is a rebalance plan.
type Plan struct {
	ID                 string
	Equity, Cash       decimal.Decimal
	CashReserve        decimal.Decimal // the fraction kept as cash
	Items              []Item
	EstimatedCashAfter decimal.Decimal
	Scaled             bool // buys were scaled down to fit the cash
}

// OnlyHolds reports whether the plan trades nothing.
func (p Plan) OnlyHolds() bool {
	for _, it := range p.Items {
		if it.Action != Hold {
			return false
		}
	}
	return true
}

// Config tunes the planner; zero values take the defaults of the package doc.
type Config struct {
	CashReserve        decimal.Decimal
	MinTradeFraction   decimal.Decimal
	MinTradeNotional   decimal.Decimal
	FractionalDecimals int32
}

// Planner makes plans. It is immutable and safe for concurrent use.
type Planner struct{ cfg Config }

// ErrInvalidInput marks a snapshot or targets the planner cannot use.
var ErrInvalidInput = errors.New("invalid planner input")

// New fills cfg's defaults and checks it.
func New(cfg Config) (*Planner, error) {
	if cfg.CashReserve.IsZero() {
		cfg.CashReserve = decimal.New(1, -2)
	}
	if cfg.MinTradeFraction.IsZero() {
		cfg.MinTradeFraction = decimal.New(1, -2)
	}
	if cfg.MinTradeNotional.IsZero() {
		cfg.MinTradeNotional = decimal.NewFromInt(1)
	}
	if cfg.FractionalDecimals == 0 {
		cfg.FractionalDecimals = 9
	}
	switch {
	case cfg.CashReserve.IsNegative() || cfg.CashReserve.GreaterThanOrEqual(decimal.NewFromInt(1)):
		return nil, fmt.Errorf("could not create planner: cash reserve %s must be in [0, 1)", cfg.CashReserve)
	case cfg.MinTradeFraction.IsNegative() || cfg.MinTradeNotional.IsNegative():
		return nil, fmt.Errorf("could not create planner: minimum trade must not be negative")
	case cfg.FractionalDecimals < 0 || cfg.FractionalDecimals > 9:
		return nil, fmt.Errorf("could not create planner: fractional decimals %d must be 0 to 9", cfg.FractionalDecimals)
	}
	return &Planner{cfg: cfg}, nil
}

// Plan plans the rebalance of snap to targets. key (the correlation id)
// enters the plan ID.
func (p *Planner) Plan(key string, snap Snapshot, targets []Target) (Plan, error) {
	weights, err := validate(snap, targets)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Equity: snap.Equity, Cash: snap.Cash, CashReserve: p.cfg.CashReserve}
	for _, sym := range symbols(snap, weights) {
		plan.Items = append(plan.Items, p.item(snap, sym, weights))
	}
	p.fitBuys(&plan)
	order(plan.Items)
	plan.EstimatedCashAfter = snap.Cash
	for _, it := range plan.Items {
		plan.EstimatedCashAfter = plan.EstimatedCashAfter.Sub(it.TradeValue)
	}
	plan.ID = planID(key, plan.Items)
	return plan, nil
}

func (p *Planner) item(snap Snapshot, sym string, weights map[string]decimal.Decimal) Item {
	price, held := snap.Prices[sym], snap.Positions[sym]
	weight, targeted := weights[sym]
	investable := snap.Equity.Mul(decimal.NewFromInt(1).Sub(p.cfg.CashReserve))
	it := Item{
		Symbol: sym, Action: Hold, Fractionable: snap.Fractionable[sym], Price: price,
		CurrentQty: held, CurrentValue: held.Mul(price), TargetWeight: weight,
		TargetValue: weight.Mul(investable), Qty: decimal.Zero, TradeValue: decimal.Zero,
	}
	if snap.Equity.IsPositive() {
		it.CurrentWeight = it.CurrentValue.Div(snap.Equity).Round(6)
	}
	diff := it.TargetValue.Sub(it.CurrentValue)
	switch {
	case !targeted:
		if it.CurrentValue.GreaterThanOrEqual(p.cfg.MinTradeNotional) {
			it.Action, it.Qty = Sell, held
		}
	case diff.Abs().LessThan(p.threshold(snap.Equity)):
	case diff.IsNegative():
		it.Action, it.Qty = Sell, decimal.Min(p.round(diff.Neg().Div(price), it.Fractionable), held)
	default:
		it.Action, it.Qty = Buy, p.round(diff.Div(price), it.Fractionable)
	}
	return settle(it)
}

// settle turns a zero-quantity trade into a hold and prices the trade.
func settle(it Item) Item {
	if !it.Qty.IsPositive() {
		it.Action, it.Qty = Hold, decimal.Zero
	}
	switch it.Action {
	case Buy:
		it.TradeValue = it.Qty.Mul(it.Price)
	case Sell:
		it.TradeValue = it.Qty.Mul(it.Price).Neg()
	default:
		it.TradeValue = decimal.Zero
	}
	return it
}

func (p *Planner) threshold(equity decimal.Decimal) decimal.Decimal {
	return decimal.Max(p.cfg.MinTradeFraction.Mul(equity), p.cfg.MinTradeNotional)
}

func (p *Planner) round(qty decimal.Decimal, fractionable bool) decimal.Decimal {
	if fractionable {
		return qty.RoundDown(p.cfg.FractionalDecimals)
	}
	return qty.RoundDown(0)
}

// fitBuys scales buys down when they exceed the cash left after sells and
// the reserve.
func (p *Planner) fitBuys(plan *Plan) {
	available := plan.Cash.Sub(p.cfg.CashReserve.Mul(plan.Equity))
	buys := decimal.Zero
	for _, it := range plan.Items {
		if it.Action == Sell {
			available = available.Sub(it.TradeValue) // TradeValue is negative
		} else if it.Action == Buy {
			buys = buys.Add(it.TradeValue)
		}
	}
	if buys.LessThanOrEqual(available) {
		return
	}
	plan.Scaled = true
	factor := decimal.Zero
	if available.IsPositive() {
		factor = available.DivRound(buys, 16)
	}
	for i, it := range plan.Items {
		if it.Action == Buy {
			it.Qty = p.round(it.Qty.Mul(factor), it.Fractionable)
			plan.Items[i] = settle(it)
		}
	}
}

func validate(snap Snapshot, targets []Target) (map[string]decimal.Decimal, error) {
	if !snap.Equity.IsPositive() {
		return nil, fmt.Errorf("%w: equity %s must be positive", ErrInvalidInput, snap.Equity)
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%w: no targets", ErrInvalidInput)
	}
	weights := map[string]decimal.Decimal{}
	sum := decimal.Zero
	for _, t := range targets {
		if _, dup := weights[t.Symbol]; dup {
			return nil, fmt.Errorf("%w: %s targeted twice", ErrInvalidInput, t.Symbol)
		}
		if t.Weight.IsNegative() {
			return nil, fmt.Errorf("%w: %s has negative weight %s", ErrInvalidInput, t.Symbol, t.Weight)
		}
		weights[t.Symbol], sum = t.Weight, sum.Add(t.Weight)
	}
	if sum.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(decimal.New(1, -9)) {
		return nil, fmt.Errorf("%w: weights sum to %s, want 1", ErrInvalidInput, sum)
	}
	for _, sym := range symbols(snap, weights) {
		if !snap.Prices[sym].IsPositive() {
			return nil, fmt.Errorf("%w: no positive price for %s", ErrInvalidInput, sym)
		}
		if snap.Positions[sym].IsNegative() {
			return nil, fmt.Errorf("%w: %s has a short position %s", ErrInvalidInput, sym, snap.Positions[sym])
		}
	}
	return weights, nil
}

// symbols returns targeted and held symbols, sorted.
func symbols(snap Snapshot, weights map[string]decimal.Decimal) []string {
	set := map[string]bool{}
	for s := range weights {
		set[s] = true
	}
	for s, q := range snap.Positions {
		if q.IsPositive() {
			set[s] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

var rank = map[Action]int{Sell: 0, Buy: 1, Hold: 2}

func order(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		if rank[items[i].Action] != rank[items[j].Action] {
			return rank[items[i].Action] < rank[items[j].Action]
		}
		return items[i].Symbol < items[j].Symbol
	})
}

func planID(key string, items []Item) string {
	var b strings.Builder
	b.WriteString(key)
	for _, it := range items {
		fmt.Fprintf(&b, "|%s %s %s %s", it.Symbol, it.Action, it.Qty, it.Price)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
