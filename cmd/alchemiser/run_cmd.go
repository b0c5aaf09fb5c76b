package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alchemiser/alchemiser/app/budgets"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/spf13/cobra"
)

// maxWorkflows bounds one run: the bundled data set has a few hundred
// sessions, and each workflow trades one of them.
const maxWorkflows = 250

func newRunCmd() *cobra.Command {
	var (
		cfg     local.Config
		asJSON  bool
		preview bool
		date    string
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run trading workflows on the embedded local stack",
		Long: `run starts N trading workflows, one per trading session ending with the last
session of the bundled synthetic data set, one after another on one paper account.
Each workflow runs strategy -> portfolio -> execution -> notifications through
EventBridge envelopes, and trades through the Alpaca client against the paper
exchange on 127.0.0.1. Logs, dead letters and notifications go to a new run
directory under --out.

--date YYYY-MM-DD runs one workflow for that New York date instead: the paper
exchange's market clock is set to the schedule's 09:35 New York that day and the
schedule fires then. The scheduler asks the exchange's clock and calendar (the
data set's, with the NYSE's holidays and early closes) whether the market is
open, so a weekend or a holiday ends with outcome market_closed and no order.
The date must lie in the data set's range, after the strategies' history.

The same --seed gives the same starting portfolio, correlation ids, plans and
client order ids.

Exit status: 0 when every workflow completed and no message ended in a DLQ or an
on-failure destination, 1 otherwise, 2 on bad usage.`,
		Example: "  alchemiser run\n  alchemiser run --workflows 3 --json\n  alchemiser run --date 2026-09-07 --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Duplicates < 0 || cfg.Duplicates > 1 {
				return usageError{fmt.Errorf("--duplicates must be between 0 and 1, got %g", cfg.Duplicates)}
			}
			if cfg.TimeScale <= 0 {
				return usageError{fmt.Errorf("--time-scale must be above 0, got %g", cfg.TimeScale)}
			}
			if cfg.Workflows < 1 || cfg.Workflows > maxWorkflows {
				return usageError{fmt.Errorf("--workflows must be between 1 and %d, got %d", maxWorkflows, cfg.Workflows)}
			}
			if err := runDate(cmd, date, &cfg); err != nil {
				return err
			}
			cfg.Progress = cmd.ErrOrStderr()
			slos, err := budgets.Builtin()
			if err != nil {
				return err
			}
			rep, err := local.Run(cmd.Context(), cfg, local.WithBudgets(slos))
			if err != nil {
				return err
			}
			if asJSON {
				err = writeJSON(cmd.OutOrStdout(), rep)
			} else {
				err = writeText(cmd.OutOrStdout(), rep)
				if err == nil && preview {
					err = previewRun(cmd.OutOrStdout(), rep.RunDir)
				}
			}
			if err != nil {
				return err
			}
			if !rep.AllCompleted() {
				return errWorkflowsFailed
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Workflows, "workflows", 1, "number of workflows to run, one per trading session")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed for the starting portfolio and the workflow ids")
	f.StringVar(&cfg.OutDir, "out", "runs", "directory under which the run directory is created")
	f.StringVar(&cfg.RunDir, "dir", "", "the run directory itself (must not exist); overrides --out")
	f.Float64Var(&cfg.Duplicates, "duplicates", 0, "share of EventBridge deliveries made twice, 0 to 1 (at-least-once delivery)")
	f.Float64Var(&cfg.TimeScale, "time-scale", local.DefaultTimeScale, "factor applied to EventBridge and Lambda retry waits (1 = real time)")
	f.StringVar(&date, "date", "", "run one workflow for this New York date (YYYY-MM-DD) instead of the last sessions")
	f.BoolVar(&asJSON, "json", false, "print one JSON object per workflow instead of summaries")
	f.BoolVar(&preview, "preview", true, "render the dashboards' preview of the run into RUN_DIR/dashboard.html (text output only)")
	return cmd
}

// runDate puts --date in cfg: a date of the calendar, alone.
func runDate(cmd *cobra.Command, date string, cfg *local.Config) error {
	if date == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return usageError{fmt.Errorf("--date %q is not a date in the form YYYY-MM-DD", date)}
	}
	if cmd.Flags().Changed("workflows") {
		return usageError{errors.New("--date runs one workflow: it does not take --workflows")}
	}
	ds, err := marketdata.Synthetic()
	if err != nil {
		return err
	}
	if err := local.CheckDate(ds, d); err != nil {
		return usageError{fmt.Errorf("--date: %w", err)}
	}
	cfg.Date = d
	return nil
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", args[0])}
	}
	return nil
}

// writeJSON prints one object per workflow, one per line.
func writeJSON(w io.Writer, rep *local.Report) error {
	enc := json.NewEncoder(w)
	for _, r := range rep.Results {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("could not write result: %w", err)
		}
	}
	return nil
}

func writeText(w io.Writer, rep *local.Report) error {
	for _, r := range rep.Results {
		if _, err := fmt.Fprintln(w, r.Summary); err != nil {
			return fmt.Errorf("could not write summary: %w", err)
		}
	}
	b := rep.Bus
	_, err := fmt.Fprintf(w, "%d workflow(s): %d completed, %d failed, %d message(s) in DLQs and on-failure destinations\n"+
		"eventbridge: %d events, %d function invocations (%d errors), %d duplicate deliveries, %d sent to DLQ, %d to on-failure destination\n"+
		"run directory: %s (logs/, traces.jsonl, outbox/, queues/, archive/)\n",
		len(rep.Results), rep.Completed(), len(rep.Results)-rep.Completed(), rep.DeadLettered,
		b.Events, b.FunctionInvocations, b.FunctionErrors, b.DuplicateDeliveries, b.SentToDLQ, b.SentToDestination, rep.RunDir)
	return err
}
