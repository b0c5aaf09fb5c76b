package alarms

import (
	"fmt"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Scenario is per-minute traffic for an SLO: events and bad events per
// minute, for Minutes minutes after a warm-up of Warmup minutes of the
// same traffic without errors (so every window starts full, as the SRE
// Workbook's detection times assume). Times are reported from the end of
// the warm-up.
type Scenario struct {
	Name        string
	Description string
	Minutes     int
	Warmup      int
	Total       func(minute int) float64
	Bad         func(minute int) float64
}

// warm is three days: the longest window.
const warm = 3 * 24 * 60

// Scenarios are the traffic and error patterns simulate knows.
func Scenarios() []Scenario {
	const day = 24 * 60
	steady := func(rate float64) func(int) float64 { return func(int) float64 { return rate } }
	share := func(p float64) func(int) float64 { return func(int) float64 { return 100 * p } }
	return []Scenario{
		{"outage", "every event fails", 6 * 60, warm, steady(100), share(1)},
		{"errors-10pct", "10% of events fail", 2 * day, warm, steady(100), share(0.10)},
		{"errors-1pct", "1% of events fail", 2 * day, warm, steady(100), share(0.01)},
		{"slow-burn-0.2pct", "0.2% of events fail", 5 * day, warm, steady(100), share(0.002)},
		{"steady-0.05pct", "0.05% of events fail, for 30 days", 30 * day, warm, steady(100), share(0.0005)},
		{"flapping", "every event fails for 10 minutes of every 30", day, warm, steady(100), func(m int) float64 {
			if m%30 < 10 {
				return 100
			}
			return 0
		}},
		{"low-traffic", "one workflow a day at 09:35, the third one fails", 10 * day, warm, func(m int) float64 {
			if m%day == 9*60+35 {
				return 1
			}
			return 0
		}, func(m int) float64 {
			if m == 2*day+9*60+35 {
				return 1
			}
			return 0
		}},
	}
}

// ScenarioNamed finds a scenario.
func ScenarioNamed(name string) (Scenario, error) {
	var names []string
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Scenario{}, fmt.Errorf("no scenario %q (%s)", name, strings.Join(names, ", "))
}

// Firing is when an alarm went to ALARM and back.
type Firing struct {
	Alarm       string
	Fired       time.Duration // since the scenario's start; -1: never
	Reset       time.Duration // -1: still in ALARM at the end
	BudgetSpent float64       // share of the period's error budget spent when it fired
}

// Simulate runs the scenario through an SLO's generated alarms, one
// evaluation a minute, and reports each alarm's and composite's first
// firing. Every generated alarm has one evaluation period and treats
// missing data as not breaching, so the value of its window decides.
func Simulate(spec *Spec, s *SLO, sc Scenario) ([]Firing, error) {
	gens, comps := BurnAlarms(spec, s)
	n := sc.Warmup + sc.Minutes
	prefixTotal, prefixBad := make([]float64, n+1), make([]float64, n+1)
	for m := range n {
		if m < sc.Warmup {
			prefixTotal[m+1], prefixBad[m+1] = prefixTotal[m]+sc.Total(m%(24*60)), prefixBad[m]
			continue
		}
		prefixTotal[m+1] = prefixTotal[m] + sc.Total(m-sc.Warmup)
		prefixBad[m+1] = prefixBad[m] + sc.Bad(m-sc.Warmup)
	}
	// The budget of the whole period at the scenario's average traffic.
	periodEvents := prefixTotal[n] / float64(n) * s.PeriodDuration().Minutes()
	from := sc.Warmup
	budget := s.Budget() * periodEvents
	states := map[string][]bool{}
	var out []Firing
	for _, g := range gens {
		st, err := simulateAlarm(s, g, prefixTotal, prefixBad)
		if err != nil {
			return nil, err
		}
		states[g.LogicalID] = st
		out = append(out, firing(g.Name, st[from:], prefixBad[from:], budget))
	}
	for _, c := range comps {
		rule, err := c.AlarmRule()
		if err != nil {
			return nil, err
		}
		st := make([]bool, n+1)
		for end := 1; end <= n; end++ {
			children := map[string]cwalarm.State{}
			for id, s := range states {
				children[id] = cwalarm.OK
				if s[end] {
					children[id] = cwalarm.Alarm
				}
			}
			st[end] = rule.State(children) == cwalarm.Alarm
		}
		states[c.LogicalID] = st
		out = append(out, firing(c.Name, st[from:], prefixBad[from:], budget))
	}
	return out, nil
}

// simulateAlarm is whether alarm g is in ALARM after each minute, given
// the running totals of all and of bad events.
func simulateAlarm(s *SLO, g Generated, prefixTotal, prefixBad []float64) ([]bool, error) {
	p, err := g.Alarm.Plan()
	if err != nil {
		return nil, fmt.Errorf("could not plan alarm %s: %w", g.Name, err)
	}
	window := func(prefix []float64, end int) float64 {
		return prefix[end] - prefix[max(0, end-int(g.Window/time.Minute))]
	}
	metrics := p.Metrics()
	st := make([]bool, len(prefixTotal))
	for end := 1; end < len(prefixTotal); end++ {
		total, bad := window(prefixTotal, end), window(prefixBad, end)
		vals := map[string]float64{}
		for _, id := range metrics {
			if v := metricValue(id, total, bad); v > 0 {
				vals[id] = v // a window without events has no data point
			}
		}
		v, ok := p.Value(vals)
		st[end] = ok && g.Alarm.Breaches(v)
	}
	return st, nil
}

// metricValue is a generated cwalarm.MetricStat's window value: the SLO's bad
// and total events mapped onto its good, bad and total metrics. The
// scenario puts all of a kind on its first query (total0, good0, bad0):
// the others, further metrics or further functions' series of the same
// metric, read nothing.
func metricValue(id string, total, bad float64) float64 {
	switch id {
	case "total0":
		return total
	case "good0":
		return total - bad
	case "bad0":
		return bad
	}
	return 0
}

func firing(name string, st []bool, prefixBad []float64, budget float64) Firing {
	f := Firing{Alarm: name, Fired: -1, Reset: -1}
	for m := 1; m < len(st); m++ {
		if st[m] && f.Fired < 0 {
			f.Fired = time.Duration(m) * time.Minute
			if budget > 0 {
				f.BudgetSpent = (prefixBad[m] - prefixBad[0]) / budget
			}
		}
		if f.Fired >= 0 && !st[m] {
			f.Reset = time.Duration(m) * time.Minute
			break
		}
	}
	return f
}

// DetectionTime is the SRE Workbook's time for a tier window to reach
// its threshold under a constant error ratio: window × burn threshold /
// actual burn rate (0 when it never does).
func DetectionTime(t Tier, w time.Duration, budget, errorRatio float64) time.Duration {
	burn := errorRatio / budget
	if burn <= t.Burn {
		return 0
	}
	return time.Duration(float64(w) * t.Burn / burn)
}
