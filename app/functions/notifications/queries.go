package main

import (
	"strings"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/topology"
)

// savedQueries resolves a saved query's name to the text template.yaml
// deploys (its parameters' defaults filled in) and the log groups of the
// stack named stack it runs over (/aws/lambda/<stack>-<function>, every
// function's when the query names none), for the Logs Insights link of
// an alarm notification.
func savedQueries(stack string) func(name string) (string, []string, bool) {
	return func(name string) (string, []string, bool) {
		s, err := queries.Get(name)
		if err != nil {
			return "", nil, false
		}
		text, err := s.Query(nil)
		if err != nil {
			return "", nil, false
		}
		fns := s.LogGroups
		if len(fns) == 0 {
			all, err := alchemiser.Functions()
			if err != nil {
				return "", nil, false
			}
			for _, f := range all {
				fns = append(fns, topology.FunctionName(f.LogicalID))
			}
		}
		groups := make([]string, len(fns))
		for i, fn := range fns {
			groups[i] = "/aws/lambda/" + stack + "-" + fn
		}
		return strings.TrimSpace(text), groups, true
	}
}
