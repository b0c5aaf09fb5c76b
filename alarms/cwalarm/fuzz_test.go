package cwalarm

import (
	"bytes"
	"encoding/json"
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
// ALARM.json holds, Validate rejects it or Evaluate runs without a panic,
// one sample per evaluation.
func FuzzEvaluateAlarm(f *testing.F) {
	f.Add([]byte(`{"AlarmName":"a","Period":60,"EvaluationPeriods":3,"DatapointsToAlarm":2,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"breaching","Statistic":"Sum"}`), 3.0)
	f.Add([]byte(`{"AlarmName":"m","EvaluationPeriods":1,"Threshold":0.1,"ComparisonOperator":"GreaterThanThreshold","Metrics":[{"Id":"m1","MetricStat":{"Period":60,"Stat":"Sum"},"ReturnData":false},{"Id":"e1","Expression":"IF(m1 > 1, m1 / (m1 - 2), FILL(m1, 0))"}]}`), 2.0)
	f.Fuzz(func(t *testing.T, raw []byte, v float64) {
		var a MetricAlarm
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if dec.Decode(&a) != nil || a.Validate() != nil || a.period() > 86400 || math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
		s := Series{"m1": {{At: t0, Value: v}, {At: t0.Add(2 * time.Minute), Value: -v}}}
		out, err := Evaluate(&a, s, t0, t0.Add(10*time.Minute), time.Minute)
		if err != nil {
			return
		}
		if len(out) != 11 {
			t.Fatalf("%d samples for 11 evaluations", len(out))
		}
	})
}
