package cloudwatch

import (
	"context"
	"slices"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// describeAlarmHistory lists the alarms' state updates, newest first
// unless ScanBy is TimestampAscending, 100 a page by default. Without
// AlarmTypes only metric alarms' histories are returned, as CloudWatch
// does; an unknown alarm has an empty history. The history holds state
// updates only: ConfigurationUpdate and Action return nothing.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
func (c *CloudWatch) describeAlarmHistory(_ context.Context, in *describeAlarmHistoryIn) (*describeAlarmHistoryOut, error) {
	size, err := maxRecords(in.MaxRecords, 100)
	if err != nil {
		return nil, err
	}
	if err := validTypes(in.AlarmTypes); err != nil {
		return nil, err
	}
	switch in.HistoryItemType {
	case "", "StateUpdate", "ConfigurationUpdate", "Action", "AlarmContributorStateUpdate", "AlarmContributorAction":
	default:
		return nil, awsapi.Errorf(codeInvalidParameterValue, "HistoryItemType %q: ConfigurationUpdate, StateUpdate or Action", in.HistoryItemType)
	}
	if in.ScanBy != "" && in.ScanBy != "TimestampDescending" && in.ScanBy != "TimestampAscending" {
		return nil, awsapi.Errorf(codeInvalidParameterValue, "ScanBy must be TimestampDescending or TimestampAscending, not %q", in.ScanBy)
	}
	offset, err := readToken("DescribeAlarmHistory", in.NextToken)
	if err != nil {
		return nil, err
	}
	if err := c.alarms.Evaluate(c.cfg.Now()); err != nil {
		return nil, err
	}
	items := []AlarmHistoryItem{}
	if in.HistoryItemType == "" || in.HistoryItemType == "StateUpdate" {
		items = c.stateUpdates(in)
	}
	out := &describeAlarmHistoryOut{}
	out.AlarmHistoryItems, out.NextToken = page("DescribeAlarmHistory", items, offset, size)
	return out, nil
}

// stateUpdates are the transitions in's filters select, in ScanBy order
// (alarms by name at equal times).
func (c *CloudWatch) stateUpdates(in *describeAlarmHistoryIn) []AlarmHistoryItem {
	items := []AlarmHistoryItem{}
	for _, name := range c.alarms.Names() {
		st, _ := c.alarms.State(name)
		if (in.AlarmName != "" && name != in.AlarmName) || !wantType(in.AlarmTypes, st.Composite) || c.defs[name] == nil {
			continue
		}
		kind := "MetricAlarm"
		if st.Composite {
			kind = "CompositeAlarm"
		}
		for _, tr := range st.History {
			if in.StartDate != nil && tr.At.Before(in.StartDate.Time) || in.EndDate != nil && tr.At.After(in.EndDate.Time) {
				continue
			}
			items = append(items, AlarmHistoryItem{AlarmName: name, AlarmType: kind, Timestamp: awsapi.At(tr.At),
				HistoryItemType: "StateUpdate", HistorySummary: "Alarm updated from " + string(tr.Old) + " to " + string(tr.New),
				HistoryData: historyData(tr)})
		}
	}
	slices.SortStableFunc(items, func(a, b AlarmHistoryItem) int { return b.Timestamp.Compare(a.Timestamp.Time) })
	if in.ScanBy == "TimestampAscending" {
		slices.SortStableFunc(items, func(a, b AlarmHistoryItem) int { return a.Timestamp.Compare(b.Timestamp.Time) })
	}
	return items
}
