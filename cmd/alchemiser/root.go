package main

import (
	"io"

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
	return root
}
