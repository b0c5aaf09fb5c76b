// Package alchemiser holds the kit's AWS topology, template.yaml, so the
// local stack runs the very file that is deployed, and the functions it
// declares, which the alarms, dashboards and saved queries are generated
// for.
package alchemiser

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/alchemiser/alchemiser/topology"
)

// Template is template.yaml, the single source of the AWS topology.
//
//go:embed template.yaml
var Template []byte

// functions are Template's functions, read once.
var functions = sync.OnceValues(func() ([]topology.Function, error) {
	top, err := topology.Load("template.yaml", Template, topology.Options{})
	if err != nil {
		return nil, fmt.Errorf("could not load the embedded template: %w", err)
	}
	var out []topology.Function
	for _, f := range top.OrderedFunctions() {
		out = append(out, *f)
	}
	return out, nil
})

// Functions are template.yaml's functions in template order, which is
// the workflow's (scheduler first), resolved with topology's default
// options (stack alchemiser, us-east-1). The template is read once; each
// call returns a new slice, whose functions share their Env maps: read
// them, do not change them.
func Functions() ([]topology.Function, error) {
	fns, err := functions()
	return slices.Clone(fns), err
}
