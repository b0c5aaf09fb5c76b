package chaos

import (
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
)

// A scenario that sends other notifications than it declares fails the
// check, naming the alarms that sent them.
func TestNotifiedCatchesAnUndeclaredPage(t *testing.T) {
	rep := run(t, "clean", Options{Workflows: 1, SpecEdit: func(s *alarms.Spec) { s.Symptoms.LogEventsPerHour = 1 }})
	c := rep.Check(NotifiedAsDeclared)
	if c.Pass || rep.AlarmNotifications.Ticket == 0 {
		t.Fatalf("%s; sent %s", c, rep.AlarmNotifications)
	}
	t.Log(c)
}
