package main

import (
	"fmt"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/dashboards"
	"github.com/alchemiser/alchemiser/dashboards/render"
	"github.com/alchemiser/alchemiser/topology"
)

// The repository's files a command reads by default (the SLO spec, the
// template, the dashboards) are built into the binary, so every command
// works from any directory: an empty flag means the built-in file, a
// path is read from disk.

// builtinTemplate names the built-in template.yaml in messages.
const builtinTemplate = "template.yaml (built in)"

// loadSpec reads the SLO spec at path, or the built-in alarms/slos.yaml.
func loadSpec(path string) (*alarms.Spec, error) {
	if path == "" {
		return alarms.DefaultSpec(nil)
	}
	return alarms.LoadSpec(path, nil)
}

// loadTemplate reads the template at path, or the built-in template.yaml.
func loadTemplate(path string, opts topology.Options) (*topology.Topology, error) {
	if path == "" {
		return topology.Load(builtinTemplate, alchemiser.Template, opts)
	}
	return topology.LoadFile(path, opts)
}

// builtinDashboards are the generated dashboards built into the binary.
func builtinDashboards() ([]render.Dashboard, error) {
	bodies, err := dashboards.Generated()
	if err != nil {
		return nil, fmt.Errorf("could not read the built-in dashboards: %w", err)
	}
	out := make([]render.Dashboard, len(bodies))
	for i, b := range bodies {
		out[i] = render.Dashboard{Name: b.Name, Body: b.JSON}
	}
	return out, nil
}
