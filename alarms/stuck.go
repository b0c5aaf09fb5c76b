package alarms

import (
	"fmt"
	"strings"
)

// StuckAfter is how long after its start a workflow without a terminal
// event counts as stuck.
const StuckAfterMinutes = 15

// StuckAlarm fires when a workflow started between 15 and 75 minutes ago
// and no workflow ended in the last hour: started(75 min) − started(15
// min) − ended(60 min) > 0. It assumes fewer than one workflow per 15
// minutes (the Alchemiser runs one a day); with more traffic, a recent
// ending can mask an older stuck workflow until the query shows it.
func StuckAlarm(spec *Spec) MetricAlarm {
	no := false
	stat := func(id, metric string, minutes int) MetricQuery {
		q := MetricQuery{Id: id, ReturnData: &no, MetricStat: &MetricStat{Period: minutes * 60, Stat: "Sum"}}
		q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName = spec.Namespace, metric
		return q
	}
	return MetricAlarm{AlarmName: "workflows-stuck", EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 0,
		ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching",
		Metrics: []MetricQuery{
			stat("started75", "WorkflowsStarted", 60+StuckAfterMinutes),
			stat("started15", "WorkflowsStarted", StuckAfterMinutes),
			stat("completed60", "WorkflowsCompleted", 60),
			stat("failed60", "WorkflowsFailed", 60),
			{Id: "stuck", Expression: "FILL(started75, 0) - FILL(started15, 0) - FILL(completed60, 0) - FILL(failed60, 0)"},
		}}
}

func writeStuck(b *strings.Builder, spec *Spec) {
	a := StuckAlarm(spec)
	fmt.Fprintf(b, "  WorkflowsStuckAlarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n")
	fmt.Fprintf(b, "      AlarmName: !Sub ${AWS::StackName}-%s\n", a.AlarmName)
	fmt.Fprintf(b, "      AlarmDescription: !Sub %q\n", fmt.Sprintf("Incident workflow-stuck: a workflow started over %d minutes ago has no terminal event. Runbook: ${RunbookBaseUrl}/workflow-stuck.md Query: workflow-stuck", StuckAfterMinutes))
	fmt.Fprintf(b, "      EvaluationPeriods: 1\n      DatapointsToAlarm: 1\n      Threshold: 0\n      ComparisonOperator: GreaterThanThreshold\n      TreatMissingData: notBreaching\n")
	b.WriteString("      AlarmActions: [!Ref AlarmTopic]\n      OKActions: [!Ref AlarmTopic]\n      Metrics:\n")
	for _, m := range a.Metrics {
		fmt.Fprintf(b, "        - Id: %s\n", m.Id)
		if m.Expression != "" {
			fmt.Fprintf(b, "          Expression: %q\n", m.Expression)
			continue
		}
		b.WriteString("          ReturnData: false\n")
		fmt.Fprintf(b, "          MetricStat:\n            Metric:\n              Namespace: %s\n              MetricName: %s\n", m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName)
		fmt.Fprintf(b, "              Dimensions:\n                - {Name: service, Value: %s}\n", spec.Service)
		fmt.Fprintf(b, "            Period: %d\n            Stat: Sum\n", m.MetricStat.Period)
	}
}
