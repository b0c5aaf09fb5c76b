package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
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
var cfnRefs = map[string]bool{Region: true, Stack: true, Account: true, Runbook: true}

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

// TemplateSection is the dashboards' resources for template.yaml, between
// the markers.
func TemplateSection(ds []*Dashboard) (string, error) {
	var b strings.Builder
	b.WriteString(BeginMarker + "\n")
	for _, d := range ds {
		compact, err := json.Marshal(d)
		if err != nil {
			return "", err
		}
		id := "OperationsDashboard"
		if d.Name != "" {
			id = strings.ToUpper(d.Name[:1]) + d.Name[1:] + "Dashboard"
		}
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::CloudWatch::Dashboard\n    Properties:\n", id)
		fmt.Fprintf(&b, "      DashboardName: !Sub %s\n", d.DashboardName())
		// A JSON string in a YAML double-quoted scalar: JSON's escapes are
		// YAML's, so the quoted form of the compact body is exact.
		quoted, _ := json.Marshal(EscapeSub(asciiJSON(compact)))
		fmt.Fprintf(&b, "      DashboardBody: !Sub %s\n\n", quoted)
	}
	b.WriteString(EndMarker + "\n")
	return b.String(), nil
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
