package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/alarms"
)

func newAlarmsSimulateCmd() *cobra.Command {
	var sloName, scenario, specFile string
	var delay time.Duration
	var perDay int
	var asJSON, burnRate bool
	cmd := &cobra.Command{
		Use:   "simulate --slo NAME --scenario SCENARIO [--ingestion-delay D] [--workflows-per-day N] [--burn-rate-alerts] [--json]",
		Short: "Run a traffic scenario through the generated alarms: every transition, and the notifications sent",
		Long: `simulate feeds a traffic and error scenario, minute by minute, to an SLO's metrics
and evaluates every alarm the template generates from the SLO spec (the symptom
alarms, and, where deployed, every SLO's burn-rate alarms and their page and
ticket composites) once a minute, as CloudWatch would (package alarms/cwalarm).
The template deploys the burn-rate tiers only with BurnRateAlerts=on (a
deployment with the traffic for them); --burn-rate-alerts simulates that. The
steady scenarios, at 100 events a minute, are such traffic: without the tiers
the per-event alarms stay quiet there, by design (docs/ALERTING.md). The windows start full of
three days of the scenario's traffic without errors.

It prints every state change of every alarm, with its time (UTC) and the alarm's
severity (page, ticket, or dashboard when it notifies no one); the notifications a
human receives: pages, tickets and the OKs that resolve them, counted as
'alchemiser chaos' counts them; and how long after the first bad event the first
page and the first ticket came.

Scenarios (the timeline starts Monday 2 March 2026, 00:00 New York):
  steady, 100 events a minute:
    outage              every event fails, 6 hours
    errors-10pct        10% of events fail, 2 days
    errors-1pct         1% of events fail, 2 days
    slow-burn-0.2pct    0.2% of events fail, 2 days
    steady-0.05pct      0.05% of events fail, 3 days
    burn-2x             errors at 2x the SLO's budget rate (2% for a 99% SLO), 2 days
    burn-6x             errors at 6x the budget rate, 2 days
    burn-14.4x          errors at 14.4x the budget rate, 12 hours
    flapping            every event fails 10 minutes of every 30, 1 day
  daily, --workflows-per-day workflows at 09:35 New York (default 1, this system's
  traffic; 50 shows a multi-tenant deployment):
    low-traffic         every calendar day for 10 days; one of the third day's fails
    month-one-failure   each NYSE session of March 2026 (22, from the bundled market
                        calendar), 30 days; one workflow of the eleventh session fails
A bad event is what the SLO counts as bad: a failed workflow for workflow-success,
a slow completed one for workflow-latency, a rejected order for order-success, a
dropped event for event-delivery. The latency SLI counts one data point per event:
it runs on the daily scenarios only.

--ingestion-delay is how long after its timestamp a data point reaches the alarm
evaluation: each evaluation reads only the points that have arrived, so a delay
postpones detection but not the moment a point leaves a window. AWS publishes no
figure; an embedded metric format metric exists once CloudWatch Logs has processed
the log event (CloudWatch user guide, "Setting alarms on metrics created with the
embedded metric format"), and alarms evaluate the points available at that moment
(AWS knowledge center, "cloudwatch-trigger-metric"). The default, 2m, is an
assumption: give the delay you measure.

--json prints one object: scenario, slo, workflows_per_day (daily scenarios),
ingestion_delay, start, first_bad_event, transitions [{alarm, severity, state, at}],
notifications {page, ticket, ok} and detection {page, ticket} (durations from the
first bad event; null when none came).

Exit status: 0, or 2 for an unknown SLO or scenario, a bad duration or count, or a
spec that does not load.`,
		Example: "  alchemiser alarms simulate --slo workflow-success --scenario month-one-failure\n" +
			"  alchemiser alarms simulate --slo workflow-success --scenario month-one-failure --workflows-per-day 50 --json\n" +
			"  alchemiser alarms simulate --slo event-delivery --scenario burn-14.4x --ingestion-delay 5m",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := loadSimulateSpec(specFile)
			if err != nil {
				return usageError{err}
			}
			slo, err := sloNamed(spec, sloName)
			if err != nil {
				return usageError{err}
			}
			if cmd.Flags().Changed("burn-rate-alerts") {
				spec.BurnRateAlerts = burnRate
			}
			if delay < 0 {
				return usageError{fmt.Errorf("--ingestion-delay %v: a delay is not negative", delay)}
			}
			if perDay < 1 {
				return usageError{fmt.Errorf("--workflows-per-day %d: at least 1", perDay)}
			}
			sc, err := alarms.ScenarioNamed(scenario, alarms.ScenarioOptions{Budget: slo.Budget(), WorkflowsPerDay: perDay})
			if err != nil {
				return usageError{err}
			}
			if !sc.Daily && cmd.Flags().Changed("workflows-per-day") {
				return usageError{fmt.Errorf("--workflows-per-day: scenario %s runs a steady 100 events a minute; the daily scenarios take a count", sc.Name)}
			}
			sim, err := alarms.Simulate(spec, slo, sc, delay)
			if err != nil {
				return usageError{err}
			}
			if !sc.Daily {
				perDay = 0
			}
			if asJSON {
				return writeSimulationJSON(cmd.OutOrStdout(), sim, perDay)
			}
			return writeSimulation(cmd.OutOrStdout(), sim, sc, slo, perDay)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sloName, "slo", "", "SLO name")
	f.StringVar(&scenario, "scenario", "", "scenario name")
	f.StringVar(&specFile, "spec", "", "SLO spec file (the built-in alarms/slos.yaml when empty)")
	f.DurationVar(&delay, "ingestion-delay", alarms.DefaultIngestionDelay, "delay between a data point's timestamp and its arrival at the alarm evaluation")
	f.IntVar(&perDay, "workflows-per-day", 1, "workflows a day in the daily scenarios")
	f.BoolVar(&burnRate, "burn-rate-alerts", false, "simulate as deployed with the burn-rate tiers (template parameter BurnRateAlerts=on); the spec's burn_rate_alerts otherwise")
	f.BoolVar(&asJSON, "json", false, "one JSON object")
	return cmd
}

func loadSimulateSpec(file string) (*alarms.Spec, error) {
	if file == "" {
		return alarms.DefaultSpec(nil)
	}
	return alarms.LoadSpec(file, nil)
}

func sloNamed(spec *alarms.Spec, name string) (*alarms.SLO, error) {
	var names []string
	for i := range spec.SLOs {
		if spec.SLOs[i].Name == name {
			return &spec.SLOs[i], nil
		}
		names = append(names, spec.SLOs[i].Name)
	}
	return nil, fmt.Errorf("--slo %q: no such SLO (%s)", name, strings.Join(names, ", "))
}

// simulationJSON is --json's object.
type simulationJSON struct {
	Scenario        string               `json:"scenario"`
	SLO             string               `json:"slo"`
	WorkflowsPerDay *int                 `json:"workflows_per_day"`
	IngestionDelay  string               `json:"ingestion_delay"`
	Start           time.Time            `json:"start"`
	FirstBadEvent   *time.Time           `json:"first_bad_event"`
	Transitions     []alarms.Transition  `json:"transitions"`
	Notifications   alarms.Notifications `json:"notifications"`
	Sent            []noticeJSON         `json:"sent"`
	Detection       map[string]*string   `json:"detection"`
}

// noticeJSON is one notification the incident alarms sent: the change
// (at changed) and when its actions ran (at, later when suppression
// held them), with the children that triggered it.
type noticeJSON struct {
	Alarm      string    `json:"alarm"`
	Severity   string    `json:"severity"`
	State      string    `json:"state"`
	Changed    time.Time `json:"changed"`
	At         time.Time `json:"at"`
	Triggering []string  `json:"triggering"`
}

func writeSimulationJSON(w io.Writer, sim *alarms.Simulation, perDay int) error {
	out := simulationJSON{Scenario: sim.Scenario, SLO: sim.SLO, IngestionDelay: sim.IngestionDelay.String(), Start: sim.Start.UTC(),
		Transitions: sim.Transitions, Notifications: sim.Notifications, Detection: map[string]*string{}}
	if out.Transitions == nil {
		out.Transitions = []alarms.Transition{}
	}
	out.Sent = []noticeJSON{}
	for _, n := range sim.Notices {
		out.Sent = append(out.Sent, noticeJSON{Alarm: n.Alarm, Severity: string(n.Severity), State: string(n.State),
			Changed: n.Changed.UTC(), At: n.At.UTC(), Triggering: append([]string{}, n.Triggering...)})
	}
	for i := range out.Transitions {
		out.Transitions[i].At = out.Transitions[i].At.UTC()
	}
	if perDay > 0 {
		out.WorkflowsPerDay = &perDay
	}
	if !sim.FirstBad.IsZero() {
		at := sim.FirstBad.UTC()
		out.FirstBadEvent = &at
	}
	for _, sev := range []string{string(alarms.SeverityPage), string(alarms.SeverityTicket)} {
		out.Detection[sev] = nil
		if d, ok := sim.Detection[sev]; ok {
			s := d.String()
			out.Detection[sev] = &s
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeSimulation(w io.Writer, sim *alarms.Simulation, sc alarms.Scenario, slo *alarms.SLO, perDay int) error {
	traffic := "100 events a minute"
	if perDay > 0 {
		traffic = fmt.Sprintf("%d workflow(s) a day", perDay)
	}
	fmt.Fprintf(w, "scenario %s: %s (%s)\nSLO %s: %g%% over %s; ingestion delay %v; start %s\n",
		sc.Name, sc.Description, traffic, slo.Name, slo.Objective, slo.Period, sim.IngestionDelay, sim.Start.UTC().Format(time.RFC3339))
	if sim.FirstBad.IsZero() {
		fmt.Fprintln(w, "no bad event")
	} else {
		fmt.Fprintf(w, "first bad event %s (+%s)\n", sim.FirstBad.UTC().Format(time.RFC3339), offset(sim.FirstBad.Sub(sim.Start)))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AT (UTC)\tAFTER START\tALARM\tSEVERITY\tSTATE")
	for _, t := range sim.Transitions {
		fmt.Fprintf(tw, "%s\t+%s\t%s\t%s\t%s\n", t.At.UTC().Format(time.RFC3339), offset(t.At.Sub(sim.Start)), t.Alarm, t.Severity, t.State)
	}
	if len(sim.Transitions) == 0 {
		fmt.Fprintln(tw, "(no alarm changed state)\t\t\t\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nnotifications: %s\n", sim.Notifications)
	for _, n := range sim.Notices {
		fmt.Fprintf(w, "  %s %s %s (+%s), triggered by %s\n", n.At.UTC().Format(time.RFC3339), n.Alarm, n.State,
			offset(n.At.Sub(sim.Start)), strings.Join(n.Triggering, ", "))
	}
	for _, sev := range []string{string(alarms.SeverityPage), string(alarms.SeverityTicket)} {
		if d, ok := sim.Detection[sev]; ok {
			fmt.Fprintf(w, "first %s %s after the first bad event\n", sev, d)
		} else {
			fmt.Fprintf(w, "no %s\n", sev)
		}
	}
	return nil
}

// offset is a duration with whole days apart: 14d8h37m0s.
func offset(d time.Duration) string {
	const day = 24 * time.Hour
	if d < day {
		return d.String()
	}
	return fmt.Sprintf("%dd%s", d/day, d%day)
}
