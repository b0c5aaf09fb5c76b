package alarms

import (
	"fmt"
	"strings"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

// Markers delimit the generated alarms in template.yaml.
const (
	BeginMarker = "  # BEGIN SLO alarms: generated from alarms/slos.yaml by `make generate`; do not edit"
	EndMarker   = "  # END SLO alarms"
)

// alarmTopic is the topic the symptom alarms notify.
const alarmTopic cfnyaml.Ref = "PageTopic"

// TemplateSection is every SLO's burn-rate alarms and composites, the
// symptom alarms and the metric filters as CloudFormation resources,
// between the markers. The burn-rate alarms have no actions (the
// composites notify); the page and ticket composites notify the SLO's
// routing topic, the symptoms AlarmTopic; every description names the
// runbook (under the template's RunbookBaseUrl parameter) and the saved
// query to run.
func TemplateSection(spec *Spec) *cfnyaml.Section {
	s := &cfnyaml.Section{Begin: BeginMarker, End: EndMarker}
	for i := range spec.SLOs {
		gens, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, g := range gens {
			s.Add(g.LogicalID, "AWS::CloudWatch::Alarm", burnAlarmProperties(spec, g))
		}
		for _, c := range comps {
			s.Add(c.LogicalID, "AWS::CloudWatch::CompositeAlarm", compositeProperties(c))
		}
	}
	for _, sym := range Symptoms(spec) {
		s.Add(sym.LogicalID, "AWS::CloudWatch::Alarm", symptomProperties(sym))
	}
	for _, fn := range spec.Functions {
		for _, f := range MetricFilters {
			s.Add(strings.TrimSuffix(fn.LogicalID, "Function")+f.Name+"Filter", "AWS::Logs::MetricFilter", metricFilter{
				LogGroupName: cfnyaml.Ref(fn.LogGroupID), FilterPattern: cfnyaml.SingleQuoted(f.Pattern),
				MetricTransformations: []metricTransformation{{MetricNamespace: spec.Namespace, MetricName: f.MetricName,
					MetricValue: cfnyaml.SingleQuoted(f.MetricValue), Unit: f.Unit}}})
		}
	}
	return s
}

// alarm is an AWS::CloudWatch::Alarm's properties: a metric-math alarm
// (Metrics) or a single-metric one (Namespace to Dimensions, Period).
type alarm struct {
	AlarmName          cfnyaml.Sub       `yaml:"AlarmName"`
	AlarmDescription   cfnyaml.QuotedSub `yaml:"AlarmDescription"`
	Namespace          string            `yaml:"Namespace,omitempty"`
	MetricName         string            `yaml:"MetricName,omitempty"`
	Statistic          string            `yaml:"Statistic,omitempty"`
	Dimensions         []dimension       `yaml:"Dimensions,omitempty"`
	Period             int               `yaml:"Period,omitempty"`
	EvaluationPeriods  int               `yaml:"EvaluationPeriods"`
	DatapointsToAlarm  int               `yaml:"DatapointsToAlarm,omitempty"`
	Threshold          float64           `yaml:"Threshold"`
	ComparisonOperator string            `yaml:"ComparisonOperator"`
	TreatMissingData   string            `yaml:"TreatMissingData"`
	Metrics            []metricQuery     `yaml:"Metrics,omitempty"`
	AlarmActions       []cfnyaml.Ref     `yaml:"AlarmActions,flow,omitempty"`
	OKActions          []cfnyaml.Ref     `yaml:"OKActions,flow,omitempty"`
}

type dimension struct {
	Name  string       `yaml:"Name"`
	Value cfnyaml.Expr `yaml:"Value"`
}

type metricQuery struct {
	Id         string         `yaml:"Id"`
	ReturnData *bool          `yaml:"ReturnData,omitempty"`
	Expression cfnyaml.Quoted `yaml:"Expression,omitempty"`
	Label      string         `yaml:"Label,omitempty"`
	MetricStat *metricStat    `yaml:"MetricStat,omitempty"`
}

type metricStat struct {
	Metric struct {
		Namespace  string                    `yaml:"Namespace"`
		MetricName string                    `yaml:"MetricName"`
		Dimensions []cfnyaml.Flow[dimension] `yaml:"Dimensions,omitempty"`
	} `yaml:"Metric"`
	Period int            `yaml:"Period"`
	Stat   cfnyaml.Quoted `yaml:"Stat"`
}

// composite is an AWS::CloudWatch::CompositeAlarm's properties.
type composite struct {
	AlarmName        cfnyaml.Sub       `yaml:"AlarmName"`
	AlarmDescription cfnyaml.QuotedSub `yaml:"AlarmDescription"`
	AlarmRule        cfnyaml.QuotedSub `yaml:"AlarmRule"`
	AlarmActions     []cfnyaml.Ref     `yaml:"AlarmActions,flow"`
	OKActions        []cfnyaml.Ref     `yaml:"OKActions,flow"`
}

// metricFilter is an AWS::Logs::MetricFilter's properties.
type metricFilter struct {
	LogGroupName          cfnyaml.Ref            `yaml:"LogGroupName"`
	FilterPattern         cfnyaml.SingleQuoted   `yaml:"FilterPattern"`
	MetricTransformations []metricTransformation `yaml:"MetricTransformations"`
}

type metricTransformation struct {
	MetricNamespace string               `yaml:"MetricNamespace"`
	MetricName      string               `yaml:"MetricName"`
	MetricValue     cfnyaml.SingleQuoted `yaml:"MetricValue"`
	Unit            string               `yaml:"Unit"`
}

func alarmName(name string) cfnyaml.Sub { return cfnyaml.Sub("${AWS::StackName}-" + name) }

func description(s *SLO, what string) cfnyaml.QuotedSub {
	return cfnyaml.QuotedSub(fmt.Sprintf("SLO %s (%v%%): %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", s.Name, s.Objective, what, s.Runbook, s.Query))
}

// burnAlarmProperties writes a burn-rate alarm; its metrics carry the
// generator's dimension sets.
func burnAlarmProperties(spec *Spec, g Generated) alarm {
	a := g.Alarm
	p := alarm{AlarmName: alarmName(g.Name), EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm,
		Threshold: a.Threshold, ComparisonOperator: a.ComparisonOperator, TreatMissingData: a.TreatMissingData,
		AlarmDescription: description(g.SLO, fmt.Sprintf("error budget burning over %.4gx across %s (tier %s)", g.Tier.Burn, fmtWindow(g.Window), g.Tier.Name))}
	for _, m := range a.Metrics {
		p.Metrics = append(p.Metrics, query(spec, g, m))
	}
	return p
}

func query(spec *Spec, g Generated, m cwalarm.MetricQuery) metricQuery {
	q := metricQuery{Id: m.Id}
	if m.ReturnData != nil && !*m.ReturnData {
		q.ReturnData = m.ReturnData
	}
	if m.Expression != "" {
		q.Expression = cfnyaml.Quoted(m.Expression)
		if m.Id == "ratio" {
			q.Label = "error ratio over " + fmtWindow(g.Window)
		}
		return q
	}
	ms := &metricStat{Period: m.MetricStat.Period, Stat: cfnyaml.Quoted(m.MetricStat.Stat)}
	ms.Metric.Namespace, ms.Metric.MetricName = m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName
	for _, d := range m.MetricStat.Metric.Dimensions {
		ms.Metric.Dimensions = append(ms.Metric.Dimensions, cfnyaml.Flow[dimension]{V: dimension{Name: d.Name, Value: cfnyaml.Expr(d.Value)}})
	}
	q.MetricStat = ms
	return q
}

// compositeProperties writes a page or ticket composite, its rule naming
// the children through !Sub.
func compositeProperties(c Composite) composite {
	kind, topic := "ticket", c.SLO.Ticket
	if c.Page {
		kind, topic = "page", c.SLO.Page
	}
	rule := strings.NewReplacer("{{", "${", "}}", "}").Replace(c.Rule)
	return composite{AlarmName: alarmName(c.Name), AlarmDescription: description(c.SLO, "multiwindow burn-rate "+kind),
		AlarmRule: cfnyaml.QuotedSub(rule), AlarmActions: []cfnyaml.Ref{cfnyaml.Ref(topic)}, OKActions: []cfnyaml.Ref{cfnyaml.Ref(topic)}}
}

// symptomProperties writes a symptom alarm, which notifies AlarmTopic.
func symptomProperties(s Symptom) alarm {
	p := alarm{AlarmName: alarmName(s.Name),
		AlarmDescription: cfnyaml.QuotedSub(fmt.Sprintf("Incident %s: %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", s.Incident, s.Description, s.Incident, s.Query)),
		Namespace:        s.Namespace, MetricName: s.MetricName, Statistic: s.Stat, Period: s.Period, EvaluationPeriods: s.EvaluationPeriods,
		Threshold: s.Threshold, ComparisonOperator: s.Comparison, TreatMissingData: s.TreatMissingData,
		AlarmActions: []cfnyaml.Ref{alarmTopic}, OKActions: []cfnyaml.Ref{alarmTopic}}
	for _, d := range s.Dimensions {
		p.Dimensions = append(p.Dimensions, dimension{Name: d[0], Value: cfnyaml.Expr(d[1])})
	}
	return p
}
