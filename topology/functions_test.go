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
