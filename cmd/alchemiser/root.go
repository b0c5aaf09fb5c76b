package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "alchemiser",
		Short: "Run and operate the Alchemiser trading workflow",
		Long: `alchemiser runs the Alchemiser trading workflow (strategy, portfolio,
execution, notifications) on an embedded local stack, with no AWS account and no
network: events travel as EventBridge envelopes, orders go through the real
Alpaca client to a paper exchange on 127.0.0.1.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCmd(), newEventsCmd(), newQueryCmd(), newAlarmsCmd(), newTraceCmd(), newDLQCmd(), newTradingCmd(), newSecretsCmd(), newReplayCmd(), newDashboardCmd(), newLoadtestCmd(), newChaosCmd(), newLocalCmd(), newVerifyCmd(), newCostCmd())
	needSubcommands(root)
	return root
}

// needSubcommands makes a group of commands (dlq, replay, dashboard, ...)
// that does nothing itself refuse to run without one of its commands, or
// with one it does not have: cobra would print its help and exit 0, a
// silent success for a mistyped command.
func needSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		needSubcommands(sub)
	}
	if c.Parent() == nil || !c.HasSubCommands() || c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		if len(args) == 0 {
			return usageError{fmt.Errorf("%s needs a command: %s", cmd.CommandPath(), strings.Join(names, ", "))}
		}
		return usageError{fmt.Errorf("%s has no command %q; its commands: %s", cmd.CommandPath(), args[0], strings.Join(names, ", "))}
	}
}

// exactArgs is cobra.ExactArgs whose error is bad usage (exit 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}

// maximumNArgs is cobra.MaximumNArgs whose error is bad usage (exit 2).
func maximumNArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}
