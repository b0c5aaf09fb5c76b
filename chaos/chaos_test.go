package chaos

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
)

// TestAllScenariosHoldEveryInvariant runs every scenario (a full chaos
// run) and checks, besides the invariants, that every EMF document the
// run wrote is one CloudWatch accepts.
func TestAllScenariosHoldEveryInvariant(t *testing.T) {
	docs := 0
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			rep := runInBubble(t, sc, Options{SpecFile: "../alarms/slos.yaml", Dir: dir})
			for _, c := range rep.Checks {
				t.Log(c)
				if !c.Pass {
					t.Errorf("%s: %s", sc.Name, c)
				}
			}
			docs += checkRunEMF(t, dir)
		})
	}
	if docs == 0 {
		t.Error("the chaos run wrote no EMF document")
	}
	t.Logf("%d EMF documents valid", docs)
}

func TestNamedListsTheScenariosOfAnUnknownName(t *testing.T) {
	_, err := Named("nope")
	if !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), "workflow-failed") {
		t.Errorf("Named(nope) = %v", err)
	}
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sc := range Scenarios() {
		if seen[sc.Name] {
			t.Errorf("scenario %s twice", sc.Name)
		}
		seen[sc.Name] = true
		dashboardOnly := spec.Incidents[sc.Incident] == alarms.SeverityDashboard
		if sc.Name != "clean" && sc.Absorbed == "" && sc.Invariant == nil && (len(sc.Alarms) == 0 && !dashboardOnly || sc.Query == "") {
			t.Errorf("scenario %s names no alarm or no query", sc.Name)
		}
		if dashboardOnly && (len(sc.Alarms) > 0 || sc.Notifications != (Notifications{})) {
			t.Errorf("scenario %s of dashboard-only incident %s expects alarms or notifications", sc.Name, sc.Incident)
		}
		if sc.Absorbed != "" && (len(sc.Alarms) > 0 || sc.Query != "" || sc.Incident != "") {
			t.Errorf("scenario %s absorbs its fault but expects an incident", sc.Name)
		}
	}
}
