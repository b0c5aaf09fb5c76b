package alarms

import (
	"fmt"
	"strings"
)

// Markers delimit the generated alarms in template.yaml.
const (
	BeginMarker = "  # BEGIN SLO alarms: generated from alarms/slos.yaml by `make generate`; do not edit"
	EndMarker   = "  # END SLO alarms"
)

// TemplateSection renders every SLO's burn-rate alarms and composites as
// CloudFormation resources. The metric alarms have no actions (the
// composites notify); the page and ticket composites notify the SLO's
// routing topic; every description names the runbook (under the
// template's RunbookBaseUrl parameter) and the saved query to run.
func TemplateSection(spec *Spec) string {
	var b strings.Builder
	b.WriteString(BeginMarker + "\n")
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		gens, comps := BurnAlarms(spec, s)
		for _, g := range gens {
			writeMetricAlarm(&b, spec, g)
		}
		for _, c := range comps {
			writeComposite(&b, c)
		}
	}
	for _, s := range Symptoms(spec) {
		writeSymptom(&b, s)
	}
	for _, fn := range spec.Functions {
		for _, f := range MetricFilters {
			fmt.Fprintf(&b, "  %s%sFilter:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n", strings.TrimSuffix(fn.LogicalID, "Function"), f.Name)
			fmt.Fprintf(&b, "      LogGroupName: !Ref %s\n      FilterPattern: '%s'\n", fn.LogGroupID, f.Pattern)
			fmt.Fprintf(&b, "      MetricTransformations:\n        - MetricNamespace: %s\n          MetricName: %s\n          MetricValue: '%s'\n          Unit: %s\n",
				spec.Namespace, f.MetricName, f.MetricValue, f.Unit)
		}
	}
	b.WriteString(EndMarker + "\n")
	return b.String()
}

func description(s *SLO, what string) string {
	return fmt.Sprintf("SLO %s (%v%%): %s. Runbook: ${RunbookBaseUrl}/%s.md Query: %s", s.Name, s.Objective, what, s.Runbook, s.Query)
}

func writeMetricAlarm(b *strings.Builder, spec *Spec, g Generated) {
	a := g.Alarm
	fmt.Fprintf(b, "  %s:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n", g.LogicalID)
	fmt.Fprintf(b, "      AlarmName: !Sub ${AWS::StackName}-%s\n", g.Name)
	fmt.Fprintf(b, "      AlarmDescription: !Sub %q\n", description(g.SLO,
		fmt.Sprintf("error budget burning over %.4gx across %s (tier %s)", g.Tier.Burn, fmtWindow(g.Window), g.Tier.Name)))
	fmt.Fprintf(b, "      EvaluationPeriods: %d\n      DatapointsToAlarm: %d\n      Threshold: %g\n", a.EvaluationPeriods, a.DatapointsToAlarm, a.Threshold)
	fmt.Fprintf(b, "      ComparisonOperator: %s\n      TreatMissingData: %s\n      Metrics:\n", a.ComparisonOperator, a.TreatMissingData)
	for _, m := range a.Metrics {
		fmt.Fprintf(b, "        - Id: %s\n", m.Id)
		if m.ReturnData != nil && !*m.ReturnData {
			b.WriteString("          ReturnData: false\n")
		}
		if m.Expression != "" {
			fmt.Fprintf(b, "          Expression: %q\n", m.Expression)
			if m.Id == "ratio" {
				fmt.Fprintf(b, "          Label: error ratio over %s\n", fmtWindow(g.Window))
			}
			continue
		}
		ms := m.MetricStat
		fmt.Fprintf(b, "          MetricStat:\n            Metric:\n              Namespace: %s\n              MetricName: %s\n", ms.Metric.Namespace, ms.Metric.MetricName)
		if ms.Metric.Namespace == spec.Namespace {
			fmt.Fprintf(b, "              Dimensions:\n                - {Name: service, Value: %s}\n", spec.Service)
		}
		fmt.Fprintf(b, "            Period: %d\n            Stat: %q\n", ms.Period, ms.Stat)
	}
}

func writeComposite(b *strings.Builder, c Composite) {
	rule := c.Rule
	for strings.Contains(rule, "{{") {
		i := strings.Index(rule, "{{")
		j := strings.Index(rule, "}}")
		rule = rule[:i] + "${" + rule[i+2:j] + "}" + rule[j+2:]
	}
	kind, topic := "ticket", c.SLO.Ticket
	if c.Page {
		kind, topic = "page", c.SLO.Page
	}
	fmt.Fprintf(b, "  %s:\n    Type: AWS::CloudWatch::CompositeAlarm\n    Properties:\n", c.LogicalID)
	fmt.Fprintf(b, "      AlarmName: !Sub ${AWS::StackName}-%s\n", c.Name)
	fmt.Fprintf(b, "      AlarmDescription: !Sub %q\n", description(c.SLO, "multiwindow burn-rate "+kind))
	fmt.Fprintf(b, "      AlarmRule: !Sub %q\n", rule)
	fmt.Fprintf(b, "      AlarmActions: [!Ref %s]\n      OKActions: [!Ref %s]\n", topic, topic)
}

// Splice replaces the generated section of a template (or inserts it
// before Outputs:).
func Splice(template, section string) (string, error) {
	return SpliceSection(template, BeginMarker, EndMarker, section)
}

// SpliceSection replaces the lines from begin to end (both included) with
// section, or inserts section before Outputs: when begin is absent.
func SpliceSection(template, begin, end, section string) (string, error) {
	if i := strings.Index(template, begin); i >= 0 {
		j := strings.Index(template, end)
		if j < i {
			return "", fmt.Errorf("template.yaml has %q without %q", begin, end)
		}
		return template[:i] + section + template[j+len(end)+1:], nil
	}
	i := strings.Index(template, "\nOutputs:")
	if i < 0 {
		return "", fmt.Errorf("template.yaml has no Outputs: section")
	}
	return template[:i+1] + "\n" + section + template[i+1:], nil
}
