// Command gencatalogue writes the metric catalogue files.
package main

import (
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/app/metrics"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalogue:", err)
		os.Exit(1)
	}
}

func run() error {
	c := metrics.All()
	if err := c.Validate(); err != nil {
		return err
	}
	raw, err := c.JSON(metrics.Namespace)
	if err != nil {
		return err
	}
	if err := os.WriteFile("catalogue.json", raw, 0o644); err != nil {
		return err
	}
	return os.WriteFile("../../docs/metrics.md", c.Markdown(metrics.Namespace), 0o644)
}
