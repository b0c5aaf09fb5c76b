package chaos

import (
	"context"
	"path/filepath"
	"testing"
	"testing/synctest"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/internal/memnet"
)

// Prepare gives a stack with the scenario's fault and the caller's
// options, which runs its workflows without the scenario's checks.
func TestPrepareInjectsTheScenariosFault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, err := Named("workflow-failed")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Prepare(context.Background(), sc, Options{}); err == nil {
			t.Error("Prepare without a run directory succeeded")
		}
		dir := filepath.Join(t.TempDir(), "run")
		var asked bool
		on := func(context.Context) (bool, error) { asked = true; return true, nil }
		cs, err := Prepare(context.Background(), sc, Options{Dir: dir, Workflows: 1, Network: memnet.Listen()}, local.WithTradingEnabled(on))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := cs.Run(context.Background())
		cs.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.RunDir != dir || len(rep.Results) != 1 || rep.Results[0].Status != "failed" {
			t.Errorf("report %+v, want one failed workflow in %s", rep, dir)
		}
		if !asked {
			t.Error("the caller's kill switch was not read")
		}
	})
}
