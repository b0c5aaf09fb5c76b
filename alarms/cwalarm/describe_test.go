package cwalarm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func describeAlarmsDoc(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "describe-alarms.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The document describe-alarms prints is read whole, with the fields AWS
// returns and despite one it may add.
func TestReadDescribeAlarms(t *testing.T) {
	out, err := ReadDescribeAlarms(bytes.NewReader(describeAlarmsDoc(t)), "alarms.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.Names(), ","); got != "alchemiser-execution-errors,alchemiser-slo-workflow-success-page-1-1h,alchemiser-slo-workflow-success-page" {
		t.Fatalf("names %s", got)
	}
	errs := out.MetricAlarms[0]
	if errs.AlarmArn != "arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-execution-errors" || errs.StateValue != Alarm ||
		!errs.StateUpdatedTimestamp.Equal(time.Date(2026, 11, 20, 14, 5, 10, 131e6, time.UTC)) ||
		len(errs.Dimensions) != 1 || errs.Dimensions[0] != (Dimension{"FunctionName", "alchemiser-execution"}) ||
		errs.ActionsEnabled == nil || !*errs.ActionsEnabled || !strings.HasPrefix(errs.StateReasonData, `{"version":"1.0"`) {
		t.Errorf("metric alarm %+v", errs)
	}
	ratio := out.MetricAlarms[1]
	if len(ratio.Metrics) != 3 || ratio.Metrics[1].MetricStat.Metric.Dimensions[0].Value != "alchemiser" ||
		ratio.Metrics[1].MetricStat.Unit != "Count" || ratio.Metrics[2].Label != "error ratio" || *ratio.Metrics[0].ReturnData {
		t.Errorf("metric-math alarm %+v", ratio)
	}
	page := out.CompositeAlarms[0]
	if page.StateValue != Alarm || page.ActionsSuppressedBy != "None" || !strings.HasPrefix(page.AlarmRule, `ALARM("alchemiser-slo`) {
		t.Errorf("composite alarm %+v", page)
	}
}

// A single-metric alarm from AWS evaluates as the same alarm written as
// PutMetricAlarm fields.
func TestReadAlarmMetricAlarm(t *testing.T) {
	a, err := ReadAlarm(bytes.NewReader(describeAlarmsDoc(t)), "alarms.json", "alchemiser-execution-errors")
	if err != nil {
		t.Fatal(err)
	}
	want := MetricAlarm{AlarmName: "alchemiser-execution-errors", Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2,
		ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", Namespace: "AWS/Lambda", MetricName: "Errors", Statistic: "Sum"}
	if a.Metrics != nil || a.AlarmName != want.AlarmName || a.Period != want.Period || a.EvaluationPeriods != want.EvaluationPeriods ||
		a.DatapointsToAlarm != want.DatapointsToAlarm || a.Threshold != 0 || a.ComparisonOperator != want.ComparisonOperator ||
		a.TreatMissingData != want.TreatMissingData || a.Namespace != want.Namespace || a.MetricName != want.MetricName || a.Statistic != want.Statistic {
		t.Fatalf("alarm %+v\nwant  %+v", *a, want)
	}
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	s := Series{"m1": {{At: t0.Add(3 * time.Minute), Value: 1}, {At: t0.Add(4 * time.Minute), Value: 1}}}
	samples, err := Evaluate(a, s, t0.Add(5*time.Minute), t0.Add(5*time.Minute), time.Minute)
	if err != nil || len(samples) != 1 || samples[0].State != Alarm {
		t.Errorf("evaluated %v, %v; want ALARM after two periods with errors", samples, err)
	}
}

// A metric-math alarm keeps its metrics, expression and ReturnData.
func TestReadAlarmMetricMath(t *testing.T) {
	a, err := ReadAlarm(bytes.NewReader(describeAlarmsDoc(t)), "alarms.json", "alchemiser-slo-workflow-success-page-1-1h")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Metrics) != 3 || a.PeriodOf() != time.Hour || a.Threshold != 0.0144 ||
		a.Metrics[0].MetricStat.Metric.MetricName != "WorkflowsFailed" || a.Metrics[2].Expression != "IF(total >= 1, bad / total, 0)" {
		t.Fatalf("alarm %+v", *a)
	}
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	var s = Series{}
	for i := range 60 {
		at := t0.Add(time.Duration(i) * time.Minute)
		s["total"] = append(s["total"], Point{At: at, Value: 10})
		if i%10 == 0 {
			s["bad"] = append(s["bad"], Point{At: at, Value: 1})
		}
	}
	// 6 bad of 600 is 1%, under 1.44%; 12 bad is 2%, over it.
	samples, err := Evaluate(a, s, t0.Add(time.Hour), t0.Add(time.Hour), time.Minute)
	if err != nil || samples[0].State != OK {
		t.Fatalf("1%% errors: %v, %v", samples, err)
	}
	for i := range 6 {
		s["bad"] = append(s["bad"], Point{At: t0.Add(time.Duration(10*i+5) * time.Minute), Value: 1})
	}
	samples, err = Evaluate(a, s, t0.Add(time.Hour), t0.Add(time.Hour), time.Minute)
	if err != nil || samples[0].State != Alarm {
		t.Errorf("2%% errors: %v, %v", samples, err)
	}
}

// A composite alarm gives its rule; ReadAlarm refuses it, as it has no
// data of its own.
func TestDescribedCompositeAlarm(t *testing.T) {
	out, err := ReadDescribeAlarms(bytes.NewReader(describeAlarmsDoc(t)), "alarms.json")
	if err != nil {
		t.Fatal(err)
	}
	m, c, err := out.Find("alchemiser-slo-workflow-success-page")
	if err != nil || m != nil || c == nil {
		t.Fatalf("find: %v %v %v", m, c, err)
	}
	r, err := c.Rule()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.State(map[string]State{"alchemiser-slo-workflow-success-page-1-1h": OK, "alchemiser-execution-errors": Alarm}); got != Alarm {
		t.Errorf("rule gives %s with a child in ALARM", got)
	}
	if got := r.State(map[string]State{"alchemiser-slo-workflow-success-page-1-1h": OK, "alchemiser-execution-errors": OK}); got != OK {
		t.Errorf("rule gives %s with the children OK", got)
	}
	_, err = ReadAlarm(bytes.NewReader(describeAlarmsDoc(t)), "alarms.json", "alchemiser-slo-workflow-success-page")
	if err == nil || !strings.Contains(err.Error(), "alarms.json: alarm alchemiser-slo-workflow-success-page is a composite alarm") {
		t.Errorf("ReadAlarm of a composite: %v", err)
	}
}

// What a --query cuts out of the document: one alarm, or a list.
func TestReadDescribeAlarmsParts(t *testing.T) {
	one := `{"AlarmName":"x","AlarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:x","StateValue":"OK","Period":60,
		"EvaluationPeriods":1,"Threshold":5,"ComparisonOperator":"LessThanThreshold","Statistic":"Average","NewField":1}`
	a, err := ReadAlarm(strings.NewReader(one), "one.json", "")
	if err != nil || a.AlarmName != "x" || a.Threshold != 5 || a.Statistic != "Average" {
		t.Errorf("one alarm: %+v, %v", a, err)
	}
	list := `[` + one + `, {"AlarmName":"c","AlarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:c","AlarmRule":"ALARM(x)"}]`
	out, err := ReadDescribeAlarms(strings.NewReader(list), "list.json")
	if err != nil || len(out.MetricAlarms) != 1 || len(out.CompositeAlarms) != 1 {
		t.Errorf("list: %+v, %v", out, err)
	}
	// Timestamps as epoch seconds (cli_timestamp_format none).
	out, err = ReadDescribeAlarms(strings.NewReader(`{"MetricAlarms":[{"AlarmName":"x","StateUpdatedTimestamp":1795183510.131}]}`), "epoch.json")
	if err != nil || !out.MetricAlarms[0].StateUpdatedTimestamp.Equal(time.Date(2026, 11, 20, 14, 5, 10, 131e6, time.UTC)) {
		t.Errorf("epoch seconds: %+v, %v", out, err)
	}
}

func TestReadAlarmErrors(t *testing.T) {
	doc := string(describeAlarmsDoc(t))
	for _, tc := range []struct {
		name, src, alarm, want string
	}{
		{"several alarms, none named", doc, "",
			`alarms.json: no such alarm: the document holds 3 alarms, name one: "alchemiser-execution-errors", "alchemiser-slo-workflow-success-page-1-1h", "alchemiser-slo-workflow-success-page"`},
		{"no such name", doc, "nope",
			`alarms.json: no such alarm: no alarm named "nope"; the document holds "alchemiser-execution-errors", `},
		{"no alarms", `{"MetricAlarms":[],"CompositeAlarms":[]}`, "", "alarms.json: no such alarm: the document holds no alarm"},
		{"another AWS document", `{"AlarmHistoryItems":[]}`, "",
			`alarms.json: json: unknown field "AlarmHistoryItems" (want PutMetricAlarm fields, or the output of aws cloudwatch describe-alarms)`},
		{"our input stays strict", `{"AlarmName":"a","Period":60,"EvaluationPeriods":1,"Statistic":"Sum","Thresold":1}`, "",
			`alarms.json: json: unknown field "Thresold"`},
		{"our input, another name", `{"AlarmName":"a","Period":60,"EvaluationPeriods":1,"Statistic":"Sum","ComparisonOperator":"GreaterThanThreshold"}`, "b",
			`alarms.json: no such alarm: no alarm named "b"; the file holds "a"`},
		{"an alarm without a name", `{"MetricAlarms":[{"AlarmArn":"arn"}]}`, "",
			"alarms.json: MetricAlarms[0] has no AlarmName: not the output of aws cloudwatch describe-alarms"},
		{"a wrong type, placed", "{\n  \"MetricAlarms\": [\n    {\"AlarmName\": \"x\", \"Period\": \"60\"}]}", "",
			"alarms.json:3:38: json: cannot unmarshal string into Go struct field"},
		{"malformed, placed", "{\n  \"MetricAlarms\": [\n    {\"AlarmName\": \"x\",, }]}", "",
			"alarms.json:3:23: invalid character ','"},
		{"a bad timestamp", `{"MetricAlarms":[{"AlarmName":"x","StateUpdatedTimestamp":"yesterday"}]}`, "",
			`alarms.json: timestamp "yesterday" is not ISO 8601`},
		{"percentile", `{"MetricAlarms":[{"AlarmName":"p","Period":60,"EvaluationPeriods":1,"ExtendedStatistic":"p99","ComparisonOperator":"GreaterThanThreshold","Threshold":1}]}`, "",
			`alarms.json: alarm p: Statistic "p99" is not one the evaluator computes`},
		{"anomaly detection", `{"MetricAlarms":[{"AlarmName":"ad","EvaluationPeriods":1,"ComparisonOperator":"LessThanLowerOrGreaterThanUpperThreshold","ThresholdMetricId":"ad1"}]}`, "",
			"alarms.json: alarm ad: an anomaly detection alarm (ThresholdMetricId ad1) is not modelled"},
		{"not JSON", "MetricAlarms:", "", "alarms.json:1:1: invalid character 'M'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadAlarm(strings.NewReader(tc.src), "alarms.json", tc.alarm)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v\nwant   %s", err, tc.want)
			}
		})
	}
	_, err := ReadAlarm(strings.NewReader(doc), "alarms.json", "nope")
	if !errors.Is(err, ErrNoSuchAlarm) {
		t.Errorf("not ErrNoSuchAlarm: %v", err)
	}
	_, err = ReadDescribeAlarms(strings.NewReader(`{"AlarmHistoryItems":[]}`), "history.json")
	if err == nil || !strings.HasPrefix(err.Error(), "history.json: not the output of aws cloudwatch describe-alarms") {
		t.Errorf("ReadDescribeAlarms of another document: %v", err)
	}
}

func TestFindNamesAtMostTwenty(t *testing.T) {
	var out DescribeAlarmsOutput
	for i := range 25 {
		out.MetricAlarms = append(out.MetricAlarms, DescribedMetricAlarm{AlarmName: string(rune('a' + i))})
	}
	_, _, err := out.Find("")
	if err == nil || !strings.HasSuffix(err.Error(), `"t" and 5 more`) {
		t.Errorf("error %v", err)
	}
}
