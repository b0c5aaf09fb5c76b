package runbooks

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// A step is one ```sh block of a runbook: a script an operator runs.
type step struct {
	section string // the ## heading it stands under
	line    int    // its first line in the runbook
	script  string
}

// Executed sections, in the order the executor runs them.
const (
	firstFive    = "First five minutes"
	remediation  = "Remediation"
	verification = "Verify recovery"
)

// steps reads the ```sh blocks of a runbook, in order, with the section
// each stands under. An unclosed block is an error naming its line.
func steps(name, text string) ([]step, error) {
	var out []step
	var section string
	var cur *step
	var indent string // of the open block's fence: a block in a list item is indented
	var body strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur != nil && trimmed == "```":
			cur.script = body.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(strings.TrimPrefix(line, indent) + "\n")
		case strings.HasPrefix(line, "## "):
			section = strings.TrimSpace(strings.TrimPrefix(line, "## "))
		case trimmed == "```sh":
			cur, indent = &step{section: section, line: n}, line[:strings.Index(line, "```")]
			body.Reset()
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: a ```sh block is not closed", name, cur.line)
	}
	return out, nil
}

// placeholder is a runbook's <name> placeholder.
var placeholder = regexp.MustCompile(`<([a-z][a-z ]*)>`)

// allowed are the placeholders a runbook may use: what a paged operator
// knows (the stack, the region, a workflow, the incident's window).
var allowed = map[string]bool{"stack": true, "region": true, "correlation id": true, "start": true, "end": true}

// fill replaces the placeholders of script with values; a placeholder
// that is not allowed, or has no value, is an error.
func fill(script string, values map[string]string) (string, error) {
	var bad []string
	out := placeholder.ReplaceAllStringFunc(script, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := values[name]
		if !allowed[name] || !ok {
			bad = append(bad, m)
			return m
		}
		return v
	})
	if len(bad) > 0 {
		return "", fmt.Errorf("placeholders %v: a runbook may use only <stack>, <region>, <correlation id>, <start> and <end>", bad)
	}
	return out, nil
}

func TestStepsAreTheShBlocksUnderTheirSections(t *testing.T) {
	text := "# T\n\n## First five minutes\n\n1. List:\n\n   ```sh\n   alchemiser dlq list --stack <stack>\n   ```\n\n" +
		"```go\nnot a step\n```\n\n## Remediation\n\n```sh\nalchemiser dlq redrive --stack <stack>\necho done\n```\n"
	got, err := steps("t.md", text)
	if err != nil {
		t.Fatal(err)
	}
	want := []step{{firstFive, 7, "alchemiser dlq list --stack <stack>\n"}, {remediation, 17, "alchemiser dlq redrive --stack <stack>\necho done\n"}}
	if len(got) != len(want) {
		t.Fatalf("steps %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := steps("t.md", "## A\n```sh\nnever closed\n"); err == nil || !strings.Contains(err.Error(), "t.md:2:") {
		t.Errorf("an unclosed block: %v", err)
	}
}

func TestFillAllowsOnlyTheOperatorsPlaceholders(t *testing.T) {
	values := map[string]string{"stack": "alchemiser", "region": "us-east-1", "correlation id": "01J", "start": "s", "end": "e"}
	got, err := fill("alchemiser trace <correlation id> --stack <stack> # <region> <start>..<end>", values)
	if err != nil || got != "alchemiser trace 01J --stack alchemiser # us-east-1 s..e" {
		t.Errorf("fill: %q %v", got, err)
	}
	if _, err := fill("alchemiser dlq redrive --queue-url <queue>", values); err == nil || !strings.Contains(err.Error(), "<queue>") {
		t.Errorf("<queue>: %v", err)
	}
	if _, err := fill("alchemiser trace <correlation id>", map[string]string{}); err == nil {
		t.Error("a placeholder without a value was filled")
	}
	// Shell redirections and comparisons are not placeholders.
	if got, err := fill("test 1 -lt 2 && echo x >out <in", values); err != nil || got != "test 1 -lt 2 && echo x >out <in" {
		t.Errorf("shell syntax: %q %v", got, err)
	}
}

// Every runbook's steps parse, and use only the allowed placeholders.
func TestEveryRunbookStepIsWellFormed(t *testing.T) {
	values := map[string]string{"stack": "s", "region": "r", "correlation id": "c", "start": "a", "end": "b"}
	for name, text := range runbooks(t) {
		list, err := steps(name+".md", text)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, s := range list {
			if _, err := fill(s.script, values); err != nil {
				t.Errorf("%s.md:%d: %v", name, s.line, err)
			}
		}
	}
}
