package events

import (
	"time"

	"github.com/shopspring/decimal"
)

// Event names, used as EventBridge detail-type.
const (
	TypeWorkflowStarted   = "WorkflowStarted"
	TypeSignalGenerated   = "SignalGenerated"
	TypeRebalancePlanned  = "RebalancePlanned"
	TypeTradeExecuted     = "TradeExecuted"
	TypeWorkflowCompleted = "WorkflowCompleted"
	TypeWorkflowFailed    = "WorkflowFailed"
)

// Types lists every event name in workflow order.
var Types = []string{
	TypeWorkflowStarted, TypeSignalGenerated, TypeRebalancePlanned,
	TypeTradeExecuted, TypeWorkflowCompleted, TypeWorkflowFailed,
}

// Event is one workflow event. Every event embeds Metadata and Workflow.
type Event interface {
	// EventType is the event's name and EventBridge detail-type.
	EventType() string
	// Meta returns the event's metadata for reading and setting.
	Meta() *Metadata
}

// Workflow identifies the workflow run an event belongs to. Every event
// carries it so each consumer knows when its workflow began.
type Workflow struct {
	TradingDate string    `json:"trading_date"` // YYYY-MM-DD, New York
	StartedAt   time.Time `json:"started_at"`
	// DryRun marks a workflow that plans but places no order (schema
	// 1.1; absent, so false, before): the scheduler sets it for trigger
	// verify, every step copies it, and the execution function ends the
	// workflow completed with outcome OutcomeDryRun instead of trading.
	DryRun bool `json:"dry_run,omitempty"`
	// SessionClose is when the trading session the workflow trades in
	// closes (schema 1.2; absent before, and then unbounded): the
	// scheduler reads it from the broker's calendar and clock before the
	// workflow starts, on the clock that stamps the workflow's events
	// (the broker's close, moved by the difference between the broker's
	// clock and the scheduler's, which is nothing in AWS and the paper
	// exchange's simulated session locally). The execution function
	// places no order after it: a half day's 13:00 close shortens its
	// deadline.
	SessionClose time.Time `json:"session_close,omitzero"`
}

// OutcomeDryRun is the outcome of a completed dry-run workflow.
const OutcomeDryRun = "verified (dry run)"

// OutcomeHalted is the outcome of a workflow whose plan the kill switch
// ("false") kept from trading: the owner's decision, not a failure.
const OutcomeHalted = "halted"

// OutcomeStaleSkipped is the outcome of a workflow whose SignalGenerated
// or RebalancePlanned arrived too late to act on (a redrive or replay of
// another session's event): nothing was planned or traded.
const OutcomeStaleSkipped = "stale_skipped"

// OutcomeMarketClosed is the outcome of a workflow started when the
// market is not open (a weekend, an exchange holiday, outside the
// session): the scheduler ends it at once, and nothing trades.
const OutcomeMarketClosed = "market_closed"

// IsDryRun reports whether the workflow places no order.
func (w Workflow) IsDryRun() bool { return w.DryRun }

// Allocation is a target weight of one symbol.
type Allocation struct {
	Symbol string          `json:"symbol"`
	Weight decimal.Decimal `json:"weight"`
}

// StrategySignal is one strategy's contribution to a signal.
type StrategySignal struct {
	Name        string          `json:"name"`
	Weight      decimal.Decimal `json:"weight"`
	Allocations []Allocation    `json:"allocations"`
}

// PlanItem is one line of a rebalance plan.
type PlanItem struct {
	Symbol       string          `json:"symbol"`
	Action       string          `json:"action"` // BUY, SELL or HOLD
	Fractionable bool            `json:"fractionable"`
	Price        decimal.Decimal `json:"price"`
	CurrentQty   decimal.Decimal `json:"current_qty"`
	CurrentValue decimal.Decimal `json:"current_value"`
	TargetWeight decimal.Decimal `json:"target_weight"`
	TargetValue  decimal.Decimal `json:"target_value"`
	TradeValue   decimal.Decimal `json:"trade_value"`
	Qty          decimal.Decimal `json:"qty"`
}

// OrderResult is the outcome of one order.
type OrderResult struct {
	Symbol         string          `json:"symbol"`
	Side           string          `json:"side"`
	ClientOrderID  string          `json:"client_order_id"`
	OrderID        string          `json:"order_id,omitempty"`
	Status         string          `json:"status"`
	Qty            decimal.Decimal `json:"qty"`
	FilledQty      decimal.Decimal `json:"filled_qty"`
	FilledAvgPrice decimal.Decimal `json:"filled_avg_price"`
	Error          string          `json:"error,omitempty"`
}

// Portfolio is an account snapshot for summaries.
type Portfolio struct {
	Equity    decimal.Decimal `json:"equity"`
	Cash      decimal.Decimal `json:"cash"`
	Positions []Holding       `json:"positions"`
}

// Holding is one position in a Portfolio.
type Holding struct {
	Symbol string          `json:"symbol"`
	Qty    decimal.Decimal `json:"qty"`
	Value  decimal.Decimal `json:"value"`
}

// WorkflowStarted begins a workflow. Its event_id is the correlation id.
type WorkflowStarted struct {
	Metadata `json:"metadata"`
	Workflow `json:"workflow"`
	Trigger  string `json:"trigger"` // schedule, manual, loadtest or verify (then DryRun)
}

// SignalGenerated carries the strategies' combined target allocations.
type SignalGenerated struct {
	Metadata    `json:"metadata"`
	Workflow    `json:"workflow"`
	AsOf        string           `json:"as_of"` // last session whose close was used
	Allocations []Allocation     `json:"allocations"`
	Strategies  []StrategySignal `json:"strategies"`
}

// RebalancePlanned carries the plan that execution carries out.
type RebalancePlanned struct {
	Metadata    `json:"metadata"`
	Workflow    `json:"workflow"`
	PlanID      string          `json:"plan_id"`
	Allocations []Allocation    `json:"allocations"`
	Before      Portfolio       `json:"before"`
	CashReserve decimal.Decimal `json:"cash_reserve"`
	Items       []PlanItem      `json:"items"`
}

// TradeExecuted reports every order of a plan, including failed ones.
type TradeExecuted struct {
	Metadata      `json:"metadata"`
	Workflow      `json:"workflow"`
	PlanID        string        `json:"plan_id"`
	Orders        []OrderResult `json:"orders"`
	FailedSymbols []string      `json:"failed_symbols"`
	Submitted     int           `json:"orders_submitted"`
	Filled        int           `json:"orders_filled"`
}

// WorkflowCompleted ends a workflow successfully.
type WorkflowCompleted struct {
	Metadata    `json:"metadata"`
	Workflow    `json:"workflow"`
	Outcome     string        `json:"outcome"` // rebalanced, no_trades, OutcomeDryRun, OutcomeHalted, OutcomeStaleSkipped or OutcomeMarketClosed
	PlanID      string        `json:"plan_id"`
	Allocations []Allocation  `json:"allocations"`
	Items       []PlanItem    `json:"items"`
	Orders      []OrderResult `json:"orders"`
	Submitted   int           `json:"orders_submitted"`
	Filled      int           `json:"orders_filled"`
	Before      Portfolio     `json:"before"`
	After       Portfolio     `json:"after"`
}

// WorkflowFailed ends a workflow with a failure at Step.
type WorkflowFailed struct {
	Metadata  `json:"metadata"`
	Workflow  `json:"workflow"`
	Step      string        `json:"step"` // strategy, portfolio or execution
	Reason    string        `json:"reason"`
	ErrorType string        `json:"error_type"`
	PlanID    string        `json:"plan_id,omitempty"`
	Orders    []OrderResult `json:"orders,omitempty"`
	Submitted int           `json:"orders_submitted"`
	Filled    int           `json:"orders_filled"`
}

func (*WorkflowStarted) EventType() string   { return TypeWorkflowStarted }
func (*SignalGenerated) EventType() string   { return TypeSignalGenerated }
func (*RebalancePlanned) EventType() string  { return TypeRebalancePlanned }
func (*TradeExecuted) EventType() string     { return TypeTradeExecuted }
func (*WorkflowCompleted) EventType() string { return TypeWorkflowCompleted }
func (*WorkflowFailed) EventType() string    { return TypeWorkflowFailed }

var (
	_ Event = (*WorkflowStarted)(nil)
	_ Event = (*SignalGenerated)(nil)
	_ Event = (*RebalancePlanned)(nil)
	_ Event = (*TradeExecuted)(nil)
	_ Event = (*WorkflowCompleted)(nil)
	_ Event = (*WorkflowFailed)(nil)
)

// newEvent returns a zero event of the named type, or nil.
func newEvent(detailType string) Event {
	switch detailType {
	case TypeWorkflowStarted:
		return &WorkflowStarted{}
	case TypeSignalGenerated:
		return &SignalGenerated{}
	case TypeRebalancePlanned:
		return &RebalancePlanned{}
	case TypeTradeExecuted:
		return &TradeExecuted{}
	case TypeWorkflowCompleted:
		return &WorkflowCompleted{}
	case TypeWorkflowFailed:
		return &WorkflowFailed{}
	}
	return nil
}
