package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

// Markers delimit the generated dashboards in template.yaml.
const (
	BeginMarker = "  # BEGIN dashboards: generated from dashboards/ by `make generate`; do not edit"
	EndMarker   = "  # END dashboards"
)

// FileName is where a dashboard's body is written: operations.json for
// the overview.
func (d *Dashboard) FileName() string {
	if d.Name == "" {
		return "operations.json"
	}
	return d.Name + ".json"
}

// DashboardName is the deployed name, as a !Sub string.
func (d *Dashboard) DashboardName() string {
	if d.Name == "" {
		return "Alchemiser-" + Stack
	}
	return "Alchemiser-" + Stack + "-" + d.Name
}

// Body is the dashboard's JSON, indented, as written to its file.
func (d *Dashboard) Body() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.FileName(), err)
	}
	return b.Bytes(), nil
}

// subVariable is a ${...} of a !Sub string.
var subVariable = regexp.MustCompile(`\$\{[^}]*\}`)

// cfnRefs are the variables the dashboards leave for !Sub to resolve.
var cfnRefs = map[string]bool{Region: true, Stack: true, Account: true, Runbook: true, Partition: true}

// EscapeSub makes s a !Sub string that resolves to s: every ${X} that is
// not one of cfnRefs becomes ${!X}, which !Sub writes as a literal ${X}.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
func EscapeSub(s string) string {
	return subVariable.ReplaceAllStringFunc(s, func(v string) string {
		if cfnRefs[v] {
			return v
		}
		return "${!" + v[2:]
	})
}

// dashboard is an AWS::CloudWatch::Dashboard's properties.
type dashboard struct {
	DashboardName cfnyaml.Sub       `yaml:"DashboardName"`
	DashboardBody cfnyaml.QuotedSub `yaml:"DashboardBody"`
}

// TemplateSection is the dashboards' resources for template.yaml, between
// the markers, a blank line after each. The body is the compact JSON in
// ASCII (asciiJSON), escaped for !Sub (EscapeSub).
func TemplateSection(ds []*Dashboard) (*cfnyaml.Section, error) {
	s := &cfnyaml.Section{Begin: BeginMarker, End: EndMarker, Spaced: true}
	for _, d := range ds {
		compact, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("could not write dashboard %s: %w", d.FileName(), err)
		}
		id := "OperationsDashboard"
		if d.Name != "" {
			id = strings.ToUpper(d.Name[:1]) + d.Name[1:] + "Dashboard"
		}
		s.Add(id, "AWS::CloudWatch::Dashboard", dashboard{DashboardName: cfnyaml.Sub(d.DashboardName()),
			DashboardBody: cfnyaml.QuotedSub(EscapeSub(asciiJSON(compact)))})
	}
	return s, nil
}

// asciiJSON writes every non-ASCII character of a JSON text as a \u
// escape (they only occur inside strings), so the deployed body is plain
// ASCII. rain's Fn::Sub parser, which the template tests resolve bodies
// with, peeks at the next rune by byte offset and misreads "${!" after a
// multi-byte character; CloudFormation itself would not mind.
func asciiJSON(b []byte) string {
	var out strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			out.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, "\\u%04x\\u%04x", r1, r2)
		default:
			fmt.Fprintf(&out, "\\u%04x", r)
		}
	}
	return out.String()
}
