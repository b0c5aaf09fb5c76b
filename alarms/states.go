package alarms

import (
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Resolver turns a symptom alarm's dimension value, a CloudFormation
// expression such as "!Ref SchedulerFunction" or
// "!GetAtt EventsDLQ.QueueName" (or a literal), into the deployed value.
type Resolver func(expr string) (string, error)

// GeneratedStates evaluates every alarm the template generates from spec,
// as CloudWatch would on the recorded metric points emf: the symptom
// alarms, the budget-exhausted and data-missing tickets (SLOAlarms), and,
// when spec.BurnRateAlerts says the deployment has them, each SLO's
// burn-rate alarms and its page and ticket composites.
// Each is evaluated every `every` (one minute when zero) from `from` to
// `to` inclusive, starting in INSUFFICIENT_DATA; the result maps the
// alarm's name (without the stack prefix, e.g. "portfolio-errors" or
// "slo-workflow-success-page") to its samples. An SLO's metrics are read
// with the dimension sets the generator gives them (Spec.dimensionSets,
// Latency.Dimensions), resolved by resolve.
func GeneratedStates(spec *Spec, emf []cwalarm.EMFPoint, resolve Resolver, from, to time.Time, every time.Duration) (map[string][]cwalarm.Sample, error) {
	return GeneratedStatesArrived(spec, emf, resolve, from, to, every, 0)
}

// GeneratedStatesArrived is GeneratedStates with an ingestion delay: each
// evaluation reads the points timestamped at least delay before it
// (cwalarm.EvaluateArrived).
func GeneratedStatesArrived(spec *Spec, emf []cwalarm.EMFPoint, resolve Resolver, from, to time.Time, every, delay time.Duration) (map[string][]cwalarm.Sample, error) {
	out := map[string][]cwalarm.Sample{}
	for _, s := range Symptoms(spec) {
		a := s.Alarm()
		metrics, err := s.Metrics(resolve)
		if err != nil {
			return nil, err
		}
		series := cwalarm.Series{}
		for id, m := range metrics {
			series[id] = cwalarm.Points(emf, m)
		}
		samples, err := cwalarm.EvaluateArrived(&a, series, from, to, every, delay)
		if err != nil {
			return nil, err
		}
		out[s.Name] = samples
	}
	for _, a := range SLOAlarms(spec) {
		series, err := querySeries(a.Alarm.Metrics, emf, resolve)
		if err != nil {
			return nil, err
		}
		if out[a.Name], err = cwalarm.Evaluate(&a.Alarm, series, from, to, every); err != nil {
			return nil, err
		}
	}
	if !spec.BurnRateAlerts {
		return out, nil
	}
	for i := range spec.SLOs {
		if err := sloStates(spec, &spec.SLOs[i], emf, resolve, from, to, every, delay, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// querySeries are the points of each metric query of an alarm, its
// dimension values resolved by resolve.
func querySeries(qs []cwalarm.MetricQuery, emf []cwalarm.EMFPoint, resolve Resolver) (cwalarm.Series, error) {
	series := cwalarm.Series{}
	for _, q := range qs {
		if q.MetricStat == nil {
			continue
		}
		m, err := QueryMetric(q, resolve)
		if err != nil {
			return nil, err
		}
		series[q.Id] = cwalarm.Points(emf, m)
	}
	return series, nil
}

// sloStates evaluates an SLO's burn-rate alarms, then its composites, in
// order, on their children's states at each evaluation.
func sloStates(spec *Spec, s *SLO, emf []cwalarm.EMFPoint, resolve Resolver, from, to time.Time, every, delay time.Duration, out map[string][]cwalarm.Sample) error {
	gens, comps := BurnAlarms(spec, s)
	if len(gens) == 0 {
		return nil
	}
	byID := map[string][]cwalarm.Sample{}
	for _, g := range gens {
		series, err := querySeries(g.Alarm.Metrics, emf, resolve)
		if err != nil {
			return err
		}
		samples, err := cwalarm.EvaluateArrived(&g.Alarm, series, from, to, every, delay)
		if err != nil {
			return err
		}
		byID[g.LogicalID], out[g.Name] = samples, samples
	}
	for _, c := range comps {
		rule, err := c.AlarmRule()
		if err != nil {
			return err
		}
		n := len(byID[gens[0].LogicalID])
		samples := make([]cwalarm.Sample, n)
		for i := range n {
			children := map[string]cwalarm.State{}
			for id, st := range byID {
				children[id] = st[i].State
			}
			samples[i] = cwalarm.Sample{At: byID[gens[0].LogicalID][i].At, State: rule.State(children)}
		}
		// The ticket composite reads the page composite: evaluated first.
		byID[c.LogicalID], out[c.Name] = samples, samples
	}
	return nil
}

// Metrics are the metrics the symptom's alarm reads by query id ("m1"
// for a single-metric alarm, as cwalarm.Evaluate reads it), their
// dimension values resolved by resolve.
func (s Symptom) Metrics(resolve Resolver) (map[string]cwalarm.Metric, error) {
	out := map[string]cwalarm.Metric{}
	for _, r := range s.Reads {
		m, err := r.metric(resolve)
		if err != nil {
			return nil, fmt.Errorf("could not resolve a dimension of alarm %s: %w", s.Name, err)
		}
		id := r.Id
		if s.Expression == "" {
			id = "m1"
		}
		out[id] = m
	}
	return out, nil
}

// metric is the metric r reads, its dimension values resolved.
func (r Read) metric(resolve Resolver) (cwalarm.Metric, error) {
	m := cwalarm.Metric{Namespace: r.Namespace, Name: r.MetricName}
	for _, d := range r.Dimensions {
		v, err := resolve(d[1])
		if err != nil {
			return m, fmt.Errorf("dimension %s: %w", d[0], err)
		}
		if m.Dims == nil {
			m.Dims = map[string]string{}
		}
		m.Dims[d[0]] = v
	}
	return m, nil
}
