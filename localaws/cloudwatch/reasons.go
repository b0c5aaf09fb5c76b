package cloudwatch

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// The state reasons are written as CloudWatch writes them: a sentence
// (StateReason) and a JSON document (StateReasonData), as the examples of
// describe-alarm-history show them
// (https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/describe-alarm-history.html)
// and the user guide's "Alarm states and reasons" pages describe them.

// reasonTime is the time format of StateReasonData.
const reasonTime = "2006-01-02T15:04:05.000-0700"

var comparisonWords = map[string]string{
	"GreaterThanThreshold":          "greater than",
	"GreaterThanOrEqualToThreshold": "greater than or equal to",
	"LessThanThreshold":             "less than",
	"LessThanOrEqualToThreshold":    "less than or equal to",
}

// reasonData is a metric alarm's StateReasonData.
type reasonData struct {
	Version             string           `json:"version"`
	QueryDate           string           `json:"queryDate"`
	StartDate           string           `json:"startDate"`
	Statistic           string           `json:"statistic,omitempty"`
	Period              int              `json:"period"`
	RecentDatapoints    []float64        `json:"recentDatapoints"`
	Threshold           float64          `json:"threshold"`
	EvaluatedDatapoints []evaluatedPoint `json:"evaluatedDatapoints,omitempty"`
}

type evaluatedPoint struct {
	Timestamp string  `json:"timestamp"`
	Value     float64 `json:"value"`
}

// metricReason explains evaluation ev of alarm def at t.
func metricReason(def *cwalarm.MetricAlarm, ev cwalarm.Evaluation, t time.Time) (string, string) {
	period := def.PeriodOf()
	var real []cwalarm.Datapoint
	for _, d := range ev.Range {
		if d.OK {
			real = append(real, d)
		}
	}
	data := reasonData{Version: "1.0", QueryDate: t.UTC().Format(reasonTime), Statistic: def.Statistic,
		Period: int(period / time.Second), Threshold: def.Threshold, RecentDatapoints: []float64{}}
	if len(ev.Range) > 0 {
		data.StartDate = ev.Range[0].End.Add(-period).UTC().Format(reasonTime)
	}
	for _, d := range real {
		data.RecentDatapoints = append(data.RecentDatapoints, d.Value)
	}
	n := def.EvaluationPeriods
	evaluated := real[max(0, len(real)-n):]
	for i := len(evaluated) - 1; i >= 0; i-- { // newest first
		d := evaluated[i]
		data.EvaluatedDatapoints = append(data.EvaluatedDatapoints, evaluatedPoint{Timestamp: d.End.Add(-period).UTC().Format(reasonTime), Value: d.Value})
	}
	b, _ := json.Marshal(data)
	return thresholdSentence(def, ev.State, evaluated, period), string(b)
}

// thresholdSentence is StateReason for a metric alarm that went to state
// on the evaluated points (oldest first).
func thresholdSentence(def *cwalarm.MetricAlarm, state cwalarm.State, evaluated []cwalarm.Datapoint, period time.Duration) string {
	n := def.EvaluationPeriods
	if len(evaluated) == 0 {
		if state == cwalarm.InsufficientData {
			return fmt.Sprintf("Insufficient Data: %d datapoint%s unknown.", n, plural(n, " was", "s were"))
		}
		as := "NonBreaching"
		if state == cwalarm.Alarm {
			as = "Breaching"
		}
		return fmt.Sprintf("Threshold Crossed: no datapoints were received for %d period%s and %d missing datapoint%s treated as [%s].",
			n, plural(n, "", "s"), n, plural(n, " was", "s were"), as)
	}
	var shown []string
	for i := len(evaluated) - 1; i >= 0; i-- {
		d := evaluated[i]
		if def.Breaches(d.Value) == (state == cwalarm.Alarm) {
			shown = append(shown, fmt.Sprintf("%s (%s)", javaFloat(d.Value), d.End.Add(-period).UTC().Format("02/01/06 15:04:05")))
		}
	}
	not := ""
	if state != cwalarm.Alarm {
		not = "not "
	}
	m := def.DatapointsToAlarm
	if m == 0 || m == n {
		return fmt.Sprintf("Threshold Crossed: %d datapoint%s [%s] %s%s the threshold (%s).", len(shown), plural(len(shown), "", "s"),
			strings.Join(shown, ", "), plural(len(shown), "was ", "were "), not+comparisonWords[def.ComparisonOperator], javaFloat(def.Threshold))
	}
	from, to := "OK", "ALARM"
	if state != cwalarm.Alarm {
		from, to = "ALARM", "OK"
	}
	return fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] %s%s the threshold (%s) (minimum %d datapoint%s for %s -> %s transition).",
		len(shown), len(evaluated), strings.Join(shown, ", "), plural(len(shown), "was ", "were "), not+comparisonWords[def.ComparisonOperator],
		javaFloat(def.Threshold), m, plural(m, "", "s"), from, to)
}

// compositeReason explains composite c going to state v at t: the child
// that changed last triggered it.
func (a *Alarms) compositeReason(c *compositeAlarm, v cwalarm.State, t time.Time) (string, string) {
	var trigger string
	var at time.Time
	for _, n := range c.children {
		if s, ok := a.states[n]; ok && (trigger == "" || s.updated.After(at)) {
			trigger, at = n, s.updated
		}
	}
	if trigger == "" {
		return fmt.Sprintf("Composite alarm rule evaluated to %s", v), ""
	}
	child := a.states[trigger].now.Value
	type state struct {
		Value     string `json:"value"`
		Timestamp string `json:"timestamp"`
	}
	type triggering struct {
		Arn   string `json:"arn"`
		State state  `json:"state"`
	}
	b, _ := json.Marshal(struct {
		TriggeringAlarms []triggering `json:"triggeringAlarms"`
	}{[]triggering{{Arn: a.arn(trigger), State: state{Value: string(child), Timestamp: at.UTC().Format(reasonTime)}}}})
	return fmt.Sprintf("%s transitioned to %s at %s", a.arn(trigger), child, at.UTC().Format("Monday 02 January, 2006 15:04:05 MST")), string(b)
}

// historyData is a state update's HistoryData.
func historyData(tr Transition) string {
	type state struct {
		StateValue      string          `json:"stateValue"`
		StateReason     string          `json:"stateReason"`
		StateReasonData json.RawMessage `json:"stateReasonData,omitempty"`
	}
	raw := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(struct {
		Version  string `json:"version"`
		OldState state  `json:"oldState"`
		NewState state  `json:"newState"`
	}{"1.0", state{string(tr.Old), tr.OldReason, raw(tr.OldReasonData)}, state{string(tr.New), tr.NewReason, raw(tr.NewReasonData)}})
	return string(b)
}

// javaFloat writes v as CloudWatch's messages do: 2.0, 0.5, 1.0E-4.
func javaFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
