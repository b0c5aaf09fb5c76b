package notify

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// RenderText renders s as aligned plain text.
func RenderText(s Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", headline(s))
	fmt.Fprintf(&b, "correlation id  %s\ntrading date    %s\nduration        %s\n",
		s.CorrelationID, s.TradingDate, s.Duration().Round(time.Millisecond))
	fmt.Fprintf(&b, "trading         %s\n", tradingText(s))
	if s.Status == "failed" {
		fmt.Fprintf(&b, "failed step     %s\nreason          %s\nerror type      %s\n", s.FailedStep, s.Reason, s.ErrorType)
	}
	section(&b, "Target allocation", len(s.Allocations), func(w *tabwriter.Writer) {
		fmt.Fprintln(w, "symbol\tweight\t")
		for _, a := range s.Allocations {
			fmt.Fprintf(w, "%s\t%s%%\t\n", a.Symbol, a.Weight.Shift(2).StringFixed(2))
		}
	})
	section(&b, "Rebalance plan", len(s.Plan), func(w *tabwriter.Writer) {
		fmt.Fprintln(w, "symbol\taction\tqty\tprice\tcurrent\ttarget\ttrade\t")
		for _, p := range s.Plan {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Symbol, p.Action, p.Qty, p.Price.StringFixed(2),
				p.CurrentValue.StringFixed(2), p.TargetValue.StringFixed(2), p.TradeValue.StringFixed(2))
		}
	})
	section(&b, "Orders", len(s.Orders), func(w *tabwriter.Writer) {
		fmt.Fprintln(w, "symbol\tside\tqty\tfilled\tavg price\tstatus\tclient order id\t")
		for _, o := range s.Orders {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", o.Symbol, o.Side, o.Qty, o.FilledQty,
				o.FilledAvgPrice.StringFixed(2), statusText(o), o.ClientOrderID)
		}
	})
	portfolios(&b, s.Before, s.After)
	if len(s.Budgets) > 0 {
		fmt.Fprintf(&b, "\nError budgets\n")
		for _, bu := range s.Budgets {
			fmt.Fprintf(&b, "  %s\n", bu.Line())
		}
	}
	if s.LogLocation != "" {
		fmt.Fprintf(&b, "\nlogs: %s\n", s.LogLocation)
	}
	if s.Runbook != "" {
		fmt.Fprintf(&b, "runbook: %s\n", s.Runbook)
	}
	if s.Dashboard != "" {
		fmt.Fprintf(&b, "dashboard: %s\n", s.Dashboard)
	}
	return b.String()
}

func headline(s Summary) string {
	if s.Status == "failed" {
		return fmt.Sprintf("Workflow FAILED at %s (%s)", s.FailedStep, s.TradingDate)
	}
	switch s.Outcome {
	case "market_closed":
		return fmt.Sprintf("Workflow completed: market closed, no trading (%s)", s.TradingDate)
	case "no_trades":
		return fmt.Sprintf("Workflow completed: portfolio already on target, no trades (%s)", s.TradingDate)
	case "halted":
		return fmt.Sprintf("Workflow completed: trading halted, no orders (%s)", s.TradingDate)
	case "stale_skipped":
		return fmt.Sprintf("Workflow completed: stale event skipped, no orders (%s)", s.TradingDate)
	}
	return fmt.Sprintf("Workflow completed: rebalanced (%s)", s.TradingDate)
}

// tradingText says whether trading is halted: the kill switch's value
// when the workflow read it.
func tradingText(s Summary) string {
	switch s.Trading {
	case "halted":
		return "HALTED by the kill switch: no order is placed until trading is resumed"
	case "enabled":
		return "enabled"
	}
	return "not checked (the workflow ended before execution)"
}

func statusText(o OrderLine) string {
	if o.Error != "" {
		return o.Status + " (" + o.Error + ")"
	}
	return o.Status
}

func section(b *strings.Builder, title string, n int, body func(*tabwriter.Writer)) {
	if n == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	body(w)
	_ = w.Flush()
}

func portfolios(b *strings.Builder, before, after *Portfolio) {
	if before == nil && after == nil {
		return
	}
	fmt.Fprintf(b, "\nPortfolio\n")
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\tbefore\tafter\t")
	row := func(name string, f func(*Portfolio) string) {
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", name, orDash(before, f), orDash(after, f))
	}
	row("equity", func(p *Portfolio) string { return p.Equity.StringFixed(2) })
	row("cash", func(p *Portfolio) string { return p.Cash.StringFixed(2) })
	for _, sym := range holdingSymbols(before, after) {
		row(sym, func(p *Portfolio) string { return holdingValue(p, sym) })
	}
	_ = w.Flush()
}

func orDash(p *Portfolio, f func(*Portfolio) string) string {
	if p == nil {
		return "-"
	}
	return f(p)
}
