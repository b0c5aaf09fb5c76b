package alarms

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the daily scenarios run on New York time

	"github.com/alchemiser/alchemiser/app/marketdata"
)

// Scenario is a traffic and error pattern on a virtual timeline: the
// events (all, and bad) of each minute, from Start-Warmup to
// Start+Length. The warm-up has the same traffic without errors, so every
// window starts full, as the SRE Workbook's detection times assume.
type Scenario struct {
	Name, Description string
	// Daily scenarios run workflows at 09:35 New York, a number a day
	// (ScenarioOptions.WorkflowsPerDay); the others a steady 100 events
	// a minute.
	Daily          bool
	Start          time.Time
	Warmup, Length time.Duration
	events         func(minute time.Time) (total, bad float64)
}

// ScenarioOptions are what a scenario's traffic depends on.
type ScenarioOptions struct {
	// Budget is the SLO's error budget (a fraction), which the burn-multiple
	// scenarios burn at a multiple of.
	Budget float64
	// WorkflowsPerDay is the daily scenarios' traffic (1 when zero): 1 is
	// this system's, 50 a multi-tenant deployment's.
	WorkflowsPerDay int
}

// steadyPerMinute is the steady scenarios' traffic.
const steadyPerMinute = 100

// scenarioStart is where every timeline's scenario starts, after its
// warm-up: Monday 2 March 2026, midnight in New York, the first day of a
// month of NYSE sessions.
var scenarioStart = time.Date(2026, 3, 2, 0, 0, 0, 0, newYork)

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err) // time/tzdata is embedded: this cannot fail
	}
	return loc
}()

// warm is the warm-up: the longest window, three days.
const warm = 72 * time.Hour

type scenarioDef struct {
	name, description string
	daily             bool
	length            time.Duration
	events            func(o ScenarioOptions) (func(time.Time) (float64, float64), error)
}

func scenarioDefs() []scenarioDef {
	const day = 24 * time.Hour
	burn := func(multiple float64) func(ScenarioOptions) (func(time.Time) (float64, float64), error) {
		return func(o ScenarioOptions) (func(time.Time) (float64, float64), error) {
			if o.Budget <= 0 || multiple*o.Budget > 1 {
				return nil, fmt.Errorf("a %gx burn of a %g budget is no error ratio", multiple, o.Budget)
			}
			return steady(func(time.Duration) float64 { return multiple * o.Budget }), nil
		}
	}
	share := func(p float64) func(ScenarioOptions) (func(time.Time) (float64, float64), error) {
		return func(ScenarioOptions) (func(time.Time) (float64, float64), error) {
			return steady(func(time.Duration) float64 { return p }), nil
		}
	}
	return []scenarioDef{
		{"outage", "every event fails", false, 6 * time.Hour, share(1)},
		{"errors-10pct", "10% of events fail", false, 2 * day, share(0.10)},
		{"errors-1pct", "1% of events fail", false, 2 * day, share(0.01)},
		{"slow-burn-0.2pct", "0.2% of events fail", false, 2 * day, share(0.002)},
		{"steady-0.05pct", "0.05% of events fail, for 3 days (the longest window full of it)", false, 3 * day, share(0.0005)},
		{"burn-2x", "errors at twice the budget rate (2x the SLO's error budget as the error ratio)", false, 2 * day, burn(2)},
		{"burn-6x", "errors at 6x the budget rate", false, 2 * day, burn(6)},
		{"burn-14.4x", "errors at 14.4x the budget rate", false, 12 * time.Hour, burn(14.4)},
		{"flapping", "every event fails for 10 minutes of every 30", false, day, func(ScenarioOptions) (func(time.Time) (float64, float64), error) {
			return steady(func(since time.Duration) float64 {
				if since%(30*time.Minute) < 10*time.Minute {
					return 1
				}
				return 0
			}), nil
		}},
		{"low-traffic", "workflows every day at 09:35 New York; one of the third day's fails", true, 10 * day, func(o ScenarioOptions) (func(time.Time) (float64, float64), error) {
			var runs []time.Time
			for d := -3; d < 10; d++ {
				runs = append(runs, time.Date(2026, 3, 2+d, 9, 35, 0, 0, newYork))
			}
			return daily(runs, runs[3+2], o.WorkflowsPerDay), nil
		}},
		{"month-one-failure", "workflows at 09:35 New York on each NYSE session of March 2026 (22); one of the eleventh session's fails", true, 30 * day,
			func(o ScenarioOptions) (func(time.Time) (float64, float64), error) {
				runs, month, err := sessionRuns(scenarioStart.Add(-warm), scenarioStart.Add(30*day))
				if err != nil {
					return nil, err
				}
				return daily(runs, month[10], o.WorkflowsPerDay), nil
			}},
	}
}

// steady is 100 events a minute, a share of them bad after the start.
func steady(bad func(since time.Duration) float64) func(time.Time) (float64, float64) {
	return func(at time.Time) (float64, float64) {
		return steadyPerMinute, steadyPerMinute * bad(at.Sub(scenarioStart))
	}
}

// daily runs perDay workflows at each of runs, one of them failing at
// failed.
func daily(runs []time.Time, failed time.Time, perDay int) func(time.Time) (float64, float64) {
	at := map[int64]bool{}
	for _, r := range runs {
		at[r.Unix()] = true
	}
	return func(m time.Time) (float64, float64) {
		switch {
		case !at[m.Unix()]:
			return 0, 0
		case m.Equal(failed):
			return float64(perDay), 1
		}
		return float64(perDay), 0
	}
}

// sessionRuns are 09:35 New York on each NYSE session from from to to
// (the bundled market calendar), and those from scenarioStart on.
func sessionRuns(from, to time.Time) (all, month []time.Time, err error) {
	ds, err := marketdata.Synthetic()
	if err != nil {
		return nil, nil, fmt.Errorf("could not read the market calendar: %w", err)
	}
	for _, s := range ds.Sessions(from, to.Add(-time.Nanosecond)) {
		run := s.Open.Add(5 * time.Minute)
		all = append(all, run)
		if !run.Before(scenarioStart) && run.Before(to) {
			month = append(month, run)
		}
	}
	if len(month) < 11 {
		return nil, nil, fmt.Errorf("the market calendar has %d sessions from %s: too few for a month", len(month), scenarioStart.Format(time.DateOnly))
	}
	return all, month, nil
}

// ScenarioNames are the scenarios simulate knows, in order.
func ScenarioNames() []string {
	var out []string
	for _, d := range scenarioDefs() {
		out = append(out, d.name)
	}
	return out
}

func dailyScenarios() []string {
	var out []string
	for _, d := range scenarioDefs() {
		if d.daily {
			out = append(out, d.name)
		}
	}
	return out
}

// ScenarioNamed builds a scenario for o.
func ScenarioNamed(name string, o ScenarioOptions) (Scenario, error) {
	i := slices.IndexFunc(scenarioDefs(), func(d scenarioDef) bool { return d.name == name })
	if i < 0 {
		return Scenario{}, fmt.Errorf("no scenario %q (%s)", name, strings.Join(ScenarioNames(), ", "))
	}
	if o.WorkflowsPerDay < 0 {
		return Scenario{}, fmt.Errorf("%d workflows a day: at least 1", o.WorkflowsPerDay)
	}
	o.WorkflowsPerDay = max(o.WorkflowsPerDay, 1)
	d := scenarioDefs()[i]
	events, err := d.events(o)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", name, err)
	}
	return Scenario{Name: d.name, Description: d.description, Daily: d.daily, Start: scenarioStart, Warmup: warm, Length: d.length, events: events}, nil
}
