package alarms

import "strings"

// Severities: what a human receives when an alarm changes state.
const (
	SeverityPage      = "page"      // someone acts now
	SeverityTicket    = "ticket"    // someone acts within working hours
	SeverityDashboard = "dashboard" // no notification: the alarm only shows
)

// Severity is the severity of the generated alarm called name (without
// the stack prefix, as GeneratedStates names it), derived from how the
// template routes it: an SLO's page and ticket composites notify its page
// and ticket routing (slos.yaml); its burn-rate alarms have no actions
// (the composites notify), so they only show; every symptom alarm
// (Symptoms) notifies AlarmTopic on its first breaching period, as a page
// does. It is the one place chaos and the simulators ask, so a declared
// per-incident severity can replace the derivation.
func Severity(name string) string {
	rest, slo := strings.CutPrefix(name, "slo-")
	switch {
	case !slo:
		return SeverityPage
	case strings.HasSuffix(rest, "-page"):
		return SeverityPage
	case strings.HasSuffix(rest, "-ticket"):
		return SeverityTicket
	default:
		return SeverityDashboard
	}
}
