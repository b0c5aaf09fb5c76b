package cwalarm

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// With no delay, EvaluateArrived decides as Evaluate does, whatever the
// order of the points and the missing-data option, sparse or dense.
func TestEvaluateArrivedWithoutDelayIsEvaluate(t *testing.T) {
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tmd := range []string{"missing", "ignore", "breaching", "notBreaching"} {
		for _, density := range []float64{0.05, 0.9} {
			var pts []Point
			for m := range 300 {
				if rng.Float64() < density {
					pts = append(pts, Point{At: start.Add(time.Duration(m)*time.Minute + 10*time.Second), Value: float64(rng.IntN(3))})
				}
			}
			rng.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
			a := &MetricAlarm{AlarmName: "t", Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 4,
				ComparisonOperator: "GreaterThanThreshold", TreatMissingData: tmd, Statistic: "Sum"}
			s := Series{"m1": pts}
			want, err := Evaluate(a, s, start, start.Add(6*time.Hour), time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			got, err := EvaluateArrived(a, s, start, start.Add(6*time.Hour), time.Minute, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, density %g: EvaluateArrived differs from Evaluate", tmd, density)
			}
		}
	}
}

// A late point delays the alarm's reaction by the delay, not the moment
// it leaves the evaluation range (three 10-minute periods: rule 2 keeps
// evaluating it as the most recent real point until then).
func TestEvaluateArrivedDelaysTheReaction(t *testing.T) {
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	a := &MetricAlarm{AlarmName: "t", Period: 600, EvaluationPeriods: 1, Threshold: 0,
		ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching", Statistic: "Sum"}
	s := Series{"m1": {{At: start.Add(5 * time.Minute), Value: 1}}}
	changes := func(delay time.Duration) []Sample {
		samples, err := EvaluateArrived(a, s, start, start.Add(time.Hour), time.Minute, delay)
		if err != nil {
			t.Fatal(err)
		}
		return Transitions(samples)
	}
	prompt, late := changes(time.Minute), changes(4*time.Minute)
	if len(prompt) != 3 || len(late) != 3 {
		t.Fatalf("transitions %v and %v", prompt, late)
	}
	if d := late[1].At.Sub(prompt[1].At); late[1].State != Alarm || d != 3*time.Minute {
		t.Errorf("ALARM at %s with the delay, %s without", late[1].At, prompt[1].At)
	}
	if !late[2].At.Equal(prompt[2].At) || !late[2].At.Equal(start.Add(36*time.Minute)) {
		t.Errorf("OK at %s with the delay, %s without; the point leaves the evaluation range at 14:36", late[2].At, prompt[2].At)
	}
}
