package alarms

import (
	"fmt"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Notifications counts what the humans received from alarm states: the
// transitions into ALARM of the alarms of each severity (AlarmSeverity;
// dashboard-only alarms notify no one), and the transitions back to OK of
// those that had been in ALARM. CloudWatch runs an alarm's actions on
// each state change, and only then
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
// an evaluation starts in INSUFFICIENT_DATA only because it starts from
// scratch, where a deployed alarm sits in OK, so its first OK is no news.
// An alarm still in ALARM when the evaluation ends has sent no OK yet.
type Notifications struct {
	Page   int `json:"page"`
	Ticket int `json:"ticket"`
	OK     int `json:"ok"`
}

func (n Notifications) String() string {
	return fmt.Sprintf("%d page, %d ticket, %d ok", n.Page, n.Ticket, n.OK)
}

// CountNotifications counts the notifications the alarm states send,
// each alarm's severity given by severity (AlarmSeverity for the
// generated alarms).
func CountNotifications(states map[string][]cwalarm.Sample, severity func(alarm string) string) Notifications {
	var n Notifications
	for name, samples := range states {
		sev := severity(name)
		if sev != string(SeverityPage) && sev != string(SeverityTicket) {
			continue
		}
		alarmed, ok := Notified(samples)
		if sev == string(SeverityPage) {
			n.Page += alarmed
		} else {
			n.Ticket += alarmed
		}
		n.OK += ok
	}
	return n
}

// Notified counts an alarm's changes into ALARM, and back to OK from
// ALARM (through INSUFFICIENT_DATA or not): the notifications it sends
// when it has actions.
func Notified(samples []cwalarm.Sample) (alarmed, ok int) {
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
