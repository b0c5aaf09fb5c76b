package queries

import (
	"fmt"
	"strings"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/internal/cfnyaml"
	"github.com/alchemiser/alchemiser/topology"
)

// Markers delimit the generated part of template.yaml.
const (
	BeginMarker = "  # BEGIN saved queries: generated from queries/*.insights by `make generate`; do not edit"
	EndMarker   = "  # END saved queries"
)

// queryDefinition is an AWS::Logs::QueryDefinition's properties.
type queryDefinition struct {
	Name          cfnyaml.Quoted  `yaml:"Name"`
	LogGroupNames []cfnyaml.Ref   `yaml:"LogGroupNames"`
	QueryString   cfnyaml.Literal `yaml:"QueryString"`
}

// TemplateSection is every saved query as an AWS::Logs::QueryDefinition
// over its functions' log groups (template.yaml's log group resources),
// with the parameters' defaults filled in, between the markers.
func TemplateSection() (*cfnyaml.Section, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	groups, names, err := logGroups()
	if err != nil {
		return nil, err
	}
	sec := &cfnyaml.Section{Begin: BeginMarker, End: EndMarker}
	for _, s := range all {
		q, err := s.Query(nil)
		if err != nil {
			return nil, err
		}
		if len(q) > 10000 {
			return nil, fmt.Errorf("%s: the query is %d characters; QueryDefinition allows 10,000", s.File, len(q))
		}
		fns := s.LogGroups
		if len(fns) == 0 {
			fns = names
		}
		def := queryDefinition{Name: cfnyaml.Quoted(s.DeployedName()), QueryString: cfnyaml.Literal(q + "\n")}
		for _, fn := range fns {
			id := groups[fn]
			if id == "" {
				return nil, fmt.Errorf("%s: log-groups: template.yaml has no function %q with a log group resource (%s)", s.File, fn, strings.Join(names, ", "))
			}
			def.LogGroupNames = append(def.LogGroupNames, cfnyaml.Ref(id))
		}
		sec.Add(logicalID(s), "AWS::Logs::QueryDefinition", def)
	}
	return sec, nil
}

// logGroups are the logical ids of the template's functions' log groups
// by function name (scheduler), and the names in template order.
func logGroups() (map[string]string, []string, error) {
	fns, err := alchemiser.Functions()
	if err != nil {
		return nil, nil, err
	}
	groups := map[string]string{}
	var names []string
	for _, f := range fns {
		name := topology.FunctionName(f.LogicalID)
		groups[name] = f.LogGroupID
		names = append(names, name)
	}
	return groups, names, nil
}

// logicalID is a query's resource name: WorkflowFailedQueryV1.
func logicalID(s *Saved) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s.Name, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return fmt.Sprintf("%sQueryV%d", b.String(), s.Version)
}
