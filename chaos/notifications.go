package chaos

import (
	"fmt"
	"maps"
	"slices"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Notifications are what the humans received from a run's alarms
// (alarms.CountNotifications), evaluated until 20 minutes after the run's
// last metric.
type Notifications = alarms.Notifications

// notifiers are the alarms of states that sent a page or a ticket, each
// as "name (severity) xN", sorted: the detail of a notification count.
func notifiers(states map[string][]cwalarm.Sample, severity func(alarm string) string) []string {
	var out []string
	for name, samples := range states {
		sev := severity(name)
		if alarmed, _ := alarms.Notified(samples); alarmed > 0 && (sev == string(alarms.SeverityPage) || sev == string(alarms.SeverityTicket)) {
			out = append(out, fmt.Sprintf("%s (%s) x%d", name, sev, alarmed))
		}
	}
	slices.Sort(out)
	return out
}

// without returns states less the alarms named.
func without(states map[string][]cwalarm.Sample, names []string) map[string][]cwalarm.Sample {
	out := maps.Clone(states)
	for _, n := range names {
		delete(out, n)
	}
	return out
}

// firedIn are the alarms of states that reached ALARM, sorted.
func firedIn(states map[string][]cwalarm.Sample) []string {
	var fired []string
	for name, samples := range states {
		if slices.ContainsFunc(samples, func(s cwalarm.Sample) bool { return s.State == cwalarm.Alarm }) {
			fired = append(fired, name)
		}
	}
	slices.Sort(fired)
	return fired
}
