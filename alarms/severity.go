package alarms

import "strings"

// AlarmSeverity is the severity of the generated alarm called name (without
// the stack prefix, as GeneratedStates names it), derived from how the
// template routes it: an SLO's page and ticket composites notify its page
// and ticket routing (slos.yaml); its burn-rate alarms have no actions
// (the composites notify), so they only show; every symptom alarm
// (Symptoms) notifies AlarmTopic on its first breaching period, as a page
// does (Severity's values). It is the one place chaos and the simulators ask, so a declared
// per-incident severity can replace the derivation.
func AlarmSeverity(name string) string {
	rest, slo := strings.CutPrefix(name, "slo-")
	switch {
	case !slo:
		return string(SeverityPage)
	case strings.HasSuffix(rest, "-page"):
		return string(SeverityPage)
	case strings.HasSuffix(rest, "-ticket"):
		return string(SeverityTicket)
	default:
		return string(SeverityDashboard)
	}
}
