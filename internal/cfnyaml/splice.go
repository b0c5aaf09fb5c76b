package cfnyaml

import (
	"fmt"
	"os"
	"strings"
)

// Splice puts section s into template: it replaces the lines from s's
// begin marker to its end marker (both included), or inserts the section
// before Outputs: when the template has no begin marker yet.
func Splice(template string, s *Section) (string, error) {
	text, err := s.Text()
	if err != nil {
		return "", err
	}
	if i := strings.Index(template, s.Begin); i >= 0 {
		j := strings.Index(template[i:], s.End)
		if j < 0 {
			return "", fmt.Errorf("could not splice: the template has %q without %q after it", s.Begin, s.End)
		}
		rest := template[i+j+len(s.End):]
		return template[:i] + text + strings.TrimPrefix(rest, "\n"), nil
	}
	i := strings.Index(template, "\nOutputs:")
	if i < 0 {
		return "", fmt.Errorf("could not splice: the template has neither %q nor an Outputs: section to insert it before", s.Begin)
	}
	return template[:i+1] + "\n" + text + template[i+1:], nil
}

// SpliceFile splices section s into the template file at path (the
// generators' `go generate` step).
func SpliceFile(path string, s *Section) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("could not read the template: %w", err)
	}
	out, err := Splice(string(src), s)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		return fmt.Errorf("could not write the template: %w", err)
	}
	return nil
}
