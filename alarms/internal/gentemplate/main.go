// Command gentemplate writes the SLO alarms of alarms/slos.yaml into
// template.yaml (between the markers).
package main

import (
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gentemplate slos.yaml template.yaml")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gentemplate:", err)
		os.Exit(1)
	}
}

func run(slos, template string) error {
	spec, err := alarms.LoadSpec(slos, nil)
	if err != nil {
		return err
	}
	return cfnyaml.SpliceFile(template, alarms.TemplateSection(spec))
}
