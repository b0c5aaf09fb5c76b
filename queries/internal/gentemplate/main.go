// Command gentemplate writes the saved queries into template.yaml as
// AWS::Logs::QueryDefinition resources (between the markers).
package main

import (
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/queries"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gentemplate path/to/template.yaml")
		os.Exit(2)
	}
	src, err := os.ReadFile(os.Args[1])
	if err == nil {
		var section, out string
		if section, err = queries.TemplateSection(); err == nil {
			if out, err = queries.Splice(string(src), section); err == nil {
				err = os.WriteFile(os.Args[1], []byte(out), 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentemplate:", err)
		os.Exit(1)
	}
}
