package alarms

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

func TestGeneratedStates(t *testing.T) {
	spec, err := LoadSpec("slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 14, 35, 12, 0, time.UTC)
	emf := []cwalarm.EMFPoint{
		{Namespace: spec.Namespace, Name: InvocationFailuresMetric, Sets: [][]string{{}}, Dims: map[string]string{},
			At: at, Values: []float64{1}, Counts: []float64{1}},
		{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible", Sets: [][]string{{"QueueName"}}, Dims: map[string]string{"QueueName": "stk-FailedInvocationsQueue.QueueName"},
			At: at, Values: []float64{1}, Counts: []float64{1}},
		{Namespace: spec.Namespace, Name: "WorkflowsFailed", Sets: [][]string{{"service"}}, Dims: map[string]string{"service": spec.Service},
			At: at, Values: []float64{1}, Counts: []float64{1}},
	}
	resolve := func(expr string) (string, error) {
		if !strings.HasPrefix(expr, "!") {
			return expr, nil
		}
		return "stk-" + strings.Fields(expr)[len(strings.Fields(expr))-1], nil
	}
	from, to := at.Truncate(time.Minute).Add(time.Minute), at.Truncate(time.Minute).Add(3*time.Minute)
	states, err := GeneratedStates(spec, emf, resolve, from, to, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]cwalarm.State{
		"handler-error":               cwalarm.Alarm,            // the failure, within the 5-minute period
		"event-dead-lettered":         cwalarm.Alarm,            // metric math: either queue
		"workflow-failed":             cwalarm.Alarm,            // the per-event alarm
		"publish-failed":              cwalarm.OK,               // no data, notBreaching
		"workflow-not-started":        cwalarm.InsufficientData, // no data, ignore: the initial state stays
		"slo-budget-exhausted-ticket": cwalarm.InsufficientData, // no budget recorded yet, ignore
		"slo-data-missing-ticket":     cwalarm.OK,               // notifications did not run
	}
	check := func(states map[string][]cwalarm.Sample, want map[string]cwalarm.State) {
		t.Helper()
		for name, st := range want {
			samples := states[name]
			if len(samples) != 3 {
				t.Fatalf("%s: %d samples, want 3 (one a minute)", name, len(samples))
			}
			if got := samples[len(samples)-1].State; got != st {
				t.Errorf("%s: %s, want %s", name, got, st)
			}
		}
	}
	check(states, want)
	if n := len(states); n != len(Symptoms(spec))+2 {
		t.Errorf("%d alarms, want every symptom and the 2 SLO tickets: no burn-rate alarm at the template's defaults", n)
	}
	// Where the burn-rate tiers are deployed, one failure of one is under
	// the minimum volume: no tier counts it.
	spec.BurnRateAlerts = true
	if states, err = GeneratedStates(spec, emf, resolve, from, to, time.Minute); err != nil {
		t.Fatal(err)
	}
	check(states, map[string]cwalarm.State{"slo-workflow-success-page-1h": cwalarm.OK, "slo-workflow-success-page": cwalarm.OK,
		"slo-workflow-success-ticket": cwalarm.OK})
	if n := len(states); n != len(Symptoms(spec))+2+len(spec.SLOs)*(4+2) {
		t.Errorf("%d alarms, want every symptom, the 2 SLO tickets, and 4 burn alarms and 2 composites per SLO", n)
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
