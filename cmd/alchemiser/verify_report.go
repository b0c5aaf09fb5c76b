package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Statuses of a verify row. SKIP fails the verification unless the row
// allows it (skipOK).
const (
	verifyPass = "PASS"
	verifyFail = "FAIL"
	verifySkip = "SKIP"
)

// verifyRow is one check's result.
type verifyRow struct {
	Check    string   `json:"check"`
	Status   string   `json:"status"`
	Evidence []string `json:"evidence"`
	Console  []string `json:"console,omitempty"`
	Runbook  []string `json:"runbook,omitempty"`
	skipOK   bool
}

// evidence adds a line of evidence.
func (r *verifyRow) evidence(format string, args ...any) {
	r.Evidence = append(r.Evidence, fmt.Sprintf(format, args...))
}

// fail marks the row failed, with a line saying why.
func (r *verifyRow) fail(format string, args ...any) {
	r.Status = verifyFail
	r.evidence(format, args...)
}

// passes reports whether the row lets the verification pass.
func (r *verifyRow) passes() bool {
	return r.Status == verifyPass || (r.Status == verifySkip && r.skipOK)
}

// verifyReport is verify's output.
type verifyReport struct {
	Stack     string      `json:"stack"`
	Region    string      `json:"region"`
	At        time.Time   `json:"at"`
	Since     time.Time   `json:"since"`
	Triggered bool        `json:"triggered"`
	Workflow  string      `json:"correlation_id,omitempty"`
	Passed    bool        `json:"passed"`
	Rows      []verifyRow `json:"checks"`
}

// failed names the checks that did not pass.
func (r *verifyReport) failed() []string {
	var out []string
	for i := range r.Rows {
		if !r.Rows[i].passes() {
			out = append(out, r.Rows[i].Check)
		}
	}
	return out
}

func (r *verifyReport) markdown(w io.Writer) error {
	verdict := "PASSED"
	if !r.Passed {
		verdict = "FAILED: " + strings.Join(r.failed(), ", ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Verification of stack %s (%s)\n\n", r.Stack, r.Region)
	fmt.Fprintf(&b, "%s, data since %s", r.At.UTC().Format(time.RFC3339), r.Since.UTC().Format(time.RFC3339))
	if r.Workflow != "" {
		fmt.Fprintf(&b, ", workflow %s", r.Workflow)
		if r.Triggered {
			b.WriteString(" (dry run started by verify)")
		}
	}
	fmt.Fprintf(&b, ".\n\n**%s**\n\n| check | status | evidence |\n|---|---|---|\n", verdict)
	for _, row := range r.Rows {
		ev := row.Evidence
		for _, l := range row.Console {
			ev = append(ev, "[console]("+l+")")
		}
		for _, l := range row.Runbook {
			ev = append(ev, "runbook: "+l)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", row.Check, row.Status, mdCell(strings.Join(ev, "<br>")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell escapes what would end a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", "<br>").Replace(s)
}
