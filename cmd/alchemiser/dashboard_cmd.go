package main

import "github.com/spf13/cobra"

func newDashboardCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dashboard", Short: "Validate CloudWatch dashboards and preview them from a local run"}
	cmd.AddCommand(newDashboardValidateCmd(), newDashboardRenderCmd())
	return cmd
}
