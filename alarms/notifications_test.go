package alarms

import (
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

var t0 = time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)

// samples are an alarm's states, one a minute.
func samples(states ...cwalarm.State) []cwalarm.Sample {
	out := make([]cwalarm.Sample, len(states))
	for i, st := range states {
		out[i] = cwalarm.Sample{At: t0.Add(time.Duration(i) * time.Minute), State: st}
	}
	return out
}

// firing is n minutes of an alarm's states, OK but in ALARM from minute
// from to before minute to.
func firing(n, from, to int) []cwalarm.Sample {
	states := make([]cwalarm.State, n)
	for i := range states {
		states[i] = cwalarm.OK
		if i >= from && i < to {
			states[i] = cwalarm.Alarm
		}
	}
	return samples(states...)
}

func builtIn(t *testing.T) *Spec {
	t.Helper()
	spec, err := DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func TestIncidentAlarmsNotifyOncePerIncident(t *testing.T) {
	spec := builtIn(t)
	wait, ext := int(IncidentSuppressor.Wait/time.Minute), int(IncidentSuppressor.Extension/time.Minute)
	const n = 300
	for _, tc := range []struct {
		name   string
		states map[string][]cwalarm.Sample
		want   Notifications
	}{
		{"a handler error that dead-letters its event and leaves the workflow stuck: one page, one resolve",
			map[string][]cwalarm.Sample{"handler-error": firing(n, 2, 25), "event-dead-lettered": firing(n, 5, 30), "workflow-stuck": firing(n, 6, 28)},
			Notifications{Page: 1, OK: 1}},
		{"a ticket alone: one ticket, one resolve",
			map[string][]cwalarm.Sample{"broker-degraded": firing(n, 2, 40)}, Notifications{Ticket: 1, OK: 1}},
		{"a ticket that outlives its page past the extension is sent then",
			map[string][]cwalarm.Sample{"handler-error": firing(n, 2, 30+ext+30), "event-dead-lettered": firing(n, 5, 30)},
			Notifications{Page: 1, Ticket: 1, OK: 2}},
		{"two incidents an hour apart: two pages, two resolves",
			map[string][]cwalarm.Sample{"event-dead-lettered": firing(n, 5, 10), "workflow-failed": firing(n, 70, 75)},
			Notifications{Page: 2, OK: 2}},
		{"a burn-rate alarm has no actions, nor does a flapping one alone",
			map[string][]cwalarm.Sample{"slo-workflow-success-page-1h": firing(n, 5, 100)}, Notifications{}},
		{"a ticket that resolves within its wait period is never sent",
			map[string][]cwalarm.Sample{"publish-failed": firing(n, 5, 5+wait-2)}, Notifications{}},
		{"nothing fires: nothing is sent", map[string][]cwalarm.Sample{"publish-failed": firing(n, 0, 0)}, Notifications{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CountNotifications(spec, tc.states); got != tc.want {
				t.Errorf("got %s, want %s; notices %v", got, tc.want, Notices(spec, tc.states))
			}
		})
	}
}

func TestNoticesNameTheirTriggeringChildrenAndTheirTimes(t *testing.T) {
	spec := builtIn(t)
	states := map[string][]cwalarm.Sample{"broker-degraded": firing(200, 2, 40), "event-dead-lettered": firing(200, 100, 110), "workflow-stuck": firing(200, 100, 112)}
	got := Notices(spec, states)
	if len(got) != 4 {
		t.Fatalf("notices %v, want a ticket, its resolve, a page, its resolve", got)
	}
	ticket, page, resolved := got[0], got[2], got[3]
	if ticket.Alarm != IncidentTicket || ticket.State != cwalarm.Alarm || !ticket.At.Equal(t0.Add(2*time.Minute+IncidentSuppressor.Wait)) ||
		len(ticket.Triggering) != 1 || ticket.Triggering[0] != "broker-degraded" {
		t.Errorf("ticket %+v: want incident-ticket in ALARM at minute 2 plus the wait period, triggered by broker-degraded", ticket)
	}
	if page.Alarm != IncidentPage || !page.At.Equal(t0.Add(100*time.Minute)) || len(page.Triggering) != 2 {
		t.Errorf("page %+v: want incident-page at minute 100, triggered by both", page)
	}
	if resolved.State != cwalarm.OK || !resolved.At.Equal(t0.Add(112*time.Minute)) || len(resolved.Triggering) != 1 || resolved.Triggering[0] != "workflow-stuck" {
		t.Errorf("resolve %+v: want OK at minute 112, triggered by workflow-stuck", resolved)
	}
}
