package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/cost"
	"github.com/alchemiser/alchemiser/topology"
)

// costFlags are the options of alchemiser cost.
type costFlags struct {
	template, runDir string
	params           []string
	cfg              cost.Config
	asJSON           bool
	budget           float64
}

func newCostCmd() *cobra.Command {
	var fl costFlags
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "Estimate the kit's monthly AWS bill from the template and a measured run",
		Long: `cost estimates the monthly AWS bill of the stack template.yaml declares, at
us-east-1 list prices, one line per priced thing with its quantity, unit, price,
the pricing page it was read on and the date: CloudWatch alarms (per metric read),
composite alarms, dashboards, custom metrics (EMF series and metric filters,
metered by the hour), logs ingestion and storage, Logs Insights scans; then
Lambda, EventBridge, DynamoDB, S3, Secrets Manager and SNS. The CloudWatch lines
are the telemetry subtotal.

Per-workflow figures (log bytes, EMF series, durations, events) come from a run
directory of "alchemiser run" (--run); without --run, cost runs one workflow on
the local stack in a temporary directory first. The template's schedules give
the hours the watchdog runs; a month has 21 trading days and 21.75 weekdays.
Free tiers (per account) apply unless --no-free-tier; both figures are printed.

Exit status: 0; 1 when the telemetry subtotal exceeds --budget (the items named);
2 on bad usage.`,
		Example: "  alchemiser cost\n  alchemiser cost --run runs/RUN --json\n  alchemiser cost --workflows-per-day 5 --budget 5",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCost(cmd, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.template, "template", "", "the SAM template to price (default: the built-in template.yaml)")
	f.StringArrayVar(&fl.params, "parameter", nil, "a template parameter value, K=V (repeatable; others take their Default)")
	f.StringVar(&fl.runDir, "run", "", "a run directory of `alchemiser run` to measure (default: run one workflow now)")
	f.Float64Var(&fl.cfg.WorkflowsPerDay, "workflows-per-day", 1, "workflows a trading day")
	f.Float64Var(&fl.cfg.DashboardViewsPerDay, "dashboard-views-per-day", 2, "views of each dashboard a trading day (Logs Insights scans)")
	f.BoolVar(&fl.cfg.NoFreeTier, "no-free-tier", false, "price without the always-free allowances")
	f.Float64Var(&fl.budget, "budget", 0, "exit 1 when the telemetry subtotal (USD a month) exceeds it")
	f.BoolVar(&fl.asJSON, "json", false, "print one JSON object")
	return cmd
}

func runCost(cmd *cobra.Command, fl costFlags) error {
	if fl.cfg.WorkflowsPerDay <= 0 || fl.cfg.WorkflowsPerDay > 1000 {
		return usageError{fmt.Errorf("--workflows-per-day must be above 0 and at most 1000, got %g", fl.cfg.WorkflowsPerDay)}
	}
	if fl.cfg.DashboardViewsPerDay < 0 || fl.budget < 0 {
		return usageError{errors.New("--dashboard-views-per-day and --budget cannot be negative")}
	}
	params := map[string]string{}
	for _, p := range fl.params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("--parameter %q: want NAME=VALUE", p)}
		}
		params[k] = v
	}
	top, err := loadTemplate(fl.template, topology.Options{Parameters: params})
	if err != nil {
		return usageError{err}
	}
	inv, err := cost.FromTemplate(top)
	if err != nil {
		return err
	}
	dir, cleanup, err := costRunDir(cmd, fl.runDir)
	if err != nil {
		return err
	}
	defer cleanup()
	run, err := cost.ReadRun(dir, inv.MetricFilters)
	if err != nil {
		if fl.runDir != "" {
			return usageError{fmt.Errorf("--run %s: %w", fl.runDir, err)}
		}
		return err
	}
	est := cost.Compute(inv, run, fl.cfg)
	if fl.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		err = enc.Encode(est)
	} else {
		err = writeCost(cmd.OutOrStdout(), est)
	}
	if err != nil {
		return err
	}
	return overBudget(est, fl.budget)
}

// costRunDir is --run, or a temporary run of one workflow.
func costRunDir(cmd *cobra.Command, dir string) (string, func(), error) {
	if dir != "" {
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "alchemiser-cost-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	fmt.Fprintln(cmd.ErrOrStderr(), "cost: running one workflow on the local stack to measure it (--run DIR uses a run of yours)")
	rep, err := local.Run(cmd.Context(), local.Config{Workflows: 1, Seed: 1, RunDir: filepath.Join(tmp, "run"), TimeScale: local.DefaultTimeScale, Progress: io.Discard})
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("could not run the workflow to measure: %w", err)
	}
	return rep.RunDir, cleanup, nil
}

// overBudget fails when telemetry exceeds budget (0: no budget), naming
// the telemetry items, dearest first.
func overBudget(est *cost.Estimate, budget float64) error {
	if budget == 0 || est.TelemetryUSDPerMonth <= budget {
		return nil
	}
	var items []cost.Item
	for _, it := range est.Items {
		if it.Telemetry && it.USDPerMonth > 0 {
			items = append(items, it)
		}
	}
	slices.SortStableFunc(items, func(a, b cost.Item) int { return cmp.Compare(b.USDPerMonth, a.USDPerMonth) })
	var names []string
	for _, it := range items {
		names = append(names, fmt.Sprintf("%s $%.2f", it.Item, it.USDPerMonth))
	}
	return fmt.Errorf("telemetry costs $%.2f a month, over the budget of $%.2f: %s", est.TelemetryUSDPerMonth, budget, strings.Join(names, ", "))
}

// writeCost prints the estimate as a table grouped by service.
func writeCost(w io.Writer, est *cost.Estimate) error {
	mode := "with the free tier"
	if !est.FreeTier {
		mode = "without the free tier"
	}
	fmt.Fprintf(w, "Monthly cost at %g workflow(s) a trading day (%g a month), us-east-1 list prices, %s\n\n", est.WorkflowsPerDay, est.WorkflowsPerMonth, mode)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tITEM\tQUANTITY\tUNIT\tPRICE\tFREE\tUSD/MONTH")
	service := ""
	for _, it := range est.Items {
		if it.Service != service && service == "CloudWatch" {
			fmt.Fprintf(tw, "\ttelemetry subtotal\t\t\t\t\t%.2f\n", est.TelemetryUSDPerMonth)
		}
		name := ""
		if it.Service != service {
			service, name = it.Service, it.Service
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.4f\n", name, it.Item, quantity(it.Quantity), it.Unit, it.PriceText, quantity(it.FreeQuantity), it.USDPerMonth)
	}
	fmt.Fprintf(tw, "\ttotal\t\t\t\t\t%.2f\n", est.TotalUSDPerMonth)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nWith the free tier: telemetry $%.2f, total $%.2f a month. Without it: telemetry $%.2f, total $%.2f.\n",
		est.WithFreeTier.TelemetryUSDPerMonth, est.WithFreeTier.TotalUSDPerMonth, est.WithoutFreeTier.TelemetryUSDPerMonth, est.WithoutFreeTier.TotalUSDPerMonth)
	fmt.Fprintf(w, "Telemetry budget: $%.2f a month at one workflow a trading day, with the free tier (the kit alone in an account).\n\nAssumptions:\n", cost.TelemetryBudgetUSD)
	for _, a := range est.Assumptions {
		fmt.Fprintf(w, "- %s\n", a)
	}
	fmt.Fprintln(w, "\nSources (price read on):")
	seen := map[string]bool{}
	for _, it := range est.Items {
		if !seen[it.Source] {
			seen[it.Source] = true
			fmt.Fprintf(w, "- %s (%s)\n", it.Source, it.PriceDate)
		}
	}
	return nil
}

func quantity(q float64) string {
	switch {
	case q == 0:
		return "0"
	case q >= 100:
		return fmt.Sprintf("%.0f", q)
	case q >= 1:
		return fmt.Sprintf("%.2f", q)
	}
	return fmt.Sprintf("%.4g", q)
}
