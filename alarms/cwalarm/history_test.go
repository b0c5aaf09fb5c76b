package cwalarm

import (
	"testing"
	"time"
)

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
