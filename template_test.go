package alchemiser

import (
	"testing"

	"github.com/alchemiser/alchemiser/topology"
)

func TestFunctions(t *testing.T) {
	fns, err := Functions()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fns {
		names = append(names, topology.FunctionName(f.LogicalID))
	}
	if len(names) != 5 || names[0] != "scheduler" || names[4] != "notifications" {
		t.Errorf("functions %v, want the workflow's five in order", names)
	}
	fns[0].LogicalID = "Changed"
	if again, _ := Functions(); again[0].LogicalID != "SchedulerFunction" {
		t.Error("a caller's change reached the next caller")
	}
}
