package cloudwatch

import (
	"context"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// defaultMaxRecords is DescribeAlarms' page size when MaxRecords is not
// given (the API reference gives the range, 1 to 100, not the default).
const defaultMaxRecords = 50

// describeAlarms reports the template's alarms with their states,
// evaluated up to now, sorted by name. Without AlarmTypes only metric
// alarms are returned, as CloudWatch does; names the stack does not have
// are left out, not an error.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
func (c *CloudWatch) describeAlarms(_ context.Context, in *describeAlarmsIn) (*describeAlarmsOut, error) {
	size, err := maxRecords(in.MaxRecords, defaultMaxRecords)
	if err != nil {
		return nil, err
	}
	if err := validateDescribe(in); err != nil {
		return nil, err
	}
	offset, err := readToken("DescribeAlarms", in.NextToken)
	if err != nil {
		return nil, err
	}
	if err := c.alarms.Evaluate(c.cfg.Now()); err != nil {
		return nil, err
	}
	selected := c.selectAlarms(in)
	pg, next := page("DescribeAlarms", selected, offset, size)
	out := &describeAlarmsOut{MetricAlarms: []MetricAlarm{}, CompositeAlarms: []CompositeAlarm{}, NextToken: next}
	for _, d := range pg {
		st := c.stateOf(d.name())
		if d.composite {
			a := d.comp
			a.StateValue, a.StateReason, a.StateReasonData = string(st.Value), st.Reason, st.ReasonData
			a.StateUpdatedTimestamp, a.StateTransitionedTimestamp = awsapi.At(st.Updated), awsapi.At(st.Updated)
			a.AlarmConfigurationUpdatedTimestamp = awsapi.At(c.cfg.Created)
			out.CompositeAlarms = append(out.CompositeAlarms, a)
			continue
		}
		a := d.metric
		a.StateValue, a.StateReason, a.StateReasonData = string(st.Value), st.Reason, st.ReasonData
		a.StateUpdatedTimestamp, a.StateTransitionedTimestamp = awsapi.At(st.Updated), awsapi.At(st.Updated)
		a.AlarmConfigurationUpdatedTimestamp = awsapi.At(c.cfg.Created)
		out.MetricAlarms = append(out.MetricAlarms, a)
	}
	return out, nil
}

func maxRecords(n, def int32) (int, error) {
	if n == 0 {
		return int(def), nil
	}
	if n < 1 || n > 100 {
		return 0, awsapi.Errorf(codeInvalidParameterValue, "MaxRecords must be between 1 and 100, not %d", n)
	}
	return int(n), nil
}

func validateDescribe(in *describeAlarmsIn) error {
	others := len(in.AlarmNames) > 0 || in.AlarmNamePrefix != "" || len(in.AlarmTypes) > 0 || in.StateValue != "" || in.ActionPrefix != ""
	switch {
	case len(in.AlarmNames) > 0 && in.AlarmNamePrefix != "":
		return awsapi.Errorf(codeInvalidParameterCombination, "AlarmNames and AlarmNamePrefix cannot be given together")
	case (in.ChildrenOfAlarmName != "" || in.ParentsOfAlarmName != "") && others,
		in.ChildrenOfAlarmName != "" && in.ParentsOfAlarmName != "":
		return awsapi.Errorf(codeInvalidParameterCombination, "ChildrenOfAlarmName and ParentsOfAlarmName take no other filter")
	case len(in.AlarmNames) > 100:
		return awsapi.Errorf(codeInvalidParameterValue, "AlarmNames has at most 100 members, not %d", len(in.AlarmNames))
	}
	if err := validTypes(in.AlarmTypes); err != nil {
		return err
	}
	switch cwalarm.State(in.StateValue) {
	case "", cwalarm.OK, cwalarm.Alarm, cwalarm.InsufficientData:
		return nil
	}
	return awsapi.Errorf(codeInvalidParameterValue, "StateValue must be OK, ALARM or INSUFFICIENT_DATA, not %q", in.StateValue)
}

func validTypes(types []string) error {
	for _, t := range types {
		if t != "MetricAlarm" && t != "CompositeAlarm" {
			return awsapi.Errorf(codeInvalidParameterValue, "AlarmTypes holds %q: MetricAlarm or CompositeAlarm", t)
		}
	}
	return nil
}

// wantType says whether an alarm of this kind is asked for: metric
// alarms only when types is empty.
func wantType(types []string, composite bool) bool {
	if len(types) == 0 {
		return !composite
	}
	if composite {
		return slices.Contains(types, "CompositeAlarm")
	}
	return slices.Contains(types, "MetricAlarm")
}

// selectAlarms are the definitions in's filters select, sorted by name.
func (c *CloudWatch) selectAlarms(in *describeAlarmsIn) []*alarmDef {
	var out []*alarmDef
	for _, d := range c.defs {
		if c.selected(d, in) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *alarmDef) int { return strings.Compare(a.name(), b.name()) })
	return out
}

func (c *CloudWatch) selected(d *alarmDef, in *describeAlarmsIn) bool {
	switch {
	case in.ChildrenOfAlarmName != "":
		p := c.defs[in.ChildrenOfAlarmName]
		return p != nil && p.composite && slices.Contains(ruleNames(p.comp.AlarmRule), d.name())
	case in.ParentsOfAlarmName != "":
		return d.composite && slices.Contains(ruleNames(d.comp.AlarmRule), in.ParentsOfAlarmName)
	}
	return wantType(in.AlarmTypes, d.composite) &&
		(len(in.AlarmNames) == 0 || slices.Contains(in.AlarmNames, d.name())) &&
		strings.HasPrefix(d.name(), in.AlarmNamePrefix) &&
		(in.StateValue == "" || string(c.stateOf(d.name()).Value) == in.StateValue) &&
		(in.ActionPrefix == "" || slices.ContainsFunc(d.actions(), func(a string) bool { return strings.HasPrefix(a, in.ActionPrefix) }))
}

func ruleNames(rule string) []string {
	r, err := cwalarm.ParseRule(rule)
	if err != nil {
		return nil
	}
	return r.Names()
}

// stateOf is an alarm's state; an alarm of the template the evaluation
// does not know (none, while the generator and the template agree) is
// as created.
func (c *CloudWatch) stateOf(name string) AlarmState {
	if st, ok := c.alarms.State(name); ok {
		return st
	}
	return AlarmState{Name: name, Value: cwalarm.InsufficientData, Reason: "Unchecked: Initial alarm creation", Updated: c.cfg.Created}
}
