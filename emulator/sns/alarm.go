package sns

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// StateChange is an alarm's change of state, as its evaluation found it.
type StateChange struct {
	Alarm    string // the alarm's name, as the template names it (with the stack's prefix)
	Old, New string // OK, ALARM or INSUFFICIENT_DATA
	At       time.Time
	Reason   string // NewStateReason; a generic one when empty
	// Triggering are a composite alarm's children (names, with the
	// stack's prefix) whose change caused this one: TriggeringChildren.
	Triggering []string
}

// ErrUnknownAlarm is AlarmChanged's error for an alarm the template does
// not declare.
var ErrUnknownAlarm = errors.New("alarm does not exist")

// AlarmChanged runs the alarm's actions for c as CloudWatch does: its
// notification is published to every SNS topic of the template among the
// actions of the new state; other actions (Auto Scaling, EC2, Systems
// Manager) are not modelled and skipped. It returns the message ids
// published, none when the alarm has no action for that state.
func (s *SNS) AlarmChanged(c StateChange) ([]string, error) {
	top := s.c.Topology
	a := top.Alarms[c.Alarm]
	if a == nil {
		return nil, fmt.Errorf("could not run the actions of %s: %w", c.Alarm, ErrUnknownAlarm)
	}
	subject, message, err := Notification(top, a, c)
	if err != nil {
		return nil, err
	}
	var ids []string
	var errs []error
	for _, arn := range a.Actions(c.New) {
		if top.TopicByARN(arn) == nil {
			continue
		}
		id, err := s.Publish(arn, subject, message)
		if id != "" {
			ids = append(ids, id)
		}
		errs = append(errs, err)
	}
	return ids, errors.Join(errs...)
}

// Notification is the subject and message CloudWatch publishes to SNS
// for alarm a's change c: the documented JSON, Trigger built from the
// alarm's properties in the template
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-sns-notification-format.html).
func Notification(top *topology.Topology, a *topology.Alarm, c StateChange) (subject, message string, err error) {
	props := top.Resources[a.LogicalID].Properties
	reason := c.Reason
	if reason == "" {
		reason = fmt.Sprintf("Threshold Crossed: the alarm's evaluation went from %s to %s.", c.Old, c.New)
	}
	m := map[string]any{
		"AlarmName": a.Name, "AlarmDescription": str(props["AlarmDescription"]), "AWSAccountId": top.Account,
		"AlarmConfigurationUpdatedTimestamp": c.At.UTC().Format(stateTime),
		"NewStateValue":                      c.New, "NewStateReason": reason, "StateChangeTime": c.At.UTC().Format(stateTime),
		"Region": regionName(top.Region), "AlarmArn": a.ARN, "OldStateValue": c.Old,
		"OKActions": nonNil(a.OKActions), "AlarmActions": nonNil(a.AlarmActions), "InsufficientDataActions": nonNil(a.InsufficientDataActions),
	}
	if a.Composite {
		m["AlarmRule"] = str(props["AlarmRule"])
		// As CloudWatch writes them: each child's ARN and its state.
		children := []any{}
		for _, name := range c.Triggering {
			child := top.Alarms[name]
			if child == nil {
				return "", "", fmt.Errorf("%s: triggering child %s: %w", a.Name, name, ErrUnknownAlarm)
			}
			children = append(children, map[string]any{"Arn": child.ARN,
				"State": map[string]any{"Value": c.New, "Timestamp": c.At.UTC().Format(stateTime)}})
		}
		m["TriggeringChildren"] = children
	} else {
		m["Trigger"] = trigger(props)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return "", "", fmt.Errorf("could not encode the notification of %s: %w", a.Name, err)
	}
	subject = fmt.Sprintf("%s: %q in %s", c.New, a.Name, regionName(top.Region))
	if len(subject) > 100 { // SNS's limit on subjects
		subject = subject[:100]
	}
	return subject, string(raw), nil
}

// stateTime is how CloudWatch writes StateChangeTime.
const stateTime = "2006-01-02T15:04:05.000-0700"

// trigger is a metric or metric-math alarm's Trigger, from its
// AWS::CloudWatch::Alarm properties.
func trigger(p map[string]any) map[string]any {
	t := map[string]any{
		"Period": num(p["Period"]), "EvaluationPeriods": num(p["EvaluationPeriods"]),
		"ComparisonOperator": str(p["ComparisonOperator"]), "Threshold": num(p["Threshold"]),
		"TreatMissingData": "- TreatMissingData: " + strOr(p["TreatMissingData"], "missing"), "EvaluateLowSampleCountPercentile": "",
	}
	if d, ok := p["DatapointsToAlarm"]; ok {
		t["DatapointsToAlarm"] = num(d)
	}
	metrics, ok := p["Metrics"].([]any)
	if !ok {
		t["MetricName"], t["Namespace"] = str(p["MetricName"]), str(p["Namespace"])
		t["StatisticType"], t["Statistic"] = "Statistic", strings.ToUpper(str(p["Statistic"]))
		t["Unit"], t["Dimensions"] = nil, dimensions(p["Dimensions"])
		return t
	}
	var out []map[string]any
	for _, x := range metrics {
		q, _ := x.(map[string]any)
		m := map[string]any{"Id": str(q["Id"]), "ReturnData": q["ReturnData"] != false}
		if e := str(q["Expression"]); e != "" {
			m["Expression"] = e
		}
		if l := str(q["Label"]); l != "" {
			m["Label"] = l
		}
		if ms, ok := q["MetricStat"].(map[string]any); ok {
			metric, _ := ms["Metric"].(map[string]any)
			m["MetricStat"] = map[string]any{
				"Metric": map[string]any{"Dimensions": dimensions(metric["Dimensions"]), "MetricName": str(metric["MetricName"]),
					"Namespace": str(metric["Namespace"])},
				"Period": num(ms["Period"]), "Stat": str(ms["Stat"]),
			}
		}
		out = append(out, m)
	}
	t["Metrics"] = out
	return t
}

// dimensions are the template's dimensions as CloudWatch's notification
// lists them: {"value": ..., "name": ...}.
func dimensions(v any) []map[string]string {
	list, _ := v.([]any)
	out := []map[string]string{}
	for _, x := range list {
		d, _ := x.(map[string]any)
		out = append(out, map[string]string{"value": str(d["Value"]), "name": str(d["Name"])})
	}
	return out
}

// regionNames are the regions' names as CloudWatch's notifications give
// them (Region, and the subject).
var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
	"us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)", "eu-central-1": "EU (Frankfurt)",
}

func regionName(code string) string {
	if n, ok := regionNames[code]; ok {
		return n
	}
	return code
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func strOr(v any, def string) string {
	if s := str(v); s != "" {
		return s
	}
	return def
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
