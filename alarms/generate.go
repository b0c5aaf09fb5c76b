package alarms

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Generated is one alarm the generator makes for an SLO tier window.
type Generated struct {
	LogicalID string
	Name      string // suffix after the stack name
	SLO       *SLO
	Tier      Tier
	Window    time.Duration
	Alarm     cwalarm.MetricAlarm
}

// Composite is a tier group's composite alarm (page or ticket).
type Composite struct {
	LogicalID, Name string
	SLO             *SLO
	Page            bool
	Rule            string // with {{LogicalID}} placeholders for the children
	Children        []string
}

// BurnAlarms builds an SLO's metric alarms (a long and a short window per
// tier, each comparing the window's error ratio with burn × budget; the
// long window's ratio counts only from the SLO's minimum volume, the
// short window's from one event) and its two composites: page = the page
// tier with both windows in ALARM; ticket = the ticket tier likewise,
// suppressed while page fires. template.yaml deploys them under the
// BurnRateAlerts condition (BurnRateCondition).
func BurnAlarms(spec *Spec, s *SLO) ([]Generated, []Composite) {
	var out []Generated
	var page, ticket []string
	for _, t := range Tiers(s.PeriodDuration()) {
		var pair []string
		for _, w := range []time.Duration{t.Long, t.Short} {
			g := Generated{SLO: s, Tier: t, Window: w,
				LogicalID: fmt.Sprintf("Slo%s%s%s", camel(s.Name), camel(t.Name), camel(fmtWindow(w))),
				Name:      fmt.Sprintf("slo-%s-%s-%s", s.Name, t.Name, fmtWindow(w))}
			volume := 1
			if w == t.Long {
				volume = max(s.MinimumVolume, 1)
			}
			g.Alarm = burnAlarm(spec, s, t, w, volume)
			g.Alarm.AlarmName = g.Name
			out = append(out, g)
			pair = append(pair, fmt.Sprintf(`ALARM("{{%s}}")`, g.LogicalID))
		}
		cond := "(" + strings.Join(pair, " AND ") + ")"
		if t.Page {
			page = append(page, cond)
		} else {
			ticket = append(ticket, cond)
		}
	}
	pageID := fmt.Sprintf("Slo%sPage", camel(s.Name))
	comps := []Composite{
		{LogicalID: pageID, Name: "slo-" + s.Name + "-page", SLO: s, Page: true, Rule: strings.Join(page, " OR ")},
		{LogicalID: fmt.Sprintf("Slo%sTicket", camel(s.Name)), Name: "slo-" + s.Name + "-ticket", SLO: s,
			Rule: "(" + strings.Join(ticket, " OR ") + fmt.Sprintf(`) AND NOT ALARM("{{%s}}")`, pageID)},
	}
	return out, comps
}

// AlarmRule is the composite's rule with its children's logical ids for
// names, as the alarms are known before deployment.
func (c Composite) AlarmRule() (*cwalarm.Rule, error) {
	r, err := cwalarm.ParseRule(strings.NewReplacer("{{", "", "}}", "").Replace(c.Rule))
	if err != nil {
		return nil, fmt.Errorf("could not parse the rule of composite %s: %w", c.Name, err)
	}
	return r, nil
}

func burnAlarm(spec *Spec, s *SLO, t Tier, w time.Duration, volume int) cwalarm.MetricAlarm {
	metrics, bad, total := spec.sliQueries(s, int(w/time.Second))
	no := false
	metrics = append(metrics,
		cwalarm.MetricQuery{Id: "total", Expression: total, ReturnData: &no},
		cwalarm.MetricQuery{Id: "ratio", Expression: fmt.Sprintf("IF(total >= %d, (%s) / total, 0)", volume, bad)})
	return cwalarm.MetricAlarm{EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: t.Burn * s.Budget(),
		ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", Metrics: metrics}
}

// sliQueries are the metric queries an SLO's SLI reads over period
// seconds, and its bad and total events as math over their ids (good0,
// bad0, total0, ...: the simulator feeds the first of each kind). When
// every good metric is also a total one (completed of completed and
// failed), total is good + the rest, read once each: an alarm pays for
// each metric it reads.
func (spec *Spec) sliQueries(s *SLO, period int) (qs []cwalarm.MetricQuery, bad, total string) {
	no := false
	n := map[string]int{}
	stat := func(prefix, metric, statistic string, dims ...cwalarm.Dimension) string {
		id := fmt.Sprintf("%s%d", prefix, n[prefix])
		n[prefix]++
		q := cwalarm.MetricQuery{Id: id, ReturnData: &no, MetricStat: &cwalarm.MetricStat{Period: period, Stat: statistic}}
		q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName = spec.Namespace, metric
		if ns, name, ok := strings.Cut(metric, ":"); ok && strings.HasPrefix(metric, "AWS/") {
			q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName = ns, name
		}
		q.MetricStat.Metric.Dimensions = dims
		qs = append(qs, q)
		return id
	}
	sum := func(prefix string, metrics []string) string {
		var terms []string
		for _, m := range metrics {
			for _, dims := range spec.dimensionSets(m) {
				terms = append(terms, fmt.Sprintf("FILL(%s, 0)", stat(prefix, m, "Sum", dims...)))
			}
		}
		return strings.Join(terms, " + ")
	}
	switch {
	case s.Latency != nil:
		dims := s.Latency.dimensions(spec.Service)
		good := stat("good", s.Latency.Metric, fmt.Sprintf("TC(0:%g)", s.Latency.ThresholdMs), dims...)
		tot := stat("total", s.Latency.Metric, "SampleCount", dims...)
		return qs, fmt.Sprintf("FILL(%s, 0) - FILL(%s, 0)", tot, good), fmt.Sprintf("FILL(%s, 0)", tot)
	case len(s.Good) > 0 && subset(s.Good, s.Total):
		good := sum("good", s.Good)
		bad = sum("bad", slices.DeleteFunc(slices.Clone(s.Total), func(m string) bool { return slices.Contains(s.Good, m) }))
		return qs, cmp.Or(bad, "0"), strings.Join(slices.DeleteFunc([]string{good, bad}, func(t string) bool { return t == "" }), " + ")
	case len(s.Good) > 0:
		total = sum("total", s.Total)
		return qs, "(" + total + ") - (" + sum("good", s.Good) + ")", total
	}
	total = sum("total", s.Total)
	return qs, sum("bad", s.Bad), total
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// dimensionSets are the dimension sets an SLO reads metric in: a metric
// of the spec's namespace in the rollup [service]; a Lambda metric once per
// function of the stack (FunctionName as the template's !Ref), since
// without FunctionName it counts every function of the account and region;
// another platform metric without dimensions.
func (spec *Spec) dimensionSets(metric string) [][]cwalarm.Dimension {
	switch {
	case strings.HasPrefix(metric, "AWS/Lambda:"):
		var out [][]cwalarm.Dimension
		for _, f := range spec.Functions {
			out = append(out, []cwalarm.Dimension{{Name: "FunctionName", Value: "!Ref " + f.LogicalID}})
		}
		return out
	case strings.HasPrefix(metric, "AWS/"):
		return [][]cwalarm.Dimension{nil}
	}
	return [][]cwalarm.Dimension{{{Name: "service", Value: spec.Service}}}
}

// dimensions are a latency SLI's dimension set: [service] and the
// declared ones, sorted by name.
func (l *Latency) dimensions(service string) []cwalarm.Dimension {
	out := []cwalarm.Dimension{{Name: "service", Value: service}}
	for _, k := range slices.Sorted(maps.Keys(l.Dimensions)) {
		out = append(out, cwalarm.Dimension{Name: k, Value: l.Dimensions[k]})
	}
	return out
}

// QueryMetric is the metric a burn-rate alarm's query reads, its
// dimension values resolved to deployed names (cwalarm.QueryMetric).
func QueryMetric(q cwalarm.MetricQuery, resolve Resolver) (cwalarm.Metric, error) {
	return cwalarm.QueryMetric(q, resolve)
}

func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
