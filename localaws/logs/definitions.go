package logs

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/topology"
)

// QueryDefinition is a saved Logs Insights query, as
// AWS::Logs::QueryDefinition deploys it.
type QueryDefinition struct {
	ID            string   `json:"queryDefinitionId"`
	Name          string   `json:"name"`
	QueryString   string   `json:"queryString"`
	LogGroupNames []string `json:"logGroupNames,omitempty"`
}

// SavedDefinitions are package queries' saved queries as template.yaml
// deploys them (queries.TemplateSection): named by DeployedName, the
// query with its parameters' defaults and the trailing newline of the
// template's literal block, over the log groups of the functions its
// header names (all of template.yaml's functions when it names none).
// Each id is derived from the name, so it is the same in every run.
func SavedDefinitions() ([]QueryDefinition, error) {
	all, err := queries.All()
	if err != nil {
		return nil, err
	}
	fns, err := alchemiser.Functions()
	if err != nil {
		return nil, err
	}
	groups := map[string]string{}
	var every []string
	for _, f := range fns {
		groups[topology.FunctionName(f.LogicalID)] = f.LogGroup
		every = append(every, f.LogGroup)
	}
	out := make([]QueryDefinition, 0, len(all))
	for _, s := range all {
		text, err := s.Query(nil)
		if err != nil {
			return nil, err
		}
		def := QueryDefinition{ID: definitionID(s.DeployedName()), Name: s.DeployedName(), QueryString: text + "\n", LogGroupNames: every}
		if len(s.LogGroups) > 0 {
			def.LogGroupNames = nil
			for _, fn := range s.LogGroups {
				g, ok := groups[fn]
				if !ok {
					return nil, fmt.Errorf("%s: log-groups: template.yaml has no function %q", s.File, fn)
				}
				def.LogGroupNames = append(def.LogGroupNames, g)
			}
		}
		out = append(out, def)
	}
	return out, nil
}

// definitionID is a UUID-shaped id from the definition's name.
func definitionID(name string) string {
	b := sha256.Sum256([]byte(name))
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type describeQueryDefinitionsIn struct {
	QueryDefinitionNamePrefix *string `json:"queryDefinitionNamePrefix"`
	MaxResults                *int32  `json:"maxResults"`
	NextToken                 *string `json:"nextToken"`
}

type describeQueryDefinitionsOut struct {
	QueryDefinitions []QueryDefinition `json:"queryDefinitions"`
	NextToken        *string           `json:"nextToken,omitempty"`
}

// describeQueryDefinitions lists the saved queries whose names start
// with the prefix, in name order, 1,000 at most a page
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueryDefinitions.html).
func (l *Logs) describeQueryDefinitions(_ context.Context, in *describeQueryDefinitionsIn) (*describeQueryDefinitionsOut, error) {
	limit, err := checkLimit("maxResults", in.MaxResults, 1, 1000, 1000)
	if err != nil {
		return nil, err
	}
	off, err := offsetOf("DescribeQueryDefinitions", in.NextToken)
	if err != nil {
		return nil, err
	}
	var all []QueryDefinition
	for _, d := range l.defs {
		if in.QueryDefinitionNamePrefix == nil || strings.HasPrefix(d.Name, *in.QueryDefinitionNamePrefix) {
			all = append(all, d)
		}
	}
	defs, next := page("DescribeQueryDefinitions", all, off, limit)
	return &describeQueryDefinitionsOut{QueryDefinitions: nonNil(defs), NextToken: next}, nil
}
