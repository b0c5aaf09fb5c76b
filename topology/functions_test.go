package topology

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFunctionsInTemplateOrder(t *testing.T) {
	top := loadTemplate(t)
	want := []string{"scheduler", "strategy", "portfolio", "execution", "notifications"}
	if got := top.FunctionNames(); !slices.Equal(got, want) {
		t.Errorf("FunctionNames %v, want %v", got, want)
	}
	for _, f := range top.OrderedFunctions() {
		name := FunctionName(f.LogicalID)
		if LogicalID(name) != f.LogicalID {
			t.Errorf("LogicalID(FunctionName(%s)) = %s", f.LogicalID, LogicalID(name))
		}
		if f.LogGroupID != LogicalID(name)[:len(f.LogicalID)-len("Function")]+"LogGroup" {
			t.Errorf("%s: log group resource %q", f.LogicalID, f.LogGroupID)
		}
		if f.MemoryMB != 256 { // Globals
			t.Errorf("%s: %d MB, want the Globals' 256", f.LogicalID, f.MemoryMB)
		}
	}
	if ex := top.Functions["ExecutionFunction"]; ex.Timeout != 300*time.Second {
		t.Errorf("execution timeout %v, want its own 300 s over the Globals' 60 s", ex.Timeout)
	}
}

// ReservedConcurrentExecutions comes from the ExecutionReservedConcurrency
// parameter; a function without it reserves none, and the parameter's 0
// removes the property (an If on ReservesConcurrency).
func TestReservedConcurrency(t *testing.T) {
	for _, tc := range []struct {
		param string
		want  int
	}{{"", 1}, {"3", 3}, {"0", -1}} {
		opts := Options{Parameters: map[string]string{}}
		if tc.param != "" {
			opts.Parameters["ExecutionReservedConcurrency"] = tc.param
		}
		top, err := LoadFile("../template.yaml", opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := top.Functions["ExecutionFunction"].ReservedConcurrency; got != tc.want {
			t.Errorf("ExecutionReservedConcurrency %q: execution reserves %d, want %d", tc.param, got, tc.want)
		}
		if got := top.Functions["StrategyFunction"].ReservedConcurrency; got != -1 {
			t.Errorf("strategy reserves %d, want none (-1)", got)
		}
	}
}

// makeFunctions is the Makefile's FUNCTIONS := list.
var makeFunctions = regexp.MustCompile(`(?m)^FUNCTIONS\s*:=(.*)$`)

// The Makefile builds one bootstrap per function of the template.
func TestMakefileBuildsTheTemplatesFunctions(t *testing.T) {
	src, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := makeFunctions.FindSubmatch(src)
	if m == nil {
		t.Fatal("the Makefile has no FUNCTIONS := line")
	}
	got := strings.Fields(string(m[1]))
	if want := loadTemplate(t).FunctionNames(); !slices.Equal(got, want) {
		t.Errorf("Makefile FUNCTIONS %v; template.yaml's functions are %v", got, want)
	}
}
