package queries

import (
	"fmt"
	"strings"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/topology"
)

// Markers delimit the generated part of template.yaml.
const (
	BeginMarker = "  # BEGIN saved queries: generated from queries/*.insights by `make generate`; do not edit"
	EndMarker   = "  # END saved queries"
)

// TemplateSection renders every saved query as an
// AWS::Logs::QueryDefinition over its functions' log groups, with the
// parameters' defaults filled in.
func TemplateSection() (string, error) {
	all, err := All()
	if err != nil {
		return "", err
	}
	groups, names, err := logGroups()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(BeginMarker + "\n")
	for _, s := range all {
		q, err := s.Query(nil)
		if err != nil {
			return "", err
		}
		if len(q) > 10000 {
			return "", fmt.Errorf("%s: the query is %d characters; QueryDefinition allows 10,000", s.File, len(q))
		}
		fns := s.LogGroups
		if len(fns) == 0 {
			fns = names
		}
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::Logs::QueryDefinition\n    Properties:\n", logicalID(s))
		fmt.Fprintf(&b, "      Name: %q\n      LogGroupNames:\n", s.DeployedName())
		for _, fn := range fns {
			id := groups[fn]
			if id == "" {
				return "", fmt.Errorf("%s: log-groups: template.yaml has no function %q with a log group resource (%s)", s.File, fn, strings.Join(names, ", "))
			}
			fmt.Fprintf(&b, "        - !Ref %s\n", id)
		}
		b.WriteString("      QueryString: |\n")
		for _, line := range strings.Split(q, "\n") {
			b.WriteString("        " + line + "\n")
		}
	}
	b.WriteString(EndMarker + "\n")
	return b.String(), nil
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

// Splice replaces the generated section of a template (or inserts it
// before Outputs:).
func Splice(template, section string) (string, error) {
	if i := strings.Index(template, BeginMarker); i >= 0 {
		j := strings.Index(template, EndMarker)
		if j < i {
			return "", fmt.Errorf("template.yaml has %q without %q", BeginMarker, EndMarker)
		}
		return template[:i] + section + template[j+len(EndMarker)+1:], nil
	}
	i := strings.Index(template, "\nOutputs:")
	if i < 0 {
		return "", fmt.Errorf("template.yaml has no Outputs: section to insert the saved queries before")
	}
	return template[:i+1] + "\n" + section + template[i+1:], nil
}
