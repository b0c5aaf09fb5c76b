package notify

import (
	"time"

	"github.com/shopspring/decimal"
)

// Summary is everything the owner is told about one workflow.
type Summary struct {
	CorrelationID string
	Status        string // completed or failed
	Outcome       string // rebalanced, no_trades, halted, stale_skipped, market_closed, ..., when completed
	// Trading is what the kill switch said when the workflow reached it:
	// "enabled", "halted", or "" when the workflow ended before (a plan
	// with no trades, a stale event, a closed market, a failure upstream).
	Trading       string
	FailedStep    string
	Reason        string
	ErrorType     string
	TradingDate   string
	StartedAt     time.Time
	EndedAt       time.Time
	Allocations   []Allocation
	Plan          []PlanLine
	Orders        []OrderLine
	Before, After *Portfolio
	LogLocation   string
	// Runbook and Dashboard are links a failed workflow's summary carries:
	// the workflow-failed runbook and the dashboard over the workflow's
	// time range; "" when the deployment has none.
	Runbook, Dashboard string
	// Budgets are the SLOs' error budgets over their period, this
	// workflow counted; none when the deployment reads none.
	Budgets []Budget
}

// Duration is the workflow's end-to-end time.
func (s Summary) Duration() time.Duration { return s.EndedAt.Sub(s.StartedAt) }

// Allocation is a target weight.
type Allocation struct {
	Symbol string
	Weight decimal.Decimal
}

// PlanLine is one line of the rebalance plan.
type PlanLine struct {
	Symbol, Action            string
	Qty, Price, TradeValue    decimal.Decimal
	CurrentValue, TargetValue decimal.Decimal
}

// OrderLine is one order and its fill.
type OrderLine struct {
	Symbol, Side, ClientOrderID, Status, Error string
	Qty, FilledQty, FilledAvgPrice             decimal.Decimal
}

// Portfolio is an account snapshot.
type Portfolio struct {
	Equity, Cash decimal.Decimal
	Positions    []Holding
}

// Holding is one position.
type Holding struct {
	Symbol     string
	Qty, Value decimal.Decimal
}
