package chaos

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// The data-missing ticket, evaluated by the local evaluator on real runs:
// a run whose EMF lines are lost (every point of the Alchemiser namespace
// dropped; the platform's metrics remain, as Lambda's would) trips it; a
// clean run and a run on a Saturday and a holiday, whose workflows end
// market_closed, do not.
func TestDataMissingTicket(t *testing.T) {
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	const name = "slo-data-missing-ticket"
	for _, c := range []struct {
		scenario string
		drop     bool
		fires    bool
	}{
		{"clean", false, false},
		{"market-holiday", false, false},
		{"clean", true, true},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		if rep := run(t, c.scenario, Options{Dir: dir}); !rep.Pass {
			t.Fatalf("%s did not pass its invariants", c.scenario)
		}
		emf, err := alarms.RunMetrics(dir)
		if err != nil {
			t.Fatal(err)
		}
		if c.drop {
			emf = slices.DeleteFunc(emf, func(p cwalarm.EMFPoint) bool { return p.Namespace == spec.Namespace })
		}
		states, err := statesOf(spec, emf)
		if err != nil {
			t.Fatal(err)
		}
		samples := states[name]
		fired := slices.ContainsFunc(samples, func(s cwalarm.Sample) bool { return s.State == cwalarm.Alarm })
		if fired != c.fires {
			t.Errorf("%s (EMF dropped: %v): %s fired %v, want %v", c.scenario, c.drop, name, fired, c.fires)
		}
		if alarmed, _ := alarms.Notified(samples); c.fires && alarmed != 1 {
			t.Errorf("%s: %d tickets, want one", c.scenario, alarmed)
		}
	}
}
