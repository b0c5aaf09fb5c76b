package cwalarm

import (
	"math"
	"strings"
	"testing"
	"time"
)

// points reads "0 - X" (0 not breaching, X breaching, - missing), oldest first.
func points(s string) []float64 {
	var out []float64
	for _, f := range strings.Fields(s) {
		switch f {
		case "0":
			out = append(out, 0)
		case "X":
			out = append(out, 1)
		default:
			out = append(out, math.NaN())
		}
	}
	return out
}

// TestMissingDataRules checks each TreatMissingData option on an alarm of
// 3 evaluation periods and 3 datapoints to alarm over a 5-period
// evaluation range, in the layout of the user guide's table ("Configuring
// how CloudWatch alarms treat missing data"); the expected states follow
// the rules quoted in the package documentation. "keep" is the current
// state (here ALARM, to tell it apart).
func TestMissingDataRules(t *testing.T) {
	for _, c := range []struct {
		data                                     string
		missing, ignore, breaching, notBreaching string
	}{
		{"0 - X - X", "OK", "OK", "OK", "OK"},                     // 3 real points: the options do not apply
		{"- - - - 0", "OK", "keep", "OK", "OK"},                   // 1 real point, filled: 0+2 or 0 breaching
		{"- - - - -", "INSUFFICIENT_DATA", "keep", "ALARM", "OK"}, // nothing at all
		{"- - - X -", "OK", "keep", "ALARM", "OK"},                // 1 breaching, too recent for a premature alarm
		{"X - X - -", "ALARM", "ALARM", "ALARM", "OK"},            // premature alarm: oldest breach 3 periods back, rest missing
		{"0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"},         // the 3 most recent real points all breach
		{"- X 0 - X", "OK", "OK", "OK", "OK"},                     // 3 real points, one not breaching
	} {
		want := map[string]string{"missing": c.missing, "ignore": c.ignore, "breaching": c.breaching, "notBreaching": c.notBreaching}
		for tmd, w := range want {
			a := &MetricAlarm{AlarmName: "t", Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 0.5,
				ComparisonOperator: "GreaterThanThreshold", TreatMissingData: tmd}
			got := string(a.decide(points(c.data), Alarm))
			if w == "keep" {
				w = "ALARM"
			}
			if got != w {
				t.Errorf("%s with %s: %s, want %s", c.data, tmd, got, w)
			}
		}
	}
}

func TestMOutOfN(t *testing.T) {
	a := &MetricAlarm{AlarmName: "t", Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 2, Threshold: 10,
		ComparisonOperator: "GreaterThanOrEqualToThreshold"}
	for data, want := range map[string]State{
		"0 0 0 0 0 X X": Alarm, "0 0 0 X 0 0 X": Alarm, "X X 0 0 0 0 0": OK, "0 0 0 0 0 0 X": OK,
	} {
		pts := points(data)
		for i := range pts {
			pts[i] *= 10
		}
		if got := a.decide(pts, OK); got != want {
			t.Errorf("%s: %s, want %s", data, got, want)
		}
	}
}

func TestEvaluateOverTime(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	s := Series{"m1": {}}
	// errors: 1 per minute from 14:03 to 14:05
	for _, m := range []int{3, 4, 5} {
		s["m1"] = append(s["m1"], Point{t0.Add(time.Duration(m)*time.Minute + 10*time.Second), 1})
	}
	for _, m := range []int{0, 1, 2, 6, 7, 8, 9} {
		s["m1"] = append(s["m1"], Point{t0.Add(time.Duration(m)*time.Minute + 10*time.Second), 0})
	}
	a := &MetricAlarm{AlarmName: "errors", Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 0,
		ComparisonOperator: "GreaterThanThreshold", Statistic: "Sum", TreatMissingData: "notBreaching"}
	samples, err := Evaluate(a, s, t0.Add(time.Minute), t0.Add(9*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range samples {
		got = append(got, x.At.Format("15:04")+" "+string(x.State))
	}
	want := "14:01 OK,14:02 OK,14:03 OK,14:04 OK,14:05 ALARM,14:06 ALARM,14:07 OK,14:08 OK,14:09 OK"
	if strings.Join(got, ",") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ","), want)
	}
}

func TestMetricMath(t *testing.T) {
	no := false
	a := &MetricAlarm{AlarmName: "ratio", EvaluationPeriods: 1, Threshold: 0.1, ComparisonOperator: "GreaterThanThreshold",
		Metrics: []MetricQuery{
			{Id: "errors", MetricStat: &MetricStat{Period: 60, Stat: "Sum"}, ReturnData: &no},
			{Id: "total", MetricStat: &MetricStat{Period: 60, Stat: "Sum"}, ReturnData: &no},
			{Id: "e1", Expression: "IF(total >= 10, FILL(errors, 0) / total, 0)"},
		}}
	p, err := a.Plan()
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	val := func(errors, total []float64) float64 {
		s := Series{}
		for _, v := range errors {
			s["errors"] = append(s["errors"], Point{t0, v})
		}
		for _, v := range total {
			s["total"] = append(s["total"], Point{t0, v})
		}
		return p.value(s, t0, t0.Add(time.Minute), false)
	}
	if v := val([]float64{3}, []float64{20}); v != 0.15 {
		t.Errorf("3/20 = %v", v)
	}
	if v := val(nil, []float64{20}); v != 0 {
		t.Errorf("no errors, FILL → 0: %v", v)
	}
	if v := val([]float64{3}, []float64{5}); v != 0 {
		t.Errorf("below the minimum volume: %v", v)
	}
	if v := val([]float64{3}, nil); !math.IsNaN(v) {
		t.Errorf("no traffic: %v, want missing", v)
	}
	if x, _, err := parseMath("a / b"); err != nil || !math.IsNaN(x.eval(map[string]float64{"a": 1, "b": 0})) {
		t.Error("division by zero must give no point")
	}
	missing := []struct {
		expr string
		vals map[string]float64
		want float64 // NaN: no point
	}{
		{"a - b", map[string]float64{"a": 3}, 3},             // b has no point: 0
		{"a - b", map[string]float64{"b": 2}, -2},            // a has no point: 0
		{"a - b", map[string]float64{}, math.NaN()},          // neither
		{"a * 2", map[string]float64{}, math.NaN()},          // a scalar is not a series
		{"a > 0", map[string]float64{}, math.NaN()},          // nor here
		{"(a + 1) - b", map[string]float64{"b": 1}, -1},      // a + 1 is a series
		{"FILL(a, 0) - b", map[string]float64{}, math.NaN()}, // FILL(a, 0) is 0, b counts as 0 then: see next
	}
	missing[len(missing)-1].want = 0
	for _, c := range missing {
		x, _, err := parseMath(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := x.eval(c.vals); !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("%s with %v = %v, want %v", c.expr, c.vals, got, c.want)
		}
	}
	for _, bad := range []string{"a +", "FOO(a)", "IF(a, b)", "(a"} {
		if _, _, err := parseMath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	no := false
	ok := MetricAlarm{AlarmName: "a", Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, ComparisonOperator: "GreaterThanThreshold", Statistic: "Sum"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid alarm rejected: %v", err)
	}
	stat := func(id string, period int) MetricQuery {
		return MetricQuery{Id: id, ReturnData: &no, MetricStat: &MetricStat{Period: period, Stat: "Sum"}}
	}
	for name, c := range map[string]struct {
		edit func(a *MetricAlarm)
		want string
	}{
		"no evaluation periods": {func(a *MetricAlarm) { a.EvaluationPeriods = 0 }, "EvaluationPeriods must be at least 1"},
		"M over N":              {func(a *MetricAlarm) { a.DatapointsToAlarm = 4 }, "DatapointsToAlarm must be between"},
		"odd period":            {func(a *MetricAlarm) { a.Period = 45 }, "Period 45 s is not 10, 20, 30"},
		"over seven days":       {func(a *MetricAlarm) { a.Period, a.EvaluationPeriods = 86400, 8 }, "seven days"},
		"short period, long":    {func(a *MetricAlarm) { a.Period, a.EvaluationPeriods = 300, 289 }, "allows one day"},
		"comparison":            {func(a *MetricAlarm) { a.ComparisonOperator = "Bigger" }, `unknown ComparisonOperator "Bigger"`},
		"missing data":          {func(a *MetricAlarm) { a.TreatMissingData = "zero" }, `TreatMissingData "zero"`},
		// A statistic the evaluator does not compute would be summed.
		"no statistic":         {func(a *MetricAlarm) { a.Statistic = "" }, `Statistic "" is not one the evaluator computes`},
		"percentile":           {func(a *MetricAlarm) { a.Statistic = "p99" }, `Statistic "p99" is not one the evaluator computes`},
		"percentage TC bounds": {func(a *MetricAlarm) { a.Statistic = "TC(10%:90%)" }, `Statistic "TC(10%:90%)"`},
		"metric percentile": {func(a *MetricAlarm) {
			a.Period = 0
			a.Metrics = []MetricQuery{{Id: "m1", MetricStat: &MetricStat{Period: 60, Stat: "p99.9"}}}
		}, `metric m1: Stat "p99.9" is not one the evaluator computes`},
		"two periods": {func(a *MetricAlarm) {
			a.Period = 0
			a.Metrics = []MetricQuery{stat("m1", 300), stat("m2", 900), {Id: "e1", Expression: "m1 - m2"}}
		}, "metric m2 has Period 900 s, the alarm's others 300 s"},
	} {
		a := ok
		c.edit(&a)
		if err := a.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestCompositeRules(t *testing.T) {
	r, err := ParseRule(`ALARM("page-1h") AND ALARM(page-5m) OR (ALARM(page-6h) AND NOT OK("page-30m"))`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Names(), ","); got != "page-1h,page-5m,page-6h,page-30m" {
		t.Errorf("names %s", got)
	}
	for states, want := range map[[4]State]State{
		{Alarm, Alarm, OK, OK}:               Alarm,
		{Alarm, OK, OK, OK}:                  OK,
		{OK, OK, Alarm, InsufficientData}:    Alarm,
		{OK, OK, Alarm, OK}:                  OK,
		{InsufficientData, Alarm, OK, Alarm}: OK,
	} {
		m := map[string]State{"page-1h": states[0], "page-5m": states[1], "page-6h": states[2], "page-30m": states[3]}
		if got := r.State(m); got != want {
			t.Errorf("%v: %s, want %s", states, got, want)
		}
	}
	for _, bad := range []string{"ALARM(a) AND", "ALARM()", "ALARMS(a)", "(ALARM(a)", "ALARM(a) XOR ALARM(b)"} {
		if _, err := ParseRule(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// An Evaluator step by step gives Evaluate's states, and says what range
// it read; with ignore, a step with no data keeps the state it is given.
func TestEvaluatorSteps(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	s := Series{"m1": {{t0.Add(3*time.Minute + 10*time.Second), 1}}}
	a := &MetricAlarm{AlarmName: "errors", Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 1, Threshold: 0,
		ComparisonOperator: "GreaterThanThreshold", Statistic: "Sum", TreatMissingData: "ignore"}
	want, err := Evaluate(a, s, t0, t0.Add(9*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEvaluator(a)
	if err != nil {
		t.Fatal(err)
	}
	if e.Window() != 4*time.Minute || e.Period() != time.Minute {
		t.Errorf("window %v, period %v", e.Window(), e.Period())
	}
	state := InsufficientData
	for i, w := range want {
		ev := e.At(s, w.At, state)
		state = ev.State
		if state != w.State {
			t.Errorf("step %d at %s: %s, Evaluate says %s", i, w.At.Format("15:04"), state, w.State)
		}
		if last := ev.Range[len(ev.Range)-1]; !last.End.Equal(w.At) {
			t.Errorf("step %d: range ends %v", i, last.End)
		}
	}
	if got := e.At(Series{}, t0, Alarm).State; got != Alarm {
		t.Errorf("ignore with no data: %s, want the state kept", got)
	}
}
