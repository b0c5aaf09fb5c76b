package chaos

import (
	"reflect"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/emulator/sns"
	"github.com/alchemiser/alchemiser/topology"
)

// The notifications function reads the local model's alarm messages as
// it reads CloudWatch's: a metric alarm, a metric-math alarm and a
// composite.
func TestTheNotifierParsesTheModelsAlarmMessages(t *testing.T) {
	// The burn-rate tiers' alarms exist with BurnRateAlerts=on.
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: map[string]string{"BurnRateAlerts": "on"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)
	for _, name := range []string{"alchemiser-handler-error", "alchemiser-event-dead-lettered", "alchemiser-slo-workflow-success-page-1h", "alchemiser-slo-workflow-success-page"} {
		alarm, ok := top.Alarms[name]
		if !ok {
			t.Fatalf("the template has no alarm %s", name)
		}
		_, msg, err := sns.Notification(top, alarm, sns.StateChange{Alarm: name, Old: "OK", New: "ALARM", At: at})
		if err != nil {
			t.Fatal(err)
		}
		a, err := notify.ParseAlarm(msg)
		if err != nil || a.AlarmName != name || a.NewStateValue != "ALARM" {
			t.Errorf("%s: %+v, %v", name, a, err)
			continue
		}
		if m := notify.AlarmMessage(a, notify.AlarmLinks{}); m.Text == "" {
			t.Errorf("%s: no message", name)
		}
	}
}

// The changes delivered are the incident alarms' notifications, those
// CountNotifications counts, with their triggering children.
func TestAlarmChangesAreTheIncidentNotifications(t *testing.T) {
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	firing := func(from, to int) []cwalarm.Sample {
		var out []cwalarm.Sample
		for m := range 120 {
			st := cwalarm.OK
			if m >= from && m < to {
				st = cwalarm.Alarm
			}
			out = append(out, cwalarm.Sample{At: at(m), State: st})
		}
		return out
	}
	// A handler error (a ticket) dead-letters its event (a page): one
	// page, one resolve, the ticket suppressed.
	states := map[string][]cwalarm.Sample{"handler-error": firing(2, 25), "event-dead-lettered": firing(5, 30)}
	got := alarmChanges(spec, states, "s")
	want := []sns.StateChange{{Alarm: "s-incident-page", Old: "OK", New: "ALARM", At: at(5), Triggering: []string{"s-event-dead-lettered"}},
		{Alarm: "s-incident-page", Old: "ALARM", New: "OK", At: at(30), Triggering: []string{"s-event-dead-lettered"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %+v, want %+v", got, want)
	}
	if n := alarms.CountNotifications(spec, states); n.Page+n.Ticket+n.OK != len(got) {
		t.Errorf("CountNotifications %s, %d changes", n, len(got))
	}
}
