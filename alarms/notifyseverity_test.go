package alarms_test

import (
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
)

func TestSeverityFollowsTheAlarmsActions(t *testing.T) {
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range alarms.Symptoms(spec) {
		if got, want := alarms.AlarmSeverity(s.Name), string(spec.Incidents[s.Incident]); got != want {
			t.Errorf("symptom %s: %s, want %s (its incident's)", s.Name, got, want)
		}
	}
	for _, slo := range spec.SLOs {
		gens, comps := alarms.BurnAlarms(spec, &slo)
		for _, g := range gens {
			if got := alarms.AlarmSeverity(g.Name); got != string(alarms.SeverityDashboard) {
				t.Errorf("burn-rate alarm %s: %s, want dashboard (no actions)", g.Name, got)
			}
		}
		for _, c := range comps {
			want := string(alarms.SeverityTicket)
			if c.Page {
				want = string(alarms.SeverityPage)
			}
			if got := alarms.AlarmSeverity(c.Name); got != want {
				t.Errorf("composite %s: %s, want %s", c.Name, got, want)
			}
		}
	}
}
