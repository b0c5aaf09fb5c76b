package cwalarm

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// FuzzReadPoints: `alchemiser alarms evaluate --data` input. Any bytes give
// points or an error naming the file, never a panic; accepted values are
// finite (a NaN would poison every comparison of the evaluator).
func FuzzReadPoints(f *testing.F) {
	f.Add("timestamp,metric_id,value\n2026-11-20T14:00:00Z,m1,1\n")
	f.Add("2026-11-20T14:00:00Z,m1,NaN\n")
	f.Add("\"2026-11-20T14:00:00Z\",\"m\n1\",+Inf\n")
	f.Add("a,b\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ReadPoints(strings.NewReader(src), "points.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "points.csv") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for id, ps := range s {
			for _, p := range ps {
				if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) || id == "" {
					t.Fatalf("accepted %q = %v", id, p.Value)
				}
			}
		}
	})
}

// FuzzEvaluateAlarm: `alchemiser alarms evaluate --alarm` input. Whatever
// ALARM.json holds (PutMetricAlarm fields or describe-alarms output),
// ReadAlarm rejects it with an error naming the file, or Evaluate runs
// without a panic, one sample per evaluation.
func FuzzEvaluateAlarm(f *testing.F) {
	f.Add([]byte(`{"MetricAlarms":[{"AlarmName":"x","AlarmArn":"a","Period":60,"EvaluationPeriods":2,"Threshold":0,"ComparisonOperator":"GreaterThanThreshold","Statistic":"Sum","StateUpdatedTimestamp":"2026-11-20T14:05:10.131000+00:00"}],"CompositeAlarms":[]}`), 1.0)
	f.Add([]byte(`[{"AlarmName":"c","AlarmArn":"a","AlarmRule":"ALARM(x)"}]`), 1.0)
	f.Add([]byte(`{"AlarmName":"a","Period":60,"EvaluationPeriods":3,"DatapointsToAlarm":2,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"breaching","Statistic":"Sum"}`), 3.0)
	f.Add([]byte(`{"AlarmName":"m","EvaluationPeriods":1,"Threshold":0.1,"ComparisonOperator":"GreaterThanThreshold","Metrics":[{"Id":"m1","MetricStat":{"Period":60,"Stat":"Sum"},"ReturnData":false},{"Id":"e1","Expression":"IF(m1 > 1, m1 / (m1 - 2), FILL(m1, 0))"}]}`), 2.0)
	f.Fuzz(func(t *testing.T, raw []byte, v float64) {
		a, err := ReadAlarm(bytes.NewReader(raw), "alarm.json", "")
		if err != nil && !strings.HasPrefix(err.Error(), "alarm.json") {
			t.Fatalf("error without the file name: %v", err)
		}
		if err != nil || a.period() > 86400 || math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
		s := Series{"m1": {{At: t0, Value: v}, {At: t0.Add(2 * time.Minute), Value: -v}}}
		out, err := Evaluate(a, s, t0, t0.Add(10*time.Minute), time.Minute)
		if err != nil {
			return
		}
		if len(out) != 11 {
			t.Fatalf("%d samples for 11 evaluations", len(out))
		}
	})
}
