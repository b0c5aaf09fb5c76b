package runbooks

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/queries"
)

func runbooks(t *testing.T) map[string]string {
	files, _ := filepath.Glob("*.md")
	out := map[string]string{}
	for _, f := range files {
		if f == "README.md" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(f, ".md")] = string(b)
	}
	return out
}

// Every alarm has a runbook, and every runbook belongs to an alarm or an
// incident type of docs/INCIDENTS.md.
func TestEveryAlarmHasARunbookAndViceVersa(t *testing.T) {
	rb := runbooks(t)
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	owned := map[string]bool{}
	for _, s := range spec.SLOs {
		owned[s.Runbook] = true
		if rb[s.Runbook] == "" {
			t.Errorf("SLO %s: no runbook %s.md", s.Name, s.Runbook)
		}
	}
	for _, a := range alarms.SLOAlarms(spec) {
		owned[a.Runbook] = true
		if rb[a.Runbook] == "" {
			t.Errorf("alarm %s: no runbook %s.md", a.Name, a.Runbook)
		}
	}
	for _, s := range alarms.Symptoms(spec) {
		owned[s.Incident] = true
		if rb[s.Incident] == "" {
			t.Errorf("alarm %s: no runbook %s.md", s.Name, s.Incident)
		}
	}
	rows, _ := catalogue(t)
	for _, r := range rows {
		owned[r.id] = true
		if rb[r.id] == "" {
			t.Errorf("incident %s has no runbook", r.id)
		}
	}
	for name := range rb {
		if !owned[name] {
			t.Errorf("%s.md belongs to no alarm or incident", name)
		}
	}
}

var (
	queryRef   = regexp.MustCompile("`alchemiser query ([a-z-]+)")
	commandRef = regexp.MustCompile("`alchemiser ([a-z]+)(?: ([a-z]+))?")
	linkRef    = regexp.MustCompile(`\]\(([^)]+\.md)\)`)
	sections   = []string{"**Symptoms.**", "**Impact.**", "## First five minutes", "## Saved queries", "## Dashboard", "## Remediation", "## Escalation", "## Verify recovery"}
)

// Every saved query, command and link a runbook names exists, and every
// runbook has the sections of the template.
func TestRunbooksNameOnlyWhatExists(t *testing.T) {
	rb := runbooks(t)
	bin := filepath.Join(t.TempDir(), "alchemiser")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/alchemiser").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	checked := map[string]bool{}
	names := make([]string, 0, len(rb))
	for n := range rb {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		text := rb[name]
		for _, s := range sections {
			if !strings.Contains(text, s) {
				t.Errorf("%s.md has no %q section", name, s)
			}
		}
		for _, m := range queryRef.FindAllStringSubmatch(text, -1) {
			if _, err := queries.Get(m[1]); err != nil {
				t.Errorf("%s.md: %v", name, err)
			}
		}
		for _, m := range commandRef.FindAllStringSubmatch(text, -1) {
			args := []string{m[1]}
			if m[2] != "" && m[1] != "query" && m[1] != "trace" { // those take arguments, not subcommands
				args = append(args, m[2])
			}
			key := strings.Join(args, " ")
			if checked[key] {
				continue
			}
			checked[key] = true
			if out, err := exec.Command(bin, append(args, "--help")...).CombinedOutput(); err != nil || !strings.Contains(string(out), "alchemiser "+key) {
				t.Errorf("%s.md names `alchemiser %s`, which does not exist: %s", name, key, out)
			}
		}
		for _, m := range linkRef.FindAllStringSubmatch(text, -1) {
			if _, err := os.Stat(m[1]); err != nil {
				t.Errorf("%s.md links %s, which does not exist", name, m[1])
			}
		}
	}
	if len(checked) < 4 {
		t.Errorf("only %d commands checked: %v", len(checked), checked)
	}
	checkTradingCommands(t, bin, rb)
}

var tradingRef = regexp.MustCompile("`alchemiser (trading [^`]*)`")

// checkTradingCommands runs every kill-switch command a runbook names as
// written, <stack> filled in, against an SSM endpoint that denies every
// call: each must get past its usage checks (exit 1 naming the AWS error,
// not 2), since a paged operator types it as it stands.
func checkTradingCommands(t *testing.T, bin string, rb map[string]string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AccessDeniedException","message":"denied"}`)
	}))
	defer srv.Close()
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+srv.URL, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=k",
		"AWS_SECRET_ACCESS_KEY=s", "AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null")
	halts := 0
	for name, text := range rb {
		for _, m := range tradingRef.FindAllStringSubmatch(text, -1) {
			line := strings.ReplaceAll(m[1], "<stack>", "alchemiser")
			if strings.ContainsAny(line, "<>") {
				t.Errorf("%s.md: `alchemiser %s` has a placeholder other than <stack>", name, m[1])
				continue
			}
			halts += strings.Count(line, "trading halt")
			cmd := exec.Command(bin, strings.Fields(line)...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "AccessDeniedException") {
				t.Errorf("%s.md: `alchemiser %s` as written: %v %s", name, m[1], err, out)
			}
		}
	}
	if halts == 0 {
		t.Error("no runbook says how to halt trading")
	}
}
