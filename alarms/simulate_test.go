package alarms

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func simulated(t *testing.T, sloName, scenario string, o ScenarioOptions, delay time.Duration) *Simulation {
	t.Helper()
	return simulatedAs(t, false, sloName, scenario, o, delay)
}

// simulatedAs simulates as deployed with the burn-rate tiers (the
// template parameter BurnRateAlerts=on) when burn is true, at the
// template's defaults (without them) otherwise.
func simulatedAs(t *testing.T, burn bool, sloName, scenario string, o ScenarioOptions, delay time.Duration) *Simulation {
	t.Helper()
	sp := spec(t)
	sp.BurnRateAlerts = burn
	s := slo(t, sloName)
	o.Budget = s.Budget()
	sc, err := ScenarioNamed(scenario, o)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := Simulate(sp, s, sc, delay)
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

// TestSimulateGolden pins what each scenario sends a human through
// today's generated alarms: the notification counts and the detection
// times. The figures change when the alarms do; read the diff, then
// rewrite with go test ./alarms -run SimulateGolden -update.
func TestSimulateGolden(t *testing.T) {
	type run struct {
		slo, scenario string
		perDay        int
		burn          bool
	}
	var runs []run
	for _, burn := range []bool{false, true} {
		for _, name := range ScenarioNames() {
			runs = append(runs, run{"workflow-success", name, 1, burn})
		}
		for _, name := range dailyScenarios() {
			runs = append(runs, run{"workflow-success", name, 50, burn}, run{"workflow-latency", name, 1, burn})
		}
	}
	lines := make([]string, len(runs))
	t.Run("runs", func(t *testing.T) {
		for i, r := range runs {
			t.Run(fmt.Sprintf("%s/%s/%d/%v", r.slo, r.scenario, r.perDay, r.burn), func(t *testing.T) {
				t.Parallel()
				sim := simulatedAs(t, r.burn, r.slo, r.scenario, ScenarioOptions{WorkflowsPerDay: r.perDay}, DefaultIngestionDelay)
				traffic := ""
				if r.perDay > 1 {
					traffic = fmt.Sprintf(" at %d a day", r.perDay)
				}
				if r.burn {
					traffic += " with burn-rate alerts"
				}
				lines[i] = fmt.Sprintf("%s %s%s: %s; %d transitions; page %s, ticket %s", r.slo, r.scenario, traffic,
					sim.Notifications, len(sim.Transitions), detection(sim, "page"), detection(sim, "ticket"))
			})
		}
	})
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "simulate.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("simulated notifications differ from %s (rewrite with -update after reading the diff):\ngot:\n%swant:\n%s", golden, got, want)
	}
}

func detection(sim *Simulation, severity string) string {
	if d, ok := sim.Detection[severity]; ok {
		return "after " + d.String()
	}
	return "none"
}

// The counts are CountNotifications' on the evaluated states, and every
// change of state of every alarm is listed, in time order: so one failed
// workflow in a month of sessions shows whatever the generated alarms
// send, page by page and resolve by resolve.
func TestSimulateListsEveryTransition(t *testing.T) {
	for _, scenario := range []string{"month-one-failure", "flapping"} {
		// flapping runs at 100 events a minute: only the burn-rate tiers,
		// deployed with BurnRateAlerts=on, see it.
		sim := simulatedAs(t, scenario == "flapping", "workflow-success", scenario, ScenarioOptions{}, DefaultIngestionDelay)
		changes := 0
		for _, samples := range sim.States {
			for i := 1; i < len(samples); i++ {
				if samples[i].State != samples[i-1].State {
					changes++
				}
			}
		}
		if len(sim.Transitions) != changes {
			t.Errorf("%s: %d transitions listed, the states change %d times", scenario, len(sim.Transitions), changes)
		}
		var sent Notifications
		for i, tr := range sim.Transitions {
			if i > 0 && tr.At.Before(sim.Transitions[i-1].At) {
				t.Errorf("%s: transition %d at %s is before the one listed before it", scenario, i, tr.At)
			}
			if want := AlarmSeverity(tr.Alarm); tr.Severity != want {
				t.Errorf("%s: %s has severity %s, AlarmSeverity says %s", scenario, tr.Alarm, tr.Severity, want)
			}
		}
		for _, n := range sim.Notices {
			if n.Alarm != IncidentPage && n.Alarm != IncidentTicket {
				t.Errorf("%s: %s sent a notification; only the incident alarms have actions", scenario, n.Alarm)
			}
			switch {
			case n.State == cwalarm.OK:
				sent.OK++
			case n.Severity == SeverityPage:
				sent.Page++
			case n.Severity == SeverityTicket:
				sent.Ticket++
			}
		}
		if sent != sim.Notifications {
			t.Errorf("%s: the listed transitions send %s, the count is %s", scenario, sent, sim.Notifications)
		}
		if sim.Notifications == (Notifications{}) {
			t.Errorf("%s: a failure sent nothing", scenario)
		}
	}
}

// A flapping error rate pages again each time it comes back: every page
// is counted and listed, not only the first.
func TestSimulateReportsEveryPageOfAFlappingErrorRate(t *testing.T) {
	sim := simulatedAs(t, true, "workflow-success", "flapping", ScenarioOptions{}, DefaultIngestionDelay)
	var pages, all []time.Time
	for _, tr := range sim.Transitions {
		if tr.Alarm == "slo-workflow-success-page" && tr.State == cwalarm.Alarm {
			pages = append(pages, tr.At)
		}
	}
	for _, n := range sim.Notices {
		if n.Severity == SeverityPage && n.State == cwalarm.Alarm {
			all = append(all, n.At)
		}
	}
	if len(pages) < 2 || len(all) != len(pages) || len(all) != sim.Notifications.Page {
		t.Errorf("pages at %v; notifications %s", pages, sim.Notifications)
	}
}

// workbook is the SRE Workbook's detection time of a constant error
// ratio by the tiers that page (or ticket): the soonest tier whose long
// and short windows both reach their threshold, after both have.
func workbook(s *SLO, ratio float64, page bool) time.Duration {
	best := time.Duration(-1)
	for _, tier := range Tiers(s.PeriodDuration()) {
		long, short := DetectionTime(tier, tier.Long, s.Budget(), ratio), DetectionTime(tier, tier.Short, s.Budget(), ratio)
		if tier.Page != page || long == 0 || short == 0 {
			continue
		}
		if d := max(long, short); best < 0 || d < best {
			best = d
		}
	}
	return best
}

// Burns at a multiple of the budget rate, where the burn-rate tiers are
// deployed, are detected when the SRE Workbook says, by the tiers the
// spec keeps (14.4x over 1 h and 5 min pages, 1x over 3 days and 6 h opens
// a ticket): a burn at exactly 14.4x never pages (an alarm must exceed its
// threshold) and is ticketed; 6x and 2x are ticketed. Within the
// ingestion delay and one evaluation.
func TestBurnMultiplesAreDetectedInTheWorkbooksTime(t *testing.T) {
	first := func(sim *Simulation, alarm string, from time.Time) (time.Duration, bool) {
		for _, tr := range sim.Transitions {
			if tr.Alarm == alarm && tr.State == cwalarm.Alarm && !tr.At.Before(from) {
				return tr.At.Sub(from), true
			}
		}
		return 0, false
	}
	for _, c := range []struct {
		scenario string
		multiple float64
	}{{"burn-14.4x", 14.4}, {"burn-6x", 6}, {"burn-2x", 2}} {
		for _, name := range []string{"workflow-success", "event-delivery"} {
			t.Run(c.scenario+"/"+name, func(t *testing.T) {
				t.Parallel()
				s := slo(t, name)
				sim := simulatedAs(t, true, name, c.scenario, ScenarioOptions{}, DefaultIngestionDelay)
				for _, page := range []bool{true, false} {
					alarm := "slo-" + name + "-ticket"
					if page {
						alarm = "slo-" + name + "-page"
					}
					want := workbook(s, c.multiple*s.Budget(), page)
					got, ok := first(sim, alarm, sim.FirstBad)
					switch {
					case want < 0 && ok:
						t.Errorf("%s on %s: %s fired after %v; no tier of its severity reaches that burn", c.scenario, name, alarm, got)
					case want >= 0 && (!ok || got < want-time.Minute || got > want+DefaultIngestionDelay+time.Minute):
						t.Errorf("%s on %s: %s after %v (fired: %v), the workbook says %v", c.scenario, name, alarm, got, ok, want)
					}
				}
			})
		}
	}
}

// The ingestion delay postpones detection by itself, not the resolve: a
// late point still leaves a window when its timestamp does.
func TestIngestionDelayShiftsDetection(t *testing.T) {
	at := func(sim *Simulation, state cwalarm.State) time.Time {
		for _, tr := range sim.Transitions {
			if tr.Alarm == "workflow-failed" && tr.State == state {
				return tr.At
			}
		}
		t.Fatalf("the page never went to %s: %v", state, sim.Transitions)
		return time.Time{}
	}
	// A point counts from the evaluation after its minute: with no delay
	// or one of a minute the page comes a minute after the failure.
	prompt := simulated(t, "workflow-success", "month-one-failure", ScenarioOptions{}, time.Minute)
	late := simulated(t, "workflow-success", "month-one-failure", ScenarioOptions{}, 4*time.Minute)
	if prompt.Detection["page"] != time.Minute {
		t.Errorf("with a minute's delay the page came after %v", prompt.Detection["page"])
	}
	if d := at(late, cwalarm.Alarm).Sub(at(prompt, cwalarm.Alarm)); d != 3*time.Minute {
		t.Errorf("a 3-minute longer delay moved the page by %v", d)
	}
	if d := late.Detection["page"] - prompt.Detection["page"]; d != 3*time.Minute {
		t.Errorf("detection moved by %v", d)
	}
	if !at(late, cwalarm.OK).Equal(at(prompt, cwalarm.OK)) {
		t.Errorf("the page resolved at %s with the delay, %s without", at(late, cwalarm.OK), at(prompt, cwalarm.OK))
	}
}

// month-one-failure runs on the NYSE sessions of the month: 22 workflows
// at 09:35 New York, the failure on the eleventh session.
func TestMonthOneFailureRunsOnTheSessions(t *testing.T) {
	sc, err := ScenarioNamed("month-one-failure", ScenarioOptions{Budget: 0.01, WorkflowsPerDay: 3})
	if err != nil {
		t.Fatal(err)
	}
	var runs, bad float64
	var failed time.Time
	for at := sc.Start; at.Before(sc.Start.Add(sc.Length)); at = at.Add(time.Minute) {
		total, b := sc.events(at)
		runs, bad = runs+total, bad+b
		if b > 0 {
			failed = at
		}
		if total > 0 && at.In(newYork).Format("15:04") != "09:35" {
			t.Errorf("a workflow at %s", at.In(newYork))
		}
	}
	if runs != 22*3 || bad != 1 || failed.In(newYork).Format(time.DateOnly) != "2026-03-16" {
		t.Errorf("%g workflows, %g failed (on %s); want 66, 1 on 2026-03-16", runs, bad, failed.In(newYork))
	}
}

func TestScenarioErrorsNameTheValue(t *testing.T) {
	if _, err := ScenarioNamed("nope", ScenarioOptions{Budget: 0.01}); err == nil || !strings.Contains(err.Error(), `no scenario "nope" (outage,`) {
		t.Errorf("unknown scenario: %v", err)
	}
	if _, err := Simulate(spec(t), slo(t, "workflow-success"), mustScenario(t, "outage"), -time.Minute); err == nil || !strings.Contains(err.Error(), "-1m0s") {
		t.Errorf("negative delay: %v", err)
	}
	if _, err := Simulate(spec(t), slo(t, "workflow-latency"), mustScenario(t, "outage"), 0); err == nil || !strings.Contains(err.Error(), "daily scenarios") {
		t.Errorf("latency on a steady scenario: %v", err)
	}
}

func mustScenario(t *testing.T, name string) Scenario {
	sc, err := ScenarioNamed(name, ScenarioOptions{Budget: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
