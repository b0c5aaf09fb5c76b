package alarms

import (
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
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

// Only the incident alarms have actions: each symptom alarm has none and
// is a child of the incident alarm of its declared severity, in the
// rule's both branches; the page incident alarm notifies PageTopic, the
// ticket one TicketTopic, suppressed by the page one.
func TestSymptomsRouteBySeverity(t *testing.T) {
	sp := spec(t)
	rules := map[Severity][]string{}
	for _, ia := range IncidentAlarms(sp) {
		c := incidentProperties(sp, ia)
		want := map[Severity]string{SeverityPage: "PageTopic", SeverityTicket: "TicketTopic"}[ia.Severity]
		if len(c.AlarmActions) != 1 || string(c.AlarmActions[0]) != want || len(c.OKActions) != 1 || string(c.OKActions[0]) != want {
			t.Errorf("%s: actions %v, ok %v, want %s", ia.Name, c.AlarmActions, c.OKActions, want)
		}
		r, ok := c.AlarmRule.(cfnyaml.If)
		if !ok {
			t.Fatalf("%s: rule %v, want an If on BurnRateAlerts", ia.Name, c.AlarmRule)
		}
		rules[ia.Severity] = []string{string(r.Then.(cfnyaml.QuotedSub)), string(r.Else.(cfnyaml.QuotedSub))}
		if (ia.Severity == SeverityTicket) != (c.ActionsSuppressor == "IncidentPage") {
			t.Errorf("%s: suppressor %q", ia.Name, c.ActionsSuppressor)
		}
	}
	for _, s := range Symptoms(sp) {
		p := symptomProperties(s, sp.Severity(s.Name))
		if len(p.AlarmActions) != 0 || len(p.OKActions) != 0 {
			t.Errorf("%s: actions %v, ok %v: only the incident alarms act", s.Name, p.AlarmActions, p.OKActions)
		}
		sev := sp.Incidents[s.Incident]
		for _, rule := range rules[sev] {
			if !strings.Contains(rule, `ALARM("${`+s.LogicalID+`}")`) {
				t.Errorf("%s (%s): not in the %s incident alarm's rule %s", s.Name, sev, sev, rule)
			}
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
