package cloudwatch

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/topology"
)

// templateAlarms are template.yaml's alarms, deployed as alchemiser.
func templateAlarms(t *testing.T, top *topology.Topology) (metric, composite []string) {
	t.Helper()
	for _, r := range top.Resources {
		switch r.Type {
		case "AWS::CloudWatch::Alarm":
			metric = append(metric, r.Properties["AlarmName"].(string))
		case "AWS::CloudWatch::CompositeAlarm":
			composite = append(composite, r.Properties["AlarmName"].(string))
		}
	}
	slices.Sort(metric)
	slices.Sort(composite)
	return metric, composite
}

// describeAll pages through DescribeAlarms.
func describeAll(t *testing.T, c *cloudwatch.Client, in *cloudwatch.DescribeAlarmsInput) ([]types.MetricAlarm, []types.CompositeAlarm) {
	t.Helper()
	var ms []types.MetricAlarm
	var cs []types.CompositeAlarm
	p := cloudwatch.NewDescribeAlarmsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ms, cs = append(ms, out.MetricAlarms...), append(cs, out.CompositeAlarms...)
	}
	return ms, cs
}

func TestDescribeAlarmsListsEveryAlarmOfTheTemplate(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	for _, burn := range []string{"off", "on"} {
		t.Run("BurnRateAlerts="+burn, func(t *testing.T) { testDescribeAlarmsLists(t, now, burnRateStack(t, burn)) })
	}
}

// burnRateStack is the template resolved with parameter BurnRateAlerts.
func burnRateStack(t *testing.T, burn string) *topology.Topology {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: map[string]string{"BurnRateAlerts": burn}})
	if err != nil {
		t.Fatal(err)
	}
	return top
}

func testDescribeAlarmsLists(t *testing.T, now time.Time, top *topology.Topology) {
	c, _ := serve(t, Config{RunDir: t.TempDir(), Now: func() time.Time { return now }, Topology: top})
	wantMetric, wantComposite := templateAlarms(t, top)
	// The two incident alarms, and the four SLOs' page and ticket
	// composites with the burn-rate tiers.
	want := 2
	if top.Resources["SloWorkflowSuccessPage"].Type != "" {
		want += 8
	}
	if len(wantMetric) < 10 || len(wantComposite) != want {
		t.Fatalf("template has %d metric and %d composite alarms", len(wantMetric), len(wantComposite))
	}
	ms, cs := describeAll(t, c, &cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(17),
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}})
	var gotMetric, gotComposite []string
	for _, a := range ms {
		gotMetric = append(gotMetric, aws.ToString(a.AlarmName))
		if a.StateValue != types.StateValueInsufficientData || aws.ToString(a.StateReason) != "Unchecked: Initial alarm creation" {
			t.Errorf("%s starts %s (%s)", aws.ToString(a.AlarmName), a.StateValue, aws.ToString(a.StateReason))
		}
	}
	for _, a := range cs {
		gotComposite = append(gotComposite, aws.ToString(a.AlarmName))
	}
	if !slices.Equal(gotMetric, wantMetric) || !slices.Equal(gotComposite, wantComposite) {
		t.Errorf("metric alarms %v\nwant %v\ncomposites %v\nwant %v", gotMetric, wantMetric, gotComposite, wantComposite)
	}
	// Without AlarmTypes: metric alarms only.
	ms, cs = describeAll(t, c, &cloudwatch.DescribeAlarmsInput{})
	if len(ms) != len(wantMetric) || len(cs) != 0 {
		t.Errorf("no AlarmTypes: %d metric, %d composite alarms", len(ms), len(cs))
	}
}

func TestDescribeAlarmsDefinitionsAndFilters(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	c, _ := serve(t, Config{RunDir: t.TempDir(), Now: func() time.Time { return now }, Topology: burnRateStack(t, "on")})
	ctx := context.Background()
	out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"alchemiser-handler-error", "no-such-alarm"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("alarms %+v", out.MetricAlarms)
	}
	a := out.MetricAlarms[0]
	if aws.ToString(a.Namespace) != "Alchemiser" || aws.ToString(a.MetricName) != "InvocationFailures" || a.Statistic != types.StatisticSum ||
		len(a.Dimensions) != 0 || aws.ToInt32(a.Period) != 300 ||
		a.ComparisonOperator != types.ComparisonOperatorGreaterThanThreshold || aws.ToString(a.TreatMissingData) != "notBreaching" ||
		!aws.ToBool(a.ActionsEnabled) || len(a.AlarmActions) != 0 || // the incident alarms act

		aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:us-east-1:000000000000:alarm:alchemiser-handler-error" ||
		!strings.Contains(aws.ToString(a.AlarmDescription), "Runbook: runbooks/handler-error.md") {
		t.Errorf("handler-error as described: %+v", a)
	}
	// The ticket incident alarm carries its actions suppression.
	out, err = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"alchemiser-incident-ticket"},
		AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
	if err != nil || len(out.CompositeAlarms) != 1 {
		t.Fatalf("incident-ticket: %+v, %v", out, err)
	}
	if it := out.CompositeAlarms[0]; aws.ToString(it.ActionsSuppressor) != "alchemiser-incident-page" ||
		aws.ToInt32(it.ActionsSuppressorWaitPeriod) != 300 || aws.ToInt32(it.ActionsSuppressorExtensionPeriod) != 3600 ||
		len(it.AlarmActions) != 1 || it.AlarmActions[0] != "arn:aws:sns:us-east-1:000000000000:alchemiser-ticket" {
		t.Errorf("incident-ticket as described: suppressor %q wait %d extension %d actions %v", aws.ToString(it.ActionsSuppressor),
			aws.ToInt32(it.ActionsSuppressorWaitPeriod), aws.ToInt32(it.ActionsSuppressorExtensionPeriod), it.AlarmActions)
	}
	// A metric-math alarm carries its metrics; a composite its rule.
	out, err = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("alchemiser-slo-workflow-success-"),
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 4 || len(out.CompositeAlarms) != 2 {
		t.Fatalf("workflow-success: %d metric, %d composite", len(out.MetricAlarms), len(out.CompositeAlarms))
	}
	m := out.MetricAlarms[0]
	if len(m.Metrics) < 3 || m.Metrics[len(m.Metrics)-1].Expression == nil || m.Metrics[0].MetricStat == nil ||
		aws.ToString(m.Metrics[0].MetricStat.Metric.Namespace) != "Alchemiser" {
		t.Errorf("burn-rate alarm %s metrics %+v", aws.ToString(m.AlarmName), m.Metrics)
	}
	page := out.CompositeAlarms[0]
	if !strings.Contains(aws.ToString(page.AlarmRule), `ALARM("alchemiser-slo-workflow-success-page-1h")`) {
		t.Errorf("composite rule %s", aws.ToString(page.AlarmRule))
	}
	children, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{ChildrenOfAlarmName: page.AlarmName})
	if err != nil || len(children.MetricAlarms) != 2 {
		t.Errorf("children of %s: %v %+v", aws.ToString(page.AlarmName), err, children)
	}
	byState, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm})
	if err != nil || len(byState.MetricAlarms) != 0 {
		t.Errorf("ALARM on a run without metrics: %v %+v", err, byState.MetricAlarms)
	}
	_, err = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"a"}, AlarmNamePrefix: aws.String("b")})
	var comb *types.InvalidParameterCombinationException
	if !errors.As(err, &comb) || errorCode(err) != "InvalidParameterCombination" {
		t.Errorf("names and prefix: %v (code %s)", err, errorCode(err))
	}
	_, err = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{NextToken: aws.String("bogus")})
	if errorCode(err) != "InvalidNextToken" {
		t.Errorf("bad token: %v", err)
	}
}

// TestAlarmFiresAndRecovers: on the handler-error run handler-error
// reaches ALARM the minute after the errors, with CloudWatch's reason,
// and returns to OK once its 5-minute periods no longer hold them
// (TreatMissingData notBreaching), with both transitions in its history.
func TestAlarmFiresAndRecovers(t *testing.T) {
	dir := handlerErrorRun(t)
	first := firstMetric(t, dir)
	created := first.Truncate(time.Minute)
	clk := &clock{t: created.Add(2 * time.Minute)}
	c, _ := serve(t, Config{RunDir: dir, Now: clk.Now, Created: created})
	ctx := context.Background()
	name := "alchemiser-handler-error"
	describe := func() types.MetricAlarm {
		t.Helper()
		out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
		if err != nil || len(out.MetricAlarms) != 1 {
			t.Fatalf("describe %s: %v", name, err)
		}
		return out.MetricAlarms[0]
	}
	a := describe()
	fired := created.Add(time.Minute)
	if a.StateValue != types.StateValueAlarm || !aws.ToTime(a.StateUpdatedTimestamp).Equal(fired) ||
		!strings.HasPrefix(aws.ToString(a.StateReason), "Threshold Crossed: 1 datapoint [") ||
		!strings.HasSuffix(aws.ToString(a.StateReason), "] was greater than the threshold (0.0).") {
		t.Errorf("after the errors: %s at %v: %s", a.StateValue, aws.ToTime(a.StateUpdatedTimestamp), aws.ToString(a.StateReason))
	}
	var data struct {
		Period              int
		Statistic           string
		RecentDatapoints    []float64
		EvaluatedDatapoints []struct{ Value float64 }
	}
	if err := json.Unmarshal([]byte(aws.ToString(a.StateReasonData)), &data); err != nil || data.Period != 300 ||
		data.Statistic != "Sum" || len(data.RecentDatapoints) != 1 || data.RecentDatapoints[0] <= 0 {
		t.Errorf("reason data %s: %v", aws.ToString(a.StateReasonData), err)
	}
	fiveMore, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm})
	if err != nil || !slices.ContainsFunc(fiveMore.MetricAlarms, func(m types.MetricAlarm) bool { return aws.ToString(m.AlarmName) == name }) {
		t.Errorf("StateValue ALARM misses %s: %v", name, err)
	}

	clk.Set(created.Add(40 * time.Minute)) // past the 3 periods of the evaluation range
	a = describe()
	if a.StateValue != types.StateValueOk {
		t.Fatalf("40 minutes later: %s (%s)", a.StateValue, aws.ToString(a.StateReason))
	}
	recovered := aws.ToTime(a.StateUpdatedTimestamp)
	if !recovered.After(fired) || recovered.After(fired.Add(16*time.Minute)) {
		t.Errorf("recovered at %v, fired at %v", recovered, fired)
	}
	hist, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String(name),
		HistoryItemType: types.HistoryItemTypeStateUpdate})
	if err != nil {
		t.Fatal(err)
	}
	var summaries []string
	for _, h := range hist.AlarmHistoryItems {
		summaries = append(summaries, aws.ToString(h.HistorySummary))
	}
	want := []string{"Alarm updated from ALARM to OK", "Alarm updated from INSUFFICIENT_DATA to ALARM"}
	if !slices.Equal(summaries, want) {
		t.Fatalf("history %v, want %v", summaries, want)
	}
	h := hist.AlarmHistoryItems[0]
	var hd struct {
		Version            string
		OldState, NewState struct {
			StateValue, StateReason string
			StateReasonData         json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(h.HistoryData)), &hd); err != nil || hd.Version != "1.0" ||
		hd.OldState.StateValue != "ALARM" || hd.NewState.StateValue != "OK" || len(hd.NewState.StateReasonData) == 0 ||
		!aws.ToTime(h.Timestamp).Equal(recovered) || h.AlarmType != types.AlarmTypeMetricAlarm {
		t.Errorf("history item %+v: %v", h, err)
	}
	asc, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String(name),
		ScanBy: types.ScanByTimestampAscending, MaxRecords: aws.Int32(1)})
	if err != nil || len(asc.AlarmHistoryItems) != 1 || aws.ToString(asc.AlarmHistoryItems[0].HistorySummary) != want[1] || asc.NextToken == nil {
		t.Errorf("oldest first, one a page: %v %+v", err, asc)
	}
	for _, in := range []*cloudwatch.DescribeAlarmHistoryInput{
		{AlarmName: aws.String("no-such-alarm")},
		{AlarmName: aws.String(name), HistoryItemType: types.HistoryItemTypeConfigurationUpdate},
		{AlarmName: aws.String(name), StartDate: aws.Time(recovered.Add(time.Second))},
	} {
		out, err := c.DescribeAlarmHistory(ctx, in)
		if err != nil || len(out.AlarmHistoryItems) != 0 {
			t.Errorf("%+v: %v %d items", in, err, len(out.AlarmHistoryItems))
		}
	}
}

// The lazily evaluated states agree with chaos.AlarmStates (which
// evaluates the whole span at once) at every minute, and a catch-up in
// one jump leaves the same states and history as minute-by-minute steps.
func TestEvaluationAgreesWithAlarmStates(t *testing.T) {
	dir := handlerErrorRun(t)
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := chaos.AlarmStates(spec, dir)
	if err != nil {
		t.Fatal(err)
	}
	samples := want["handler-error"]
	from, to := samples[0].At, samples[len(samples)-1].At
	created := from.Add(-time.Minute)
	_, stepped := serve(t, Config{RunDir: dir, Created: created, Now: func() time.Time { return created }})
	_, jumped := serve(t, Config{RunDir: dir, Created: created, Now: func() time.Time { return created }})
	for i := range samples {
		at := samples[i].At
		if err := stepped.Alarms().Evaluate(at); err != nil {
			t.Fatal(err)
		}
		for short, ss := range want {
			st, ok := stepped.Alarms().State("alchemiser-" + short)
			if !ok {
				t.Fatalf("no alarm alchemiser-%s", short)
			}
			if st.Value != ss[i].State {
				t.Errorf("%s at %s: %s, chaos.AlarmStates says %s", short, at.Format("15:04"), st.Value, ss[i].State)
			}
		}
	}
	// Past the longest evaluation range (3 periods of the 3-day window):
	// every alarm settles, the rest is skipped.
	for _, later := range []time.Duration{3 * time.Hour, 10 * 24 * time.Hour, 40 * 24 * time.Hour} {
		if err := jumped.Alarms().Evaluate(to.Add(later)); err != nil {
			t.Fatal(err)
		}
		for at := to; at.Before(to.Add(later)); at = at.Add(time.Hour) {
			if err := stepped.Alarms().Evaluate(at); err != nil {
				t.Fatal(err)
			}
		}
		if err := stepped.Alarms().Evaluate(to.Add(later)); err != nil {
			t.Fatal(err)
		}
		for _, name := range stepped.Alarms().Names() {
			a, _ := stepped.Alarms().State(name)
			b, _ := jumped.Alarms().State(name)
			if a.Value != b.Value || !a.Updated.Equal(b.Updated) || len(a.History) != len(b.History) {
				t.Errorf("%v later, %s: stepped %s since %v (%d changes), jumped %s since %v (%d changes)", later, name,
					a.Value, a.Updated, len(a.History), b.Value, b.Updated, len(b.History))
			}
		}
	}
	if st := jumped.Alarms().Stats(); st.Settled == 0 || st.MinutesSkipped == 0 {
		t.Errorf("a catch-up over quiet days skipped nothing: %+v", st)
	}
	t.Logf("stepped %+v, jumped %+v", stepped.Alarms().Stats(), jumped.Alarms().Stats())
	fired := 0
	for _, ss := range want {
		if slices.ContainsFunc(ss, func(s cwalarm.Sample) bool { return s.State == cwalarm.Alarm }) {
			fired++
		}
	}
	if fired == 0 {
		t.Error("no alarm fired on the handler-error run")
	}
}
