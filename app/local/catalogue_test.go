package local

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"testing/synctest"

	"github.com/alchemiser/alchemiser/app/budgets"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
)

// TestEmittedMetricsMatchTheCatalogue runs workflows and checks that every
// EMF metric emitted is catalogued with exactly its declared dimension set
// (plus service), and that every happy-path metric was emitted.
func TestEmittedMetricsMatchTheCatalogue(t *testing.T) {
	synctest.Test(t, testEmittedMetricsMatchTheCatalogue)
}

func testEmittedMetricsMatchTheCatalogue(t *testing.T) {
	slos, err := budgets.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{Workflows: 2, Seed: 5, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()), WithBudgets(slos))
	if err != nil || !rep.AllCompleted() {
		t.Fatalf("%v %+v", err, rep)
	}
	cat := metrics.All()
	seen := map[string]bool{}
	for _, fn := range functionNames(t) {
		f, err := os.Open(filepath.Join(rep.RunDir, "logs", fn+".log"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if !telemetrytest.IsEMF(sc.Bytes()) {
				continue
			}
			m, err := telemetrytest.ValidateEMF(sc.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			dir := m["_aws"].(map[string]any)["CloudWatchMetrics"].([]any)[0].(map[string]any)
			var dims []string
			for _, d := range dir["Dimensions"].([]any)[0].([]any) {
				dims = append(dims, d.(string))
			}
			for _, md := range dir["Metrics"].([]any) {
				name := md.(map[string]any)["Name"].(string)
				spec, ok := cat.Lookup(name)
				if !ok {
					t.Errorf("%s emits %s, which is not in the catalogue", fn, name)
					continue
				}
				want := append([]string{"service"}, spec.Dimensions...)
				sort.Strings(want)
				if !slices.Equal(dims, want) {
					t.Errorf("%s emitted with dimensions %v, catalogue says %v", name, dims, want)
				}
				seen[name] = true
			}
		}
		f.Close()
	}
	for _, spec := range cat {
		if spec.HappyPath && !seen[spec.Name] {
			t.Errorf("happy-path metric %s was not emitted", spec.Name)
		}
	}
}
