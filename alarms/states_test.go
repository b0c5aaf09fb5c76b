package alarms

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestGeneratedStates(t *testing.T) {
	spec, err := LoadSpec("slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 14, 35, 12, 0, time.UTC)
	emf := []EMFPoint{
		{Namespace: "AWS/Lambda", Name: "Errors", Sets: [][]string{{"FunctionName"}}, Dims: map[string]string{"FunctionName": "stk-portfolio"},
			At: at, Values: []float64{1}, Counts: []float64{1}},
		{Namespace: spec.Namespace, Name: "WorkflowsFailed", Sets: [][]string{{"service"}}, Dims: map[string]string{"service": spec.Service},
			At: at, Values: []float64{1}, Counts: []float64{1}},
	}
	resolve := func(expr string) (string, error) {
		if expr == "!Ref PortfolioFunction" {
			return "stk-portfolio", nil
		}
		return "stk-" + strings.Fields(expr)[len(strings.Fields(expr))-1], nil
	}
	from, to := at.Truncate(time.Minute).Add(time.Minute), at.Truncate(time.Minute).Add(3*time.Minute)
	states, err := GeneratedStates(spec, emf, resolve, from, to, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]State{
		"portfolio-errors":               Alarm,            // the error, within the 5-minute period
		"strategy-errors":                OK,               // no data, notBreaching
		"workflow-not-started":           InsufficientData, // no data, ignore: the initial state stays
		"slo-workflow-success-page-1-1h": Alarm,            // one failure of one: a burn of 100
		"slo-workflow-success-page":      Alarm,
		"slo-workflow-success-ticket":    OK, // suppressed while the page fires
		"slo-order-success-page":         OK,
	}
	for name, st := range want {
		samples := states[name]
		if len(samples) != 3 {
			t.Fatalf("%s: %d samples, want 3 (one a minute)", name, len(samples))
		}
		if got := samples[len(samples)-1].State; got != st {
			t.Errorf("%s: %s, want %s", name, got, st)
		}
	}
	if n := len(states); n != len(Symptoms(spec))+len(spec.SLOs)*(8+2) {
		t.Errorf("%d alarms, want every symptom and 8 burn alarms and 2 composites per SLO", n)
	}
}

func TestGeneratedStatesResolverError(t *testing.T) {
	spec, err := LoadSpec("slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err = GeneratedStates(spec, nil, func(string) (string, error) { return "", boom }, time.Now(), time.Now(), time.Minute)
	if !errors.Is(err, boom) {
		t.Errorf("err %v, want the resolver's", err)
	}
}

func TestTransitions(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var samples []Sample
	for i, s := range []State{InsufficientData, InsufficientData, Alarm, Alarm, OK} {
		samples = append(samples, Sample{At: t0.Add(time.Duration(i) * time.Minute), State: s})
	}
	got := Transitions(samples)
	if len(got) != 3 || got[0] != samples[0] || got[1] != samples[2] || got[2] != samples[4] {
		t.Errorf("transitions %v", got)
	}
	if Transitions(nil) != nil {
		t.Error("transitions of nothing")
	}
}

func TestExpression(t *testing.T) {
	x, err := ParseExpression("100 * FILL(errors, 0) / invocations")
	if err != nil {
		t.Fatal(err)
	}
	if refs := x.Refs(); len(refs) != 2 || refs[0] != "errors" || refs[1] != "invocations" {
		t.Errorf("refs %v", refs)
	}
	for _, tt := range []struct {
		vals map[string]float64
		want float64
		ok   bool
	}{
		{map[string]float64{"errors": 1, "invocations": 4}, 25, true},
		{map[string]float64{"invocations": 4}, 0, true}, // FILL
		{map[string]float64{"errors": 1, "invocations": 0}, 0, false},
		{map[string]float64{}, 0, false},
	} {
		v, ok := x.Eval(tt.vals)
		if ok != tt.ok || ok && math.Abs(v-tt.want) > 1e-9 {
			t.Errorf("Eval(%v) = %v, %v; want %v, %v", tt.vals, v, ok, tt.want, tt.ok)
		}
	}
	if _, err := ParseExpression("RATE(m1)"); err == nil || !strings.Contains(err.Error(), "RATE") {
		t.Errorf("RATE: %v", err)
	}
}
