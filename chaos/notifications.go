package chaos

import (
	"fmt"
	"maps"
	"slices"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Notifications counts what the humans received from a run's alarms: the
// transitions into ALARM of the alarms of each severity (alarms.AlarmSeverity;
// dashboard-only alarms notify no one), and the transitions back to OK of
// those that had been in ALARM. CloudWatch runs an alarm's actions on
// each state change, and only then
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
// the evaluation starts in INSUFFICIENT_DATA only because it starts from
// scratch, where a deployed alarm sits in OK, so its first OK is no news.
// An alarm still in ALARM when the evaluation ends (20 minutes after the
// run's last metric) has sent no OK yet.
type Notifications struct {
	Page   int `json:"page"`
	Ticket int `json:"ticket"`
	OK     int `json:"ok"`
}

func (n Notifications) String() string {
	return fmt.Sprintf("%d page, %d ticket, %d ok", n.Page, n.Ticket, n.OK)
}

// CountNotifications counts the notifications the alarm states send,
// each alarm's severity given by severity.
func CountNotifications(states map[string][]cwalarm.Sample, severity func(alarm string) string) Notifications {
	var n Notifications
	for name, samples := range states {
		sev := severity(name)
		if sev != string(alarms.SeverityPage) && sev != string(alarms.SeverityTicket) {
			continue
		}
		alarmed, ok := transitions(samples)
		if sev == string(alarms.SeverityPage) {
			n.Page += alarmed
		} else {
			n.Ticket += alarmed
		}
		n.OK += ok
	}
	return n
}

// transitions counts an alarm's changes into ALARM, and back to OK from
// ALARM (through INSUFFICIENT_DATA or not).
func transitions(samples []cwalarm.Sample) (alarmed, ok int) {
	last := cwalarm.OK
	for _, s := range samples {
		switch {
		case s.State == cwalarm.Alarm && last != cwalarm.Alarm:
			alarmed++
			last = cwalarm.Alarm
		case s.State == cwalarm.OK && last == cwalarm.Alarm:
			ok++
			last = cwalarm.OK
		}
	}
	return alarmed, ok
}

// notifiers are the alarms of states that sent a page or a ticket, each
// as "name (severity) xN", sorted: the detail of a notification count.
func notifiers(states map[string][]cwalarm.Sample, severity func(alarm string) string) []string {
	var out []string
	for name, samples := range states {
		sev := severity(name)
		if alarmed, _ := transitions(samples); alarmed > 0 && (sev == string(alarms.SeverityPage) || sev == string(alarms.SeverityTicket)) {
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
