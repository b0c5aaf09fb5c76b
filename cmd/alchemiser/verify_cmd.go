package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// errVerifyFailed is verify's failure: a check did not pass.
var errVerifyFailed = errors.New("verification failed")

// verifyFlags are verify's options.
type verifyFlags struct {
	aws     awsOptions
	since   string
	trigger bool
	asJSON  bool
	out     string
	wait    time.Duration
}

func newVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify --stack NAME [--since T] [--trigger] [--json] [--out REPORT.md]",
		Short: "Check a deployed stack from the account's own data: resources, a workflow, queries, metrics, alarms, queues, cost",
		Long: `verify is the post-deployment check of a stack, made only of what the account
itself answers (CloudFormation, Lambda, CloudWatch Logs and metrics, SQS, SSM),
so it runs the same on AWS and on alchemiser local up (AWS_ENDPOINT_URL). Each
check is a row PASS, FAIL or SKIP with its evidence (counts, names,
console links) and, on FAIL, the runbook to read (from the alarms' descriptions):

  stack        DescribeStacks status CREATE/UPDATE/IMPORT_COMPLETE (a rollback is
               a FAIL) and every resource of template.yaml present, with
               the alias, version and CodeDeploy group SAM adds per function
  kill switch  the trading parameter: "true" (enabled) or "false" (halted, as a
               new stack starts) pass, the evidence says which; any other
               value fails (a dry run places no order either way)
  workflow     with --trigger: the scheduler function's alias is invoked with
               {"trigger":"verify","run_id":ID}, the run id new for each verify
               (its "workflow started" line carries it: two verify runs at
               once each find their own workflow): a dry run (WorkflowStarted's workflow.dry_run
               true) that strategy and portfolio run as usual and that the
               execution function ends without placing an order, halted or not,
               as WorkflowCompleted with outcome "verified (dry run)"; verify waits
               (--wait) for its end. Without --trigger: the last workflow that
               ended since --since. FAIL when it failed or did not end.
  step logs    the saved query workflow-trace finds the workflow's lines in every
               step it went through
  queries      every saved query is deployed (DescribeQueryDefinitions) and runs
               to Complete (StartQuery)
  metrics      every catalogue metric the dashboards chart exists with the
               dashboards' dimensions (ListMetrics); metrics emitted only on
               failures, and the order metrics (a dry run places no order), are
               listed but not required
  alarms       every alarm of the template exists with its configuration
               (comparison, threshold, evaluation periods, metric), none in ALARM
  queues       the DLQs and on-failure destinations are empty
  cost         log bytes per workflow and per function (a Logs Insights stats
               query since --since) and the observability cost per month projected
               from them: 21 workflows a month (one per trading day), logs
               ingestion $0.50/GB, custom metrics $0.30 each, alarms $0.10 per
               standard metric read / composite $0.50, dashboards $3 each beyond
               the account's 3 free, Logs Insights $0.005/GB scanned

How a dry run shows in logs and metrics: every log line a step writes about it
carries dry_run=true, the execution function logs "dry run: plan not executed",
and WorkflowsCompleted counts it with dimension outcome="verified (dry run)"
(never "rebalanced"), so it is told apart on dashboards and in the SLOs' data.

Without --trigger, the workflow and step-log rows are SKIP when no workflow
ended since --since; SKIP passes then. With --trigger nothing may SKIP.
The report is Markdown on stdout (or --out FILE); --json prints the rows as one
JSON object instead. Progress goes to stderr.

Exit status: 0 when every check passes (PASS, or SKIP as above), 1
otherwise, 2 on bad usage.`,
		Example: "  alchemiser verify --stack alchemiser --trigger --out verify.md\n  alchemiser verify --stack alchemiser --since 72h --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd, &f)
		},
	}
	fs := cmd.Flags()
	f.aws.addFlags(fs, "CloudFormation stack to verify (required)")
	fs.StringVar(&f.since, "since", "24h", "how far back to look for the last workflow, the log bytes and the queries (a duration, an RFC 3339 time or a date)")
	fs.BoolVar(&f.trigger, "trigger", false, "start a dry-run workflow (no order is placed) and verify it")
	fs.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&f.out, "out", "", "write the report to this file instead of stdout")
	fs.DurationVar(&f.wait, "wait", 10*time.Minute, "longest wait for the triggered workflow to end")
	return cmd
}

func runVerify(cmd *cobra.Command, f *verifyFlags) error {
	if f.aws.stack == "" {
		return usageError{errors.New("--stack is required")}
	}
	if f.wait <= 0 {
		return usageError{fmt.Errorf("--wait must be above 0, got %v", f.wait)}
	}
	start, _, err := queryWindow(clock.Now(), f.since, "", "")
	if err != nil {
		return usageError{err}
	}
	ctx := cmd.Context()
	cfg, err := f.aws.config(ctx)
	if err != nil {
		return err
	}
	v := &verifier{api: newVerifyAPI(cfg), region: cfg.Region, stackName: f.aws.stack, since: start,
		trigger: f.trigger, wait: f.wait, progress: cmd.ErrOrStderr()}
	rep := v.run(ctx)
	var w io.Writer = cmd.OutOrStdout()
	if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return fmt.Errorf("could not write the report: %w", err)
		}
		defer file.Close()
		w = file
	}
	if f.asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.markdown(w)
	}
	if err != nil {
		return fmt.Errorf("could not write the report: %w", err)
	}
	if failed := rep.failed(); len(failed) > 0 {
		return fmt.Errorf("%w: %v", errVerifyFailed, failed)
	}
	return nil
}
