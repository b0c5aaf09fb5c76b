package local

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"testing/synctest"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/topology"
)

// TestFunctionsRunWithTheirTemplateMemoryAndRegion checks that each
// function's telemetry resource says what template.yaml deploys it with,
// not a value of the local stack's own.
func TestFunctionsRunWithTheirTemplateMemoryAndRegion(t *testing.T) {
	synctest.Test(t, testFunctionsRunWithTheirTemplateMemoryAndRegion)
}

func testFunctionsRunWithTheirTemplateMemoryAndRegion(t *testing.T) {
	top, traces := runOne(t, 3)
	seen := resources(t, traces)
	for _, fn := range top.FunctionNames() {
		f := top.Functions[topology.LogicalID(fn)]
		got, ok := seen[fn]
		if !ok {
			continue // the function did not run in this workflow (no span)
		}
		if want := strconv.Itoa(f.MemoryMB * 1024 * 1024); got["faas.max_memory"] != want {
			t.Errorf("%s: faas.max_memory %q, want %s (MemorySize %d MB in template.yaml)", fn, got["faas.max_memory"], want, f.MemoryMB)
		}
		if got["service.name"] != fn || got["service.namespace"] != "alchemiser" {
			t.Errorf("%s: service.name %q in namespace %q: each function is its own service", fn, got["service.name"], got["service.namespace"])
		}
		if got["cloud.region"] != top.Region {
			t.Errorf("%s: cloud.region %q, want %q", fn, got["cloud.region"], top.Region)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no spans: the test would check nothing")
	}
}

// runOne runs one workflow of seed in a bubble's stack and returns the
// template's topology and the run's traces.jsonl.
func runOne(t *testing.T, seed uint64) (*topology.Topology, string) {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{Workflows: 1, Seed: seed, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()))
	if err != nil || !rep.AllCompleted() {
		t.Fatalf("%v %+v", err, rep)
	}
	return top, filepath.Join(rep.RunDir, "traces.jsonl")
}

// resources is each function's resource attributes in traces.jsonl.
func resources(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, doc := range readTraces(t, path) {
		for _, rs := range doc.ResourceSpans {
			attrs := map[string]string{}
			for _, a := range rs.Resource.Attributes {
				attrs[a.Key] = a.Value.StringValue + a.Value.IntValue
			}
			out[attrs["faas.name"]] = attrs
		}
	}
	return out
}
