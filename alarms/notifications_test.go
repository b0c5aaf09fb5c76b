package alarms

import (
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// samples are an alarm's states, one a minute.
func samples(states ...cwalarm.State) []cwalarm.Sample {
	at := time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)
	out := make([]cwalarm.Sample, len(states))
	for i, st := range states {
		out[i] = cwalarm.Sample{At: at.Add(time.Duration(i) * time.Minute), State: st}
	}
	return out
}

func TestCountNotificationsCountsTransitions(t *testing.T) {
	const (
		I = cwalarm.InsufficientData
		O = cwalarm.OK
		A = cwalarm.Alarm
	)
	states := map[string][]cwalarm.Sample{
		"handler-error":                samples(I, O, A, A, O, O), // a ticket, then its OK
		"event-dead-lettered":          samples(I, A, I, A, I, O), // one page: INSUFFICIENT_DATA is no news
		"slo-workflow-success-page":    samples(I, O, A, O, A, A), // flapping: two pages, one OK
		"slo-workflow-success-ticket":  samples(I, I, O, A, A, A), // a ticket, unresolved
		"slo-workflow-success-page-1h": samples(I, A, A, A, A, A), // a burn-rate alarm: no actions
		"publish-failed":               samples(I, O, O, O, O, O), // the first OK is the evaluation's start
	}
	got := CountNotifications(states, AlarmSeverity)
	if want := (Notifications{Page: 3, Ticket: 2, OK: 3}); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
