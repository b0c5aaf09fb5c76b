package alarms

import (
	"slices"
	"strings"
	"testing"
)

// One alarm per incident type that pages or opens a ticket, named after
// it; none for a dashboard-only one.
func TestOneSymptomPerAlertedIncident(t *testing.T) {
	sp := spec(t)
	var names []string
	for _, s := range Symptoms(sp) {
		names = append(names, s.Name)
		if s.Name != s.Incident {
			t.Errorf("alarm %s is for incident %s: name it after it", s.Name, s.Incident)
		}
	}
	for id, sev := range sp.Incidents {
		has := slices.Contains(names, id)
		switch {
		case sev == SeverityDashboard && has:
			t.Errorf("%s is dashboard-only but has an alarm", id)
		case sev != SeverityDashboard && !has && AlertedThrough[id] == "":
			t.Errorf("%s (%s) has no alarm", id, sev)
		case AlertedThrough[id] != "" && (has || sp.Incidents[AlertedThrough[id]] != sev):
			t.Errorf("%s is alerted through %s: it needs no alarm of its own and that alarm's severity (%s, declared %s)", id, AlertedThrough[id], sp.Incidents[AlertedThrough[id]], sev)
		}
	}
	if len(names) != len(slices.Compact(slices.Sorted(slices.Values(names)))) {
		t.Errorf("duplicate symptom names %v", names)
	}
}

// The symptom alarms read at most 15 metrics together: an alarm is billed
// per metric it reads.
func TestSymptomsReadFewMetrics(t *testing.T) {
	n := 0
	for _, s := range Symptoms(spec(t)) {
		n += len(s.Reads)
	}
	if n > 15 {
		t.Errorf("the symptom alarms read %d metrics, want at most 15", n)
	}
}

// workflow-slow follows the latency objective's series and threshold.
func TestWorkflowSlowReadsTheLatencyObjective(t *testing.T) {
	sp := spec(t)
	s, ok := SymptomNamed(sp, "workflow-slow")
	if !ok {
		t.Fatal("no workflow-slow alarm")
	}
	var dims []string
	for _, d := range s.Reads[0].Dimensions {
		dims = append(dims, d[0]+"="+d[1])
	}
	if s.Threshold != 120000 || s.Reads[0].MetricName != "WorkflowDuration" || strings.Join(dims, ",") != "service=alchemiser,function=notifications,status=completed" {
		t.Errorf("workflow-slow reads %s %v above %v", s.Reads[0].MetricName, dims, s.Threshold)
	}
}

// Each symptom alarm notifies the topic of its incident's declared
// severity, when it fires and when it resolves.
func TestSymptomsRouteBySeverity(t *testing.T) {
	sp := spec(t)
	for _, s := range Symptoms(sp) {
		p := symptomProperties(s, sp.Severity(s.Name))
		want := map[Severity]string{SeverityPage: "PageTopic", SeverityTicket: "TicketTopic"}[sp.Incidents[s.Incident]]
		if len(p.AlarmActions) != 1 || string(p.AlarmActions[0]) != want || len(p.OKActions) != 1 || string(p.OKActions[0]) != want {
			t.Errorf("%s (%s): actions %v, ok %v, want %s", s.Name, sp.Incidents[s.Incident], p.AlarmActions, p.OKActions, want)
		}
	}
}

// The severity comes from the declared incident, not the name: declare
// another and the alarm follows.
func TestSeverityFollowsTheDeclaredIncident(t *testing.T) {
	sp := spec(t)
	if got := sp.Severity("publish-failed"); got != SeverityTicket {
		t.Fatalf("publish-failed: %s, want ticket", got)
	}
	sp.Incidents["publish-failed"] = SeverityPage
	if got := sp.Severity("publish-failed"); got != SeverityPage {
		t.Errorf("publish-failed declared page: %s", got)
	}
	sp.Incidents["publish-failed"] = SeverityDashboard
	if _, ok := SymptomNamed(sp, "publish-failed"); ok {
		t.Error("publish-failed declared dashboard still has an alarm")
	}
	if got := sp.Severity("no-such-alarm"); got != "" {
		t.Errorf("unknown alarm: %q", got)
	}
}
