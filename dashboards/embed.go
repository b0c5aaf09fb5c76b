package dashboards

import (
	"embed"
	"strings"
)

// bodies are the generated dashboard bodies (make generate), built into
// the binary so commands run outside the repository have them.
//
//go:embed operations.json investigation.json
var bodies embed.FS

// Body is one generated dashboard body, by name.
type Body struct {
	Name string // operations, investigation
	JSON []byte // the DashboardBody, with the CloudFormation references left in
}

// Generated returns the generated dashboard bodies built into the
// binary: operations, then investigation.
func Generated() ([]Body, error) {
	var out []Body
	for _, name := range []string{"operations.json", "investigation.json"} {
		b, err := bodies.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Body{Name: strings.TrimSuffix(name, ".json"), JSON: b})
	}
	return out, nil
}
