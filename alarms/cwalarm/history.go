package cwalarm

import "time"

// Sample is one evaluation's result.
type Sample struct {
	At    time.Time
	State State
}

// Transitions are the samples at which the state changed, the first
// sample included: an alarm's history as the console lists it.
func Transitions(samples []Sample) []Sample {
	var out []Sample
	for i, s := range samples {
		if i == 0 || s.State != samples[i-1].State {
			out = append(out, s)
		}
	}
	return out
}
