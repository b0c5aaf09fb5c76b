// Command gentemplate writes the SLO alarms of alarms/slos.yaml into
// template.yaml (between the markers).
package main

import (
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/alarms"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gentemplate slos.yaml template.yaml")
		os.Exit(2)
	}
	spec, err := alarms.LoadSpec(os.Args[1], nil)
	if err == nil {
		var src []byte
		if src, err = os.ReadFile(os.Args[2]); err == nil {
			var out string
			if out, err = alarms.Splice(string(src), alarms.TemplateSection(spec)); err == nil {
				err = os.WriteFile(os.Args[2], []byte(out), 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentemplate:", err)
		os.Exit(1)
	}
}
