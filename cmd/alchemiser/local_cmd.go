package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/localaws"
)

func newLocalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Run the local stack as a long-lived AWS endpoint",
		Long: `local runs the local stack as a process that serves the AWS APIs on loopback,
so that ops commands and the AWS CLI operate it as they operate a deployed stack.`,
	}
	cmd.AddCommand(newLocalUpCmd())
	return cmd
}

type localUpFlags struct {
	cfg    localaws.Config
	asJSON bool
}

func newLocalUpCmd() *cobra.Command {
	var f localUpFlags
	cmd := &cobra.Command{
		Use:   "up [--addr 127.0.0.1:4566] [--out DIR] [--workflows N] [--scenario NAME] [--seed S] [--no-schedules] [--trading] [--json]",
		Short: "Serve the local stack's AWS APIs on loopback until interrupted",
		Long: `up starts the local stack and serves its AWS APIs (CloudWatch Logs, CloudWatch,
EventBridge, SQS, SSM, Secrets Manager, Lambda, CloudFormation) on one endpoint on
loopback, then runs N workflows on it (one per session, as run does, progress on
stderr), and keeps serving, with the workflow and watchdog schedules firing at
their times (unless --no-schedules) and the alarms evaluated, until SIGINT or
SIGTERM. Then it stops the stack's work
in flight, lets requests in progress end, flushes the run directory, and exits 0.

The first line on stdout is the endpoint's URL, printed once it accepts
requests: point the AWS SDKs (AWS_ENDPOINT_URL) or the AWS CLI (--endpoint-url)
at it, with any credentials and region us-east-1. With --json that line is
{"endpoint":URL,"run_dir":DIR,"stack":"alchemiser"}. The stack's names come from
CloudFormation: aws cloudformation describe-stack-resources --stack-name
alchemiser. A manual workflow: aws lambda invoke --function-name
alchemiser-scheduler --cli-binary-format raw-in-base64-out --payload
'{"trigger":"manual","scheduled_time":"2026-03-02T14:35:00Z"}' out.json.

The stack starts as a new deployed stack does: trading halted (the kill switch
/alchemiser/trading-enabled is "false"), so its workflows complete with outcome
halted and no order until "alchemiser trading resume --stack alchemiser".
--trading starts it resumed instead, as after that command.

--scenario runs a chaos scenario's fault on the stack (chaos --list names
them), with the scenario's seed unless --seed is given; its invariants are not
checked. --addr must be on loopback (127.0.0.0/8, ::1, localhost): the endpoint
takes any credentials. Port 0 picks a free port.

Exit status: 0 after SIGINT or SIGTERM, 1 when the stack cannot start (the port
is in use), 2 on bad usage (an address off loopback, an unknown scenario).`,
		Example: "  alchemiser local up --trading\n  alchemiser local up --addr 127.0.0.1:0 --json\n  alchemiser local up --scenario broker-degraded --workflows 2",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(cmd); err != nil {
				return err
			}
			return localUp(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.cfg.Addr, "addr", localaws.DefaultAddr, "listen address, on loopback only (port 0 picks a free one)")
	fl.StringVar(&f.cfg.OutDir, "out", "runs", "directory under which the run directory is created")
	fl.IntVar(&f.cfg.Workflows, "workflows", 1, "workflows to run once the endpoint is up, one per trading session (with --scenario, 0 for the scenario's own)")
	fl.StringVar(&f.cfg.Scenario, "scenario", "", "run with this chaos scenario's fault")
	fl.Uint64Var(&f.cfg.Seed, "seed", 1, "seed for the starting portfolio and the workflow ids (with --scenario, the scenario's own by default)")
	fl.BoolVar(&f.cfg.NoSchedules, "no-schedules", false, "do not fire the template's schedules on the wall clock (the workflows still run)")
	fl.BoolVar(&f.cfg.Trading, "trading", false, "start with trading resumed (the kill switch \"true\"); halted, as a new stack, without it")
	fl.BoolVar(&f.asJSON, "json", false, `print {"endpoint","run_dir","stack"} as the first line instead of the URL`)
	return cmd
}

// check validates the flags, filling in the scenario's seed.
func (f *localUpFlags) check(cmd *cobra.Command) error {
	if err := localaws.CheckAddr(f.cfg.Addr); err != nil {
		return usageError{fmt.Errorf("--addr: %w", err)}
	}
	if f.cfg.Workflows < 0 || f.cfg.Workflows > maxWorkflows || (f.cfg.Workflows == 0 && f.cfg.Scenario == "") {
		return usageError{fmt.Errorf("--workflows must be between 1 and %d, got %d", maxWorkflows, f.cfg.Workflows)}
	}
	if f.cfg.Scenario == "" {
		return nil
	}
	sc, err := chaos.Named(f.cfg.Scenario)
	if err != nil {
		return usageError{fmt.Errorf("--scenario: %w", err)}
	}
	if !cmd.Flags().Changed("seed") {
		f.cfg.Seed = sc.Seed
	}
	if !cmd.Flags().Changed("workflows") {
		f.cfg.Workflows = 0
	}
	return nil
}

// localUp serves until SIGINT or SIGTERM (or the command's context) ends.
func localUp(cmd *cobra.Command, f localUpFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	stderr := cmd.ErrOrStderr()
	f.cfg.Progress = stderr
	ep, err := localaws.Up(ctx, f.cfg)
	if err != nil {
		return err
	}
	if err := printEndpoint(cmd, ep, f.asJSON); err != nil {
		return errors.Join(err, ep.Close())
	}
	fmt.Fprintf(stderr, "local: serving %s; run directory %s; stop with Ctrl-C\n", ep.URL, ep.RunDir)
	if rep, err := ep.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "local: the workflows did not all run: %v\n", err)
	} else if rep != nil {
		fmt.Fprintf(stderr, "local: %d workflow(s): %d completed, %d message(s) in DLQs and on-failure destinations\n",
			len(rep.Results), rep.Completed(), rep.DeadLettered)
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "local: stopping")
	return ep.Close()
}

// printEndpoint prints the first line: the URL, or the JSON object.
func printEndpoint(cmd *cobra.Command, ep *localaws.Endpoint, asJSON bool) error {
	out := cmd.OutOrStdout()
	if !asJSON {
		_, err := fmt.Fprintln(out, ep.URL)
		return err
	}
	return json.NewEncoder(out).Encode(struct {
		Endpoint string `json:"endpoint"`
		RunDir   string `json:"run_dir"`
		Stack    string `json:"stack"`
	}{ep.URL, ep.RunDir, ep.Stack.Top.StackName})
}
