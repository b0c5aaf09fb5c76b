package render

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// alarmProps are an alarm status widget's properties.
type alarmProps struct {
	Alarms []string `json:"alarms"`
	SortBy string   `json:"sortBy"` // default, stateUpdatedTimestamp, timestamp
	States []string `json:"states"` // only these states, when given
}

func (b *builder) alarm(w *Widget, raw json.RawMessage) {
	var ap alarmProps
	if err := json.Unmarshal(raw, &ap); err != nil {
		w.Notes = append(w.Notes, "properties do not parse: "+err.Error())
		return
	}
	w.Alarms = b.alarmStates(ap.Alarms)
	if len(ap.States) > 0 {
		w.Alarms = slices.DeleteFunc(w.Alarms, func(a AlarmState) bool { return !slices.Contains(ap.States, string(a.State)) })
	}
	if ap.SortBy == "stateUpdatedTimestamp" || ap.SortBy == "timestamp" {
		slices.SortStableFunc(w.Alarms, func(x, y AlarmState) int { return lastChange(y).Compare(lastChange(x)) })
	}
	if b.run.states != nil {
		w.Notes = append(w.Notes, "evaluated once a minute, from the first minute after the run's first point to the first after its last")
	}
}

// alarmStates looks the alarms up among the generated ones: an ARN's
// alarm name less the stack prefix is the generated alarm's name.
func (b *builder) alarmStates(arns []string) []AlarmState {
	var out []AlarmState
	for _, arn := range arns {
		a := AlarmState{Name: alarmName(arn)}
		short, ok := strings.CutPrefix(a.Name, b.stack.name+"-")
		samples, known := b.run.states[short]
		switch {
		case b.run.states == nil:
			a.Note = "not evaluated locally"
		case !ok || !known:
			a.Note = "not an alarm the template generates: not evaluated locally"
		default:
			a.Transitions = cwalarm.Transitions(samples)
			a.State = samples[len(samples)-1].State
		}
		out = append(out, a)
	}
	return out
}

// alarmName is the name in arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME
// (the argument itself when it is not such an ARN).
func alarmName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":alarm:"); ok {
		return name
	}
	return arn
}

func lastChange(a AlarmState) time.Time {
	if len(a.Transitions) == 0 {
		return time.Time{}
	}
	return a.Transitions[len(a.Transitions)-1].At
}

// alarmMetric is what a metric widget with an alarm annotation and no
// metrics of its own charts: a generated symptom alarm's metric, with its
// threshold as a line. Metric-math alarms are not charted.
func (b *builder) alarmMetric(w *Widget, arns []string) ([]row, []Line) {
	if len(arns) == 0 || b.cfg.Spec == nil {
		return nil, nil
	}
	short := strings.TrimPrefix(alarmName(arns[0]), b.stack.name+"-")
	for _, s := range alarms.Symptoms(b.cfg.Spec) {
		if s.Name != short || s.Expression != "" {
			continue
		}
		rd := s.Reads[0]
		r := row{Namespace: rd.Namespace, Name: rd.MetricName, rowOptions: rowOptions{ID: "m1", Stat: rd.Stat, Period: s.Period, Label: rd.MetricName}}
		for _, d := range rd.Dimensions {
			v, err := b.stack.resolve(d[1])
			if err != nil {
				w.Notes = append(w.Notes, "the alarm's metric is not charted: "+err.Error())
				return nil, nil
			}
			r.Dims = append(r.Dims, [2]string{d[0], v})
		}
		return []row{r}, []Line{{Label: "alarm threshold", Color: annotationColor(""), Value: s.Threshold}}
	}
	w.Notes = append(w.Notes, "the alarm's metrics are not charted locally (only single-metric symptom alarms' are)")
	return nil, nil
}
