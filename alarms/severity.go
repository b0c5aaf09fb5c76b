package alarms

import "sync"

// Severity is the severity of the generated alarm called name (without
// the stack prefix, as GeneratedStates names it), the one place that
// decides it, and the one IncidentAlarms groups by: a symptom alarm has
// its incident's declared severity (Spec.Incidents); the budget and
// data-missing alarms are tickets; an SLO's page and ticket composites
// are a page and a ticket; its burn-rate alarms only show (dashboard);
// the incident alarms, the only ones with actions, notify PageTopic or
// TicketTopic by theirs. An alarm the spec does not generate has no
// severity ("").
func (spec *Spec) Severity(name string) Severity {
	if s, ok := SymptomNamed(spec, name); ok {
		return spec.Incidents[s.Incident]
	}
	for _, ia := range IncidentAlarms(spec) {
		if ia.Name == name {
			return ia.Severity
		}
	}
	for _, a := range SLOAlarms(spec) {
		if a.Name == name && (a.Name != BudgetAlarm || spec.BurnRateAlerts) {
			return SeverityTicket
		}
		if a.Name == name {
			return SeverityDashboard
		}
	}
	for i := range spec.SLOs {
		gens, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, c := range comps {
			if c.Name == name && c.Page {
				return SeverityPage
			}
			if c.Name == name {
				return SeverityTicket
			}
		}
		for _, g := range gens {
			if g.Name == name {
				return SeverityDashboard
			}
		}
	}
	return ""
}

// defaultSpec is the built-in spec, read once for AlarmSeverity.
var defaultSpec = sync.OnceValues(func() (*Spec, error) { return DefaultSpec(nil) })

// AlarmSeverity is Severity of the built-in spec (alarms/slos.yaml), as a
// string: what chaos and the simulators count notifications by. An
// alarm it does not know, or a built-in spec that does not load (a test
// of slos.yaml fails then), has none.
func AlarmSeverity(name string) string {
	spec, err := defaultSpec()
	if err != nil {
		return ""
	}
	return string(spec.Severity(name))
}
