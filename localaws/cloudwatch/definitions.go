package cloudwatch

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/alchemiser/alchemiser/topology"
)

// alarmDef is an alarm as the template declares it
// (AWS::CloudWatch::Alarm, AWS::CloudWatch::CompositeAlarm), its
// properties resolved for the local stack; DescribeAlarms adds the state.
type alarmDef struct {
	composite bool
	metric    MetricAlarm
	comp      CompositeAlarm
}

func (d *alarmDef) name() string {
	if d.composite {
		return d.comp.AlarmName
	}
	return d.metric.AlarmName
}

// actions are the alarm's actions of every state, for ActionPrefix.
func (d *alarmDef) actions() []string {
	if d.composite {
		return slices.Concat(d.comp.AlarmActions, d.comp.OKActions, d.comp.InsufficientDataActions)
	}
	return slices.Concat(d.metric.AlarmActions, d.metric.OKActions, d.metric.InsufficientDataActions)
}

// alarmDefinitions reads the template's alarms, by name.
func alarmDefinitions(top *topology.Topology, arn func(string) string) (map[string]*alarmDef, error) {
	out := map[string]*alarmDef{}
	for id, r := range top.Resources {
		var d *alarmDef
		switch r.Type {
		case "AWS::CloudWatch::Alarm":
			d = &alarmDef{metric: metricAlarmDef(r.Properties)}
		case "AWS::CloudWatch::CompositeAlarm":
			d = &alarmDef{composite: true, comp: compositeAlarmDef(r.Properties)}
		default:
			continue
		}
		if d.name() == "" {
			return nil, fmt.Errorf("template.yaml:%d: alarm %s has no AlarmName", r.Line, id)
		}
		if d.composite {
			d.comp.AlarmArn = arn(d.comp.AlarmName)
		} else {
			d.metric.AlarmArn = arn(d.metric.AlarmName)
		}
		out[d.name()] = d
	}
	return out, nil
}

func metricAlarmDef(p map[string]any) MetricAlarm {
	m := MetricAlarm{AlarmName: str(p["AlarmName"]), AlarmDescription: str(p["AlarmDescription"]),
		ActionsEnabled: boolOr(p["ActionsEnabled"], true), AlarmActions: strs(p["AlarmActions"]), OKActions: strs(p["OKActions"]),
		InsufficientDataActions: strs(p["InsufficientDataActions"]), MetricName: str(p["MetricName"]), Namespace: str(p["Namespace"]),
		Statistic: str(p["Statistic"]), Dimensions: dims(p["Dimensions"]), Period: int32(num(p["Period"])),
		EvaluationPeriods: int32(num(p["EvaluationPeriods"])), DatapointsToAlarm: int32(num(p["DatapointsToAlarm"])),
		Threshold: num(p["Threshold"]), ComparisonOperator: str(p["ComparisonOperator"]), TreatMissingData: str(p["TreatMissingData"])}
	list, _ := p["Metrics"].([]any)
	for _, v := range list {
		q, _ := v.(map[string]any)
		mq := MetricDataQuery{Id: str(q["Id"]), Expression: str(q["Expression"]), Label: str(q["Label"]), Period: int32(num(q["Period"]))}
		if rd, ok := q["ReturnData"].(bool); ok {
			mq.ReturnData = &rd
		}
		if ms, ok := q["MetricStat"].(map[string]any); ok {
			met, _ := ms["Metric"].(map[string]any)
			mq.MetricStat = &MetricStat{Period: int32(num(ms["Period"])), Stat: str(ms["Stat"]), Unit: str(ms["Unit"]),
				Metric: Metric{Namespace: str(met["Namespace"]), MetricName: str(met["MetricName"]), Dimensions: dims(met["Dimensions"])}}
		}
		m.Metrics = append(m.Metrics, mq)
	}
	return m
}

func compositeAlarmDef(p map[string]any) CompositeAlarm {
	return CompositeAlarm{AlarmName: str(p["AlarmName"]), AlarmDescription: str(p["AlarmDescription"]), AlarmRule: str(p["AlarmRule"]),
		ActionsEnabled: boolOr(p["ActionsEnabled"], true), AlarmActions: strs(p["AlarmActions"]), OKActions: strs(p["OKActions"]),
		InsufficientDataActions: strs(p["InsufficientDataActions"]), ActionsSuppressor: str(p["ActionsSuppressor"]),
		ActionsSuppressorWaitPeriod: int32(num(p["ActionsSuppressorWaitPeriod"])), ActionsSuppressorExtensionPeriod: int32(num(p["ActionsSuppressorExtensionPeriod"]))}
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func boolOr(v any, def bool) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return def
}

// strs is a list property; CloudWatch lists an absent one as empty.
func strs(v any) []string {
	list, _ := v.([]any)
	out := []string{}
	for _, x := range list {
		out = append(out, str(x))
	}
	return out
}

func dims(v any) []Dimension {
	list, _ := v.([]any)
	out := []Dimension{}
	for _, x := range list {
		d, _ := x.(map[string]any)
		out = append(out, Dimension{Name: str(d["Name"]), Value: str(d["Value"])})
	}
	return out
}
