package alarms

import (
	"fmt"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// Notifications counts what the humans received from the incident
// alarms (Notices): their ALARM notifications by severity, and their
// returns to OK.
type Notifications struct {
	Page   int `json:"page"`
	Ticket int `json:"ticket"`
	OK     int `json:"ok"`
}

func (n Notifications) String() string {
	return fmt.Sprintf("%d page, %d ticket, %d ok", n.Page, n.Ticket, n.OK)
}

// CountNotifications counts the notifications the incident alarms send
// when their children's states are states (Notices). CloudWatch runs an
// alarm's actions on each state change, and only then
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
// only the incident composites have actions.
func CountNotifications(spec *Spec, states map[string][]cwalarm.Sample) Notifications {
	var n Notifications
	for _, x := range Notices(spec, states) {
		switch {
		case x.State == cwalarm.OK:
			n.OK++
		case x.Severity == SeverityPage:
			n.Page++
		case x.Severity == SeverityTicket:
			n.Ticket++
		}
	}
	return n
}

// Notified counts an alarm's changes into ALARM, and back to OK from
// ALARM (through INSUFFICIENT_DATA or not): the notifications it would
// send if it had actions of its own.
func Notified(samples []cwalarm.Sample) (alarmed, ok int) {
	for _, a := range cwalarm.Actions(samples, nil, nil) {
		if a.State == cwalarm.Alarm {
			alarmed++
		} else {
			ok++
		}
	}
	return alarmed, ok
}
