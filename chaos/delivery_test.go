package chaos

import (
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

// The changes delivered are those CountNotifications counts: into ALARM,
// and back to OK from ALARM, in time order.
func TestAlarmChangesAreTheNotifyingTransitions(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	states := map[string][]cwalarm.Sample{
		"a": {{At: at(0), State: cwalarm.InsufficientData}, {At: at(1), State: cwalarm.OK}, {At: at(2), State: cwalarm.Alarm},
			{At: at(3), State: cwalarm.InsufficientData}, {At: at(4), State: cwalarm.OK}},
		"b": {{At: at(1), State: cwalarm.Alarm}, {At: at(5), State: cwalarm.Alarm}},
		"c": {{At: at(0), State: cwalarm.OK}},
	}
	got := alarmChanges(states, "s")
	want := []sns.StateChange{{Alarm: "s-b", Old: "OK", New: "ALARM", At: at(1)}, {Alarm: "s-a", Old: "OK", New: "ALARM", At: at(2)},
		{Alarm: "s-a", Old: "INSUFFICIENT_DATA", New: "OK", At: at(4)}}
	if len(got) != len(want) {
		t.Fatalf("changes %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := alarms.CountNotifications(states, func(string) string { return "page" }); n.Page+n.OK != len(got) {
		t.Errorf("CountNotifications %s, %d changes", n, len(got))
	}
}
