package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/spf13/cobra"
)

// errInvariants is the exit status 1 of a chaos run that broke an invariant.
var errInvariants = errors.New("one or more invariants failed")

type chaosFlags struct {
	workflows    int
	spec, out    string
	asJSON, list bool
}

func newChaosCmd() *cobra.Command {
	var f chaosFlags
	cmd := &cobra.Command{
		Use:   "chaos SCENARIO|all [--workflows N] [--json] | chaos --list [--json]",
		Short: "Inject an incident on the local stack and check the invariants",
		Long: `chaos runs a fault-injection scenario on the embedded local stack (one incident type
of docs/INCIDENTS.md, or clean) and checks on the run:

  accounting                  started = completed + failed + dead-lettered,
                              and no event dropped for want of a DLQ
  no duplicate orders         no order accepted twice at the paper exchange
  no duplicate notifications  at most one notification per workflow
  every failure alerted       the scenario's alarm reaches ALARM on the run's
                              metrics (none on the clean scenario, nor on a
                              fault the system absorbs: publish-throttled)
  notifications as declared   the pages, tickets and OKs those alarms send
                              (each alarm's transitions to ALARM by severity,
                              and back to OK) are the scenario's declared
                              counts (none for clean and absorbed faults)
  findable                    the incident's saved query returns the affected
                              workflows (none of them anything on a clean run;
                              an absorbed fault shows in its metric instead)
  no failed orders            redrives only (dlq-redrive, stale-plan-redrive):
                              no order failed, and exactly the earlier
                              session's workflows ended stale_skipped

Scenarios: ` + strings.Join(chaos.Names(), ", ") + `; all runs every one.

Prints a block of PASS/FAIL lines per scenario, or one JSON object per scenario
with --json (scenario, incident, workflows, checks, pass, and alarm_notifications:
{"page": N, "ticket": N, "ok": N}, what the alarms sent; human_deliveries: the same
counts of what the SNS topics delivered to human subscriptions, and "enriched", the
notifications function's alarm messages). Run directories are temporary unless --out is set. Progress goes to
stderr. --list prints every scenario with its incident and what it injects.

Exit status: 0 when every invariant holds, 1 when one fails, 2 for an unknown
scenario.`,
		Example: "  alchemiser chaos --list\n  alchemiser chaos duplicate-delivery\n  alchemiser chaos all --json",
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case f.list && len(args) > 0:
				return usageError{fmt.Errorf("--list takes no scenario, got %v", args)}
			case f.list:
				return nil
			case len(args) != 1:
				return usageError{fmt.Errorf("want one scenario or all, got %d arguments (scenarios: %s)", len(args), strings.Join(chaos.Names(), ", "))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.list {
				return listChaos(cmd, f.asJSON)
			}
			return runChaos(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.workflows, "workflows", 0, "workflows per scenario (the scenario's own count when 0)")
	fl.StringVar(&f.spec, "spec", "", "SLO spec file (the built-in alarms/slos.yaml when empty)")
	fl.BoolVar(&f.list, "list", false, "list the scenarios instead of running one")
	fl.StringVar(&f.out, "out", "", "keep each run directory under DIR/<scenario>")
	fl.BoolVar(&f.asJSON, "json", false, "one JSON object per scenario")
	return cmd
}

func runChaos(cmd *cobra.Command, name string, f chaosFlags) error {
	scenarios, err := pickScenarios(name)
	if err != nil {
		return err
	}
	if f.workflows < 0 {
		return usageError{fmt.Errorf("--workflows must be positive, got %d", f.workflows)}
	}
	if f.spec != "" { // refuse a bad spec before running anything
		if _, err := alarms.LoadSpec(f.spec, nil); err != nil {
			return usageError{fmt.Errorf("could not load the SLO spec: %w", err)}
		}
	}
	failed := false
	for _, sc := range scenarios {
		fmt.Fprintf(cmd.ErrOrStderr(), "chaos: %s\n", sc.Name)
		o := chaos.Options{Workflows: f.workflows, SpecFile: f.spec, Progress: cmd.ErrOrStderr()}
		if f.out != "" {
			o.Dir = filepath.Join(f.out, sc.Name)
		}
		rep, err := chaos.Run(cmd.Context(), sc, o)
		if err != nil {
			return err
		}
		failed = failed || !rep.Pass
		if err := printChaos(cmd, rep, f.asJSON); err != nil {
			return err
		}
	}
	if failed {
		return errInvariants
	}
	return nil
}

// listChaos prints every scenario: name, incident, description.
func listChaos(cmd *cobra.Command, asJSON bool) error {
	out := cmd.OutOrStdout()
	for _, sc := range chaos.Scenarios() {
		incident := cmp.Or(sc.Incident, "-")
		if asJSON {
			line, err := json.Marshal(map[string]any{"scenario": sc.Name, "incident": sc.Incident, "description": sc.Description,
				"alarms": sc.Alarms, "quiet": sc.Quiet, "query": sc.Query, "absorbed": sc.Absorbed, "workflows": sc.Workflows})
			if err != nil {
				return fmt.Errorf("could not encode scenario %s: %w", sc.Name, err)
			}
			fmt.Fprintln(out, string(line))
			continue
		}
		fmt.Fprintf(out, "%-25s %-21s %s\n", sc.Name, incident, sc.Description)
	}
	return nil
}

func pickScenarios(name string) ([]chaos.Scenario, error) {
	if name == "all" {
		return chaos.Scenarios(), nil
	}
	sc, err := chaos.Named(name)
	if err != nil {
		return nil, usageError{err}
	}
	return []chaos.Scenario{sc}, nil
}

func printChaos(cmd *cobra.Command, rep *chaos.Report, asJSON bool) error {
	out := cmd.OutOrStdout()
	if asJSON {
		line, err := json.Marshal(rep)
		if err != nil {
			return fmt.Errorf("could not encode report: %w", err)
		}
		_, err = fmt.Fprintln(out, string(line))
		return err
	}
	fmt.Fprintf(out, "%s (%d workflows)\n", rep.Scenario, rep.Workflows)
	for _, c := range rep.Checks {
		fmt.Fprintf(out, "  %s\n", c)
	}
	return nil
}
