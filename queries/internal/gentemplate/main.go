// Command gentemplate writes the saved queries into template.yaml as
// AWS::Logs::QueryDefinition resources (between the markers).
package main

import (
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/internal/cfnyaml"
	"github.com/alchemiser/alchemiser/queries"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gentemplate path/to/template.yaml")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gentemplate:", err)
		os.Exit(1)
	}
}

func run(template string) error {
	section, err := queries.TemplateSection()
	if err != nil {
		return err
	}
	return cfnyaml.SpliceFile(template, section)
}
