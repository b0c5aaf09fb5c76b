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
	out := map[string][]cwalarm.Sample{}
	for _, s := range Symptoms(spec) {
		m := cwalarm.Metric{Namespace: s.Namespace, Name: s.MetricName}
		for _, d := range s.Dimensions {
			v, err := resolve(d[1])
			if err != nil {
				return nil, fmt.Errorf("could not resolve dimension %s of alarm %s: %w", d[0], s.Name, err)
			}
			if m.Dims == nil {
				m.Dims = map[string]string{}
			}
			m.Dims[d[0]] = v
		}
		a := s.Alarm()
		samples, err := cwalarm.Evaluate(&a, cwalarm.Series{"m1": cwalarm.Points(emf, m)}, from, to, every)
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
		if err := sloStates(spec, &spec.SLOs[i], emf, resolve, from, to, every, out); err != nil {
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
func sloStates(spec *Spec, s *SLO, emf []cwalarm.EMFPoint, resolve Resolver, from, to time.Time, every time.Duration, out map[string][]cwalarm.Sample) error {
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
		samples, err := cwalarm.Evaluate(&g.Alarm, series, from, to, every)
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
