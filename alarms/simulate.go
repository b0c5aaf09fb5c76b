package alarms

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// DefaultIngestionDelay is how long after its timestamp a metric's data
// point is taken to reach the alarm evaluation, unless told otherwise.
// AWS publishes no figure: an embedded metric format metric exists once
// CloudWatch Logs has processed the log event, and AWS suggests M-of-N
// alarms for Lambda because its log flush is not in the user's hands
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Alarms.html);
// an alarm evaluates the points available at that moment and points that
// arrive later change periods already evaluated
// (https://repost.aws/knowledge-center/cloudwatch-trigger-metric). Two
// minutes is our assumption, a Lambda log delivery plus extraction; give
// the delay you measure (a point's timestamp against the minute the alarm
// history first shows it) with --ingestion-delay.
const DefaultIngestionDelay = 2 * time.Minute

// Transition is an alarm changing state on the simulated timeline.
type Transition struct {
	Alarm    string        `json:"alarm"`
	Severity string        `json:"severity"` // Spec.Severity
	State    cwalarm.State `json:"state"`
	At       time.Time     `json:"at"`
}

// Simulation is what a scenario does to the generated alarms: every
// transition of every alarm, the notifications the humans receive
// (CountNotifications) and how long after the first bad event the first
// page and the first ticket came.
type Simulation struct {
	Scenario       string
	SLO            string
	Start          time.Time     // the end of the warm-up; offsets are from here
	FirstBad       time.Time     // the first bad event's minute; zero when there is none
	IngestionDelay time.Duration // cwalarm.EvaluateArrived
	Transitions    []Transition  // by time, then alarm name
	Notifications  Notifications
	// Notices are the notifications the incident alarms send, in order.
	Notices []Notice
	// Detection is, by severity (page, ticket), the time from the first
	// bad event to the first notification of that severity; absent when
	// none came.
	Detection map[string]time.Duration
	// States are every generated alarm's state after each minute's
	// evaluation, from Start.
	States map[string][]cwalarm.Sample
}

// Simulate runs the scenario's events, minute by minute, through every
// alarm the template generates from spec (the symptom alarms, every SLO's
// burn-rate alarms and composites: GeneratedStatesArrived), each
// evaluated once a minute on the points that have arrived (delay after
// their timestamp). The scenario's events are s's: its good, bad and
// total metrics (or its latency histogram) get data points in every
// dimension set a generated alarm reads them in, as one embedded metric
// format record does.
func Simulate(spec *Spec, s *SLO, sc Scenario, delay time.Duration) (*Simulation, error) {
	if delay < 0 {
		return nil, fmt.Errorf("ingestion delay %v is negative", delay)
	}
	emf, firstBad, err := scenarioEMF(spec, s, sc)
	if err != nil {
		return nil, err
	}
	// The evaluations start with the scenario, on windows the warm-up's
	// clean traffic fills.
	from, to := sc.Start, sc.Start.Add(sc.Length)
	literal := func(expr string) (string, error) { return expr, nil } // the points carry the template's expressions
	states, err := GeneratedStatesArrived(spec, emf, literal, from, to, time.Minute, delay)
	if err != nil {
		return nil, err
	}
	notices := Notices(spec, states)
	sim := &Simulation{Scenario: sc.Name, SLO: s.Name, Start: sc.Start, FirstBad: firstBad, IngestionDelay: delay,
		Notifications: CountNotifications(spec, states), Notices: notices, Detection: map[string]time.Duration{}, States: states}
	maps.Copy(states, IncidentStates(spec, states))
	sim.Transitions = transitions(spec, states)
	for _, n := range notices {
		sev := string(n.Severity)
		if _, seen := sim.Detection[sev]; !seen && !firstBad.IsZero() && n.State == cwalarm.Alarm && !n.At.Before(firstBad) {
			sim.Detection[sev] = n.At.Sub(firstBad)
		}
	}
	return sim, nil
}

// transitions are the changes of state of every alarm, an alarm first in
// OK (where a deployed alarm rests, as CountNotifications counts), so
// the evaluation's start from INSUFFICIENT_DATA is listed only when it
// lands elsewhere than OK.
func transitions(spec *Spec, states map[string][]cwalarm.Sample) []Transition {
	var out []Transition
	for name, samples := range states {
		last := cwalarm.OK
		for i, x := range samples {
			if x.State != last && (i > 0 || x.State == cwalarm.Alarm) {
				out = append(out, Transition{Alarm: name, Severity: string(spec.Severity(name)), State: x.State, At: x.At})
			}
			last = x.State
		}
	}
	slices.SortFunc(out, func(a, b Transition) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Alarm, b.Alarm))
	})
	return out
}

// scenarioEMF is the scenario's events as the records the functions would
// write: at each minute with events, the SLI's metrics, and the minute of
// the first bad event.
func scenarioEMF(spec *Spec, s *SLO, sc Scenario) ([]cwalarm.EMFPoint, time.Time, error) {
	if s.Latency != nil && !sc.Daily {
		return nil, time.Time{}, fmt.Errorf("the latency SLI %s reads one data point per event: simulate runs it on the daily scenarios (%s), not on %s's %d events a minute",
			s.Name, strings.Join(dailyScenarios(), ", "), sc.Name, steadyPerMinute)
	}
	sets := dimensionSetsRead(spec)
	var out []cwalarm.EMFPoint
	var firstBad time.Time
	for at := sc.Start.Add(-sc.Warmup); at.Before(sc.Start.Add(sc.Length)); at = at.Add(time.Minute) {
		total, bad := sc.events(at)
		if at.Before(sc.Start) {
			bad = 0 // the warm-up is clean
		}
		if bad > 0 && firstBad.IsZero() {
			firstBad = at
		}
		points, err := sliPoints(spec, s, total, bad)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("scenario %s at %s: %w", sc.Name, at.UTC().Format(time.RFC3339), err)
		}
		for _, p := range points {
			p.At = at
			p.Sets, p.Dims = sets[metricKey{p.Namespace, p.Name}].sets, sets[metricKey{p.Namespace, p.Name}].dims
			out = append(out, p)
		}
	}
	return out, firstBad, nil
}

type metricKey struct{ namespace, name string }

// readIn are the dimension sets (names, sorted) and values one metric is
// read in.
type readIn struct {
	sets [][]string
	dims map[string]string
}

// dimensionSetsRead are, by metric, the dimension sets the generated
// alarms read it in, with their values (the first an alarm names, when
// two name different values: per-function series get the events of the
// first function).
func dimensionSetsRead(spec *Spec) map[metricKey]readIn {
	out := map[metricKey]readIn{}
	add := func(k metricKey, dims map[string]string) {
		r := out[k]
		if r.dims == nil {
			r.dims = map[string]string{}
		}
		set := slices.Sorted(maps.Keys(dims))
		if !slices.ContainsFunc(r.sets, func(s []string) bool { return slices.Equal(s, set) }) {
			r.sets = append(r.sets, set)
		}
		for k, v := range dims {
			if _, ok := r.dims[k]; !ok {
				r.dims[k] = v
			}
		}
		out[k] = r
	}
	for _, sym := range Symptoms(spec) {
		for _, r := range sym.Reads {
			dims := map[string]string{}
			for _, d := range r.Dimensions {
				dims[d[0]] = d[1]
			}
			add(metricKey{r.Namespace, r.MetricName}, dims)
		}
	}
	for i := range spec.SLOs {
		gens, _ := BurnAlarms(spec, &spec.SLOs[i])
		for _, g := range gens {
			for _, q := range g.Alarm.Metrics {
				if q.MetricStat == nil {
					continue
				}
				dims := map[string]string{}
				for _, d := range q.MetricStat.Metric.Dimensions {
					dims[d.Name] = d.Value
				}
				add(metricKey{q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName}, dims)
			}
		}
	}
	return out
}

// sliPoints are one minute's events on s's metrics: for a good/total SLI
// the good events on its first good metric and the bad ones on its first
// total metric that is not a good one (WorkflowsCompleted and
// WorkflowsFailed); for a bad/total SLI the bad events on its first bad
// metric and all events on its first total metric; for a latency SLI one
// value under the threshold per good event and one over it per bad event.
// A metric without events has no data point.
func sliPoints(spec *Spec, s *SLO, total, bad float64) ([]cwalarm.EMFPoint, error) {
	if s.Latency != nil {
		if total != math.Trunc(total) || bad != math.Trunc(bad) {
			return nil, fmt.Errorf("%g events, %g bad: the latency SLI needs whole events", total, bad)
		}
		p := cwalarm.EMFPoint{Namespace: spec.Namespace, Name: s.Latency.Metric}
		for _, vc := range [][2]float64{{s.Latency.ThresholdMs / 2, total - bad}, {s.Latency.ThresholdMs * 2, bad}} {
			if vc[1] > 0 {
				p.Values, p.Counts = append(p.Values, vc[0]), append(p.Counts, vc[1])
			}
		}
		if len(p.Values) == 0 {
			return nil, nil
		}
		return []cwalarm.EMFPoint{p}, nil
	}
	values := map[string]float64{}
	if len(s.Good) > 0 {
		rest := slices.IndexFunc(s.Total, func(m string) bool { return !slices.Contains(s.Good, m) })
		if rest < 0 && bad > 0 {
			return nil, fmt.Errorf("SLO %s: every total metric is a good one, so no metric counts bad events", s.Name)
		}
		values[s.Good[0]] = total - bad
		if rest >= 0 {
			values[s.Total[rest]] += bad
		}
	} else {
		values[s.Bad[0]] += bad
		values[s.Total[0]] += total
	}
	var out []cwalarm.EMFPoint
	for _, m := range slices.Sorted(maps.Keys(values)) {
		if values[m] > 0 {
			ns, name := spec.Namespace, m
			if n, rest, ok := strings.Cut(m, ":"); ok && strings.HasPrefix(m, "AWS/") {
				ns, name = n, rest
			}
			out = append(out, cwalarm.EMFPoint{Namespace: ns, Name: name, Values: []float64{values[m]}, Counts: []float64{1}})
		}
	}
	return out, nil
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
