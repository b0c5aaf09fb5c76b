package chaos

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Notifications are what the humans received from a run's alarms
// (alarms.CountNotifications), evaluated until 20 minutes after the run's
// last metric.
type Notifications = alarms.Notifications

// notifiers are the incident alarms' notifications over states, each
// as "name STATE (children)", in the order they were sent: the detail
// of a notification count.
func notifiers(spec *alarms.Spec, states map[string][]cwalarm.Sample) []string {
	var out []string
	for _, n := range alarms.Notices(spec, states) {
		out = append(out, fmt.Sprintf("%s %s (%s)", n.Alarm, n.State, strings.Join(n.Triggering, ", ")))
	}
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
