// Command gendashboards writes the dashboards' bodies to DIR/<name>.json
// and their resources into template.yaml (between the markers).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/dashboards"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: gendashboards slos.yaml template.yaml DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "gendashboards:", err)
		os.Exit(1)
	}
}

func run(slos, template, dir string) error {
	spec, err := alarms.LoadSpec(slos, nil)
	if err != nil {
		return err
	}
	ds, err := dashboards.All(spec)
	if err != nil {
		return err
	}
	for _, d := range ds {
		body, err := d.Body()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, d.FileName()), body, 0o644); err != nil {
			return err
		}
	}
	section, err := dashboards.TemplateSection(ds)
	if err != nil {
		return err
	}
	return cfnyaml.SpliceFile(template, section)
}
