package alarms

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

// Markers delimit the generated alarms in template.yaml.
const (
	BeginMarker = "  # BEGIN SLO alarms: generated from alarms/slos.yaml by `make generate`; do not edit"
	EndMarker   = "  # END SLO alarms"
)

// The topics the symptom alarms notify, by their incident's severity.
const (
	pageTopic   cfnyaml.Ref = "PageTopic"
	ticketTopic cfnyaml.Ref = "TicketTopic"
)

// TemplateSection is every SLO's burn-rate alarms and composites (under
// the BurnRateAlerts condition), the budget-exhausted and data-missing
// tickets (SLOAlarms), the symptom alarms, the two incident alarms and
// the metric filters as CloudFormation resources, between the markers.
// Only the incident alarms have actions: the page composite notifies
// PageTopic, the ticket composite TicketTopic, its actions suppressed
// while the page composite is in ALARM (IncidentAlarms); every other
// alarm is one of their children, by its severity (Spec.Severity).
// Every description names the runbook (under the template's
// RunbookBaseUrl parameter) and the saved query to run.
func TemplateSection(spec *Spec) *cfnyaml.Section {
	s := &cfnyaml.Section{Begin: BeginMarker, End: EndMarker}
	for i := range spec.SLOs {
		gens, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, g := range gens {
			s.AddIf(BurnRateCondition, g.LogicalID, "AWS::CloudWatch::Alarm", burnAlarmProperties(spec, g))
		}
		for _, c := range comps {
			s.AddIf(BurnRateCondition, c.LogicalID, "AWS::CloudWatch::CompositeAlarm", compositeProperties(c))
		}
	}
	for _, a := range SLOAlarms(spec) {
		s.Add(a.LogicalID, "AWS::CloudWatch::Alarm", sloAlarmProperties(spec, a))
	}
	for _, sym := range Symptoms(spec) {
		s.Add(sym.LogicalID, "AWS::CloudWatch::Alarm", symptomProperties(sym, spec.Severity(sym.Name)))
	}
	for _, ia := range IncidentAlarms(spec) {
		s.Add(ia.LogicalID, "AWS::CloudWatch::CompositeAlarm", incidentProperties(spec, ia))
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
	// AlarmRule is a cfnyaml.QuotedSub, or a cfnyaml.If of two when the
	// rule depends on a condition.
	AlarmRule                        any           `yaml:"AlarmRule"`
	AlarmActions                     []cfnyaml.Ref `yaml:"AlarmActions,flow,omitempty"`
	OKActions                        []cfnyaml.Ref `yaml:"OKActions,flow,omitempty"`
	ActionsSuppressor                cfnyaml.Ref   `yaml:"ActionsSuppressor,omitempty"`
	ActionsSuppressorWaitPeriod      int           `yaml:"ActionsSuppressorWaitPeriod,omitempty"`
	ActionsSuppressorExtensionPeriod int           `yaml:"ActionsSuppressorExtensionPeriod,omitempty"`
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

// description names the SLO, its objective and period (the notification
// computes the budget from them), the runbook and the saved query.
func description(s *SLO, what string) cfnyaml.QuotedSub {
	return cfnyaml.QuotedSub(fmt.Sprintf("SLO %s (%v%% over %s): %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", s.Name, s.Objective, s.Period, what, s.Runbook, s.Query))
}

// sloAlarmProperties writes a budget or data-missing ticket, a child of
// the ticket incident alarm.
func sloAlarmProperties(spec *Spec, a SLOAlarm) alarm {
	m := a.Alarm
	p := alarm{AlarmName: alarmName(a.Name), AlarmDescription: cfnyaml.QuotedSub(a.description()),
		EvaluationPeriods: m.EvaluationPeriods, DatapointsToAlarm: m.DatapointsToAlarm, Threshold: m.Threshold,
		ComparisonOperator: m.ComparisonOperator, TreatMissingData: m.TreatMissingData}
	for _, q := range m.Metrics {
		p.Metrics = append(p.Metrics, query(spec, Generated{}, q))
	}
	return p
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
	kind := "ticket"
	if c.Page {
		kind = "page"
	}
	rule := strings.NewReplacer("{{", "${", "}}", "}").Replace(c.Rule)
	what := "multiwindow burn-rate " + kind
	for _, t := range Tiers(c.SLO.PeriodDuration()) {
		if t.Page == c.Page {
			what += fmt.Sprintf(": error budget burning over %.4gx across %s and %s", t.Burn, fmtWindow(t.Long), fmtWindow(t.Short))
		}
	}
	return composite{AlarmName: alarmName(c.Name), AlarmDescription: description(c.SLO, what),
		AlarmRule: cfnyaml.QuotedSub(rule)}
}

// incidentProperties writes an incident alarm: ALARM while any of its
// children is, its rule naming the burn-rate composites only where the
// BurnRateAlerts condition deploys them.
func incidentProperties(spec *Spec, ia IncidentAlarm) composite {
	topic := pageTopic
	if ia.Severity == SeverityTicket {
		topic = ticketTopic
	}
	// Children by logical id: Ref of an alarm is its name, and the
	// reference makes CloudFormation create the children first.
	ids := map[string]string{}
	for _, sym := range Symptoms(spec) {
		ids[sym.Name] = sym.LogicalID
	}
	for _, a := range SLOAlarms(spec) {
		ids[a.Name] = a.LogicalID
	}
	for i := range spec.SLOs {
		_, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, c := range comps {
			ids[c.Name] = c.LogicalID
		}
	}
	rule := func(children []string) cfnyaml.QuotedSub {
		var parts []string
		for _, c := range children {
			parts = append(parts, fmt.Sprintf(`ALARM("${%s}")`, ids[c]))
		}
		return cfnyaml.QuotedSub(strings.Join(parts, " OR "))
	}
	c := composite{AlarmName: alarmName(ia.Name),
		AlarmDescription: cfnyaml.QuotedSub(fmt.Sprintf("Incident alarm (%s): in ALARM while any %s alarm is; TriggeringChildren names the alarm that changed it, and each alarm's description its runbook and saved query. Runbook: ${RunbookBaseUrl}/README.md", ia.Severity, ia.Severity)),
		AlarmRule:        rule(ia.Children), AlarmActions: []cfnyaml.Ref{topic}, OKActions: []cfnyaml.Ref{topic}}
	if len(ia.Burn) > 0 {
		c.AlarmRule = cfnyaml.If{Condition: BurnRateCondition, Then: rule(append(slices.Clone(ia.Children), ia.Burn...)), Else: rule(ia.Children)}
	}
	if sup := ia.Suppressor; sup != nil {
		for _, other := range IncidentAlarms(spec) {
			if other.Name == sup.Alarm {
				c.ActionsSuppressor = cfnyaml.Ref(other.LogicalID)
			}
		}
		c.ActionsSuppressorWaitPeriod, c.ActionsSuppressorExtensionPeriod = int(sup.Wait.Seconds()), int(sup.Extension.Seconds())
	}
	return c
}

// symptomProperties writes a symptom alarm, a child of the incident
// alarm of its severity (page or ticket).
func symptomProperties(s Symptom, sev Severity) alarm {
	p := alarm{AlarmName: alarmName(s.Name),
		AlarmDescription:  cfnyaml.QuotedSub(fmt.Sprintf("Incident %s (%s): %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", s.Incident, sev, s.Description, s.Incident, s.Query)),
		EvaluationPeriods: s.EvaluationPeriods, Threshold: s.Threshold, ComparisonOperator: s.Comparison, TreatMissingData: s.TreatMissingData}
	if s.Expression == "" {
		r := s.Reads[0]
		p.Namespace, p.MetricName, p.Statistic, p.Period = r.Namespace, r.MetricName, r.Stat, s.Period
		for _, d := range r.Dimensions {
			p.Dimensions = append(p.Dimensions, dimension{Name: d[0], Value: cfnyaml.Expr(d[1])})
		}
		return p
	}
	no := false
	for _, r := range s.Reads {
		ms := &metricStat{Period: s.Period, Stat: cfnyaml.Quoted(r.Stat)}
		ms.Metric.Namespace, ms.Metric.MetricName = r.Namespace, r.MetricName
		for _, d := range r.Dimensions {
			ms.Metric.Dimensions = append(ms.Metric.Dimensions, cfnyaml.Flow[dimension]{V: dimension{Name: d[0], Value: cfnyaml.Expr(d[1])}})
		}
		p.Metrics = append(p.Metrics, metricQuery{Id: r.Id, ReturnData: &no, MetricStat: ms})
	}
	p.Metrics = append(p.Metrics, metricQuery{Id: "e", Expression: cfnyaml.Quoted(s.Expression), Label: s.Name})
	return p
}

// Description is the AlarmDescription template.yaml gives the generated
// alarm called name (without the stack prefix), runbookBase in place of
// ${RunbookBaseUrl}: what the notifications function shows for an
// incident alarm's triggering child. False for an alarm the spec does
// not generate.
func (spec *Spec) Description(name, runbookBase string) (string, bool) {
	var desc cfnyaml.QuotedSub
	for _, s := range Symptoms(spec) {
		if s.Name == name {
			desc = symptomProperties(s, spec.Severity(s.Name)).AlarmDescription
		}
	}
	for _, a := range SLOAlarms(spec) {
		if a.Name == name {
			desc = cfnyaml.QuotedSub(a.description())
		}
	}
	for i := range spec.SLOs {
		gens, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, g := range gens {
			if g.Name == name {
				desc = burnAlarmProperties(spec, g).AlarmDescription
			}
		}
		for _, c := range comps {
			if c.Name == name {
				desc = compositeProperties(c).AlarmDescription
			}
		}
	}
	for _, ia := range IncidentAlarms(spec) {
		if ia.Name == name {
			desc = incidentProperties(spec, ia).AlarmDescription
		}
	}
	if desc == "" {
		return "", false
	}
	return strings.ReplaceAll(string(desc), "${RunbookBaseUrl}", strings.TrimSuffix(runbookBase, "/")), true
}
