package logs

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/alchemiser/alchemiser/chaos"
)

// The tests read testdata/run, the log groups of a local-stack run in
// which every order was rejected (so the workflow-failed saved query has
// rows). go test -run TestFixture -update writes it anew.
var update = flag.Bool("update", false, "rewrite testdata/run from a local-stack run")

const fixtureRun = "testdata/run"

func TestFixture(t *testing.T) {
	if !*update {
		t.Skip("-update rewrites the fixture")
	}
	// On the wall clock, not in a synctest bubble: the events' timestamps
	// then spread over the run, which the time-range tests need.
	s, err := chaos.NewStack(context.Background(), chaos.StackConfig{Dir: t.TempDir(), Workflows: 3, Seed: 31})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Exchange.RejectSymbols(s.Dataset.Symbols()...)
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close() // flush the log groups
	if err := os.RemoveAll(fixtureRun); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(fixtureRun, "cloudwatch"), os.DirFS(filepath.Join(s.Dir, "cloudwatch"))); err != nil {
		t.Fatal(err)
	}
}
