package topology

import (
	"sort"
	"strings"
)

// functionSuffix ends the logical id of every function of template.yaml:
// function "scheduler" is SchedulerFunction.
const functionSuffix = "Function"

// LogicalID is the logical id of the function called name in
// template.yaml: "scheduler" → "SchedulerFunction".
func LogicalID(name string) string {
	if name == "" {
		return functionSuffix
	}
	return strings.ToUpper(name[:1]) + name[1:] + functionSuffix
}

// FunctionName is the short name of the function with logicalID, the name
// the code, the Makefile and the metrics' function dimension use:
// "SchedulerFunction" → "scheduler". It is LogicalID's inverse.
func FunctionName(logicalID string) string {
	name := strings.TrimSuffix(logicalID, functionSuffix)
	if name == "" {
		return ""
	}
	return strings.ToLower(name[:1]) + name[1:]
}

// OrderedFunctions are the template's functions in template order, which
// template.yaml keeps in the workflow's order (scheduler first).
func (t *Topology) OrderedFunctions() []*Function {
	out := make([]*Function, 0, len(t.Functions))
	for _, f := range t.Functions {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].LogicalID < out[j].LogicalID
	})
	return out
}

// FunctionNames are the short names (FunctionName) of the template's
// functions, in template order.
func (t *Topology) FunctionNames() []string {
	fns := t.OrderedFunctions()
	out := make([]string, len(fns))
	for i, f := range fns {
		out[i] = FunctionName(f.LogicalID)
	}
	return out
}
