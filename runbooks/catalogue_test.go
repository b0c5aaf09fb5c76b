package runbooks

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	alarmspkg "github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/queries"
)

const cataloguePath = "../docs/INCIDENTS.md"

// incidentRow is one row of the catalogue's table.
type incidentRow struct {
	id        string
	alarms    []string // may hold <function>
	query     string   // link target, relative to docs/
	runbook   string   // link target, relative to docs/
	scenarios []string
}

var (
	codeSpan     = regexp.MustCompile("`([^`]+)`")
	linkTo       = regexp.MustCompile(`\]\(([^)]+)\)`)
	functionName = regexp.MustCompile(`^[a-z]+$`)
)

// catalogue reads the incident table of docs/INCIDENTS.md: the rows
// after the header that starts with "| Incident |".
func catalogue(t *testing.T) (rows []incidentRow, text string) {
	t.Helper()
	raw, err := os.ReadFile(cataloguePath)
	if err != nil {
		t.Fatal(err)
	}
	in := false
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "| Incident |"):
			in = true
		case !in || strings.HasPrefix(line, "|---"):
		case !strings.HasPrefix(line, "|"):
			in = false
		default:
			rows = append(rows, parseRow(t, line))
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no incident table", cataloguePath)
	}
	return rows, string(raw)
}

func parseRow(t *testing.T, line string) incidentRow {
	t.Helper()
	cells := strings.Split(strings.Trim(line, "|"), "|")
	if len(cells) != 6 {
		t.Fatalf("%s: want 6 cells, got %d: %s", cataloguePath, len(cells), line)
	}
	spans := func(cell string) []string {
		var out []string
		for _, m := range codeSpan.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
		return out
	}
	link := func(cell string) string {
		if m := linkTo.FindStringSubmatch(cell); m != nil {
			return m[1]
		}
		return ""
	}
	id := spans(cells[0])
	if len(id) != 1 {
		t.Fatalf("%s: want one incident id in the first cell: %s", cataloguePath, line)
	}
	return incidentRow{id: id[0], alarms: spans(cells[2]), query: link(cells[3]), runbook: link(cells[4]), scenarios: spans(cells[5])}
}

// notifyingAlarms maps each alarm of template.yaml that reaches a human
// (without the stack prefix) to the saved query its description names:
// the incident it belongs to. Only the incident alarms have actions;
// an alarm reaches a human when an incident alarm's rule names it, in
// either branch of its condition.
func notifyingAlarms(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Properties struct {
				AlarmName        string    `yaml:"AlarmName"`
				AlarmDescription string    `yaml:"AlarmDescription"`
				AlarmActions     []string  `yaml:"AlarmActions"`
				AlarmRule        yaml.Node `yaml:"AlarmRule"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, r := range tpl.Resources {
		if len(r.Properties.AlarmActions) > 0 {
			rules = append(rules, scalars(&r.Properties.AlarmRule)...)
		}
	}
	out := map[string]string{}
	for id, r := range tpl.Resources {
		p := r.Properties
		named := slices.ContainsFunc(rules, func(rule string) bool { return strings.Contains(rule, `ALARM("${`+id+`}")`) })
		if p.AlarmName == "" || !named {
			continue
		}
		name := strings.TrimPrefix(p.AlarmName, "${AWS::StackName}-")
		_, query, ok := strings.Cut(p.AlarmDescription, " Query: ")
		if !ok {
			t.Errorf("template.yaml %s: description names no saved query: %s", id, p.AlarmDescription)
		}
		out[name] = query
	}
	if len(out) == 0 {
		t.Fatal("template.yaml: no alarm reaches a human")
	}
	return out
}

// scalars are the scalar values under n.
func scalars(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, scalars(c)...)
	}
	return out
}

// matchAlarm reports whether alarm is named by pattern, where <function>
// stands for any one function name.
func matchAlarm(pattern, alarm string) bool {
	before, after, ok := strings.Cut(pattern, "<function>")
	if !ok {
		return pattern == alarm
	}
	fn, hasPrefix := strings.CutPrefix(alarm, before)
	fn, hasSuffix := strings.CutSuffix(fn, after)
	return hasPrefix && hasSuffix && functionName.MatchString(fn)
}

// TestCatalogueRowsHaveAlarmQueryRunbookAndScenario checks each row of
// docs/INCIDENTS.md against what exists: its alarms in template.yaml, its
// saved query, its runbook and its chaos scenarios.
func TestCatalogueRowsHaveAlarmQueryRunbookAndScenario(t *testing.T) {
	rows, _ := catalogue(t)
	alarms := slices.Collect(maps.Keys(notifyingAlarms(t)))
	spec, err := alarmspkg.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	scenarios := map[string]chaos.Scenario{}
	for _, s := range chaos.Scenarios() {
		scenarios[s.Name] = s
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.id] {
			t.Errorf("incident %s: two rows", r.id)
		}
		seen[r.id] = true
		dashboardOnly := spec.Incidents[r.id] == alarmspkg.SeverityDashboard
		switch {
		case len(r.alarms) == 0 && !dashboardOnly:
			t.Errorf("incident %s: no alarm", r.id)
		case len(r.alarms) > 0 && dashboardOnly:
			t.Errorf("incident %s is dashboard-only (alarms/slos.yaml) but names alarms %v", r.id, r.alarms)
		}
		for _, a := range r.alarms {
			if !slices.ContainsFunc(alarms, func(name string) bool { return matchAlarm(a, name) }) {
				t.Errorf("incident %s names alarm %s, which template.yaml does not have (or which notifies no one)", r.id, a)
			}
		}
		s, err := queries.Get(r.id)
		if err != nil || s.Incident != r.id {
			t.Errorf("incident %s: no saved query of that name and incident (%v)", r.id, err)
		} else if want := "../queries/" + s.File; r.query != want {
			t.Errorf("incident %s: query links %q, want %q", r.id, r.query, want)
		}
		if want := "../runbooks/" + r.id + ".md"; r.runbook != want {
			t.Errorf("incident %s: runbook links %q, want %q", r.id, r.runbook, want)
		} else if _, err := os.Stat(filepath.Join("..", "docs", r.runbook)); err != nil {
			t.Errorf("incident %s: %v", r.id, err)
		}
		if len(r.scenarios) == 0 {
			t.Errorf("incident %s: no chaos scenario", r.id)
		}
		for _, name := range r.scenarios {
			if sc, ok := scenarios[name]; !ok || sc.Incident != r.id {
				t.Errorf("incident %s names chaos scenario %s, which is not one of its scenarios (have %v)", r.id, name, chaos.Names())
			}
		}
	}
}

// TestEverythingBelongsToACatalogueRow checks the other direction: every
// notifying alarm, incident query, incident runbook and chaos scenario has
// its place in docs/INCIDENTS.md.
func TestEverythingBelongsToACatalogueRow(t *testing.T) {
	rows, text := catalogue(t)
	byID := map[string]incidentRow{}
	for _, r := range rows {
		byID[r.id] = r
	}
	alarmQuery := notifyingAlarms(t)
	for _, alarm := range slices.Sorted(maps.Keys(alarmQuery)) {
		query := alarmQuery[alarm]
		r, ok := byID[query]
		if !ok || !slices.ContainsFunc(r.alarms, func(p string) bool { return matchAlarm(p, alarm) }) {
			t.Errorf("alarm %s (query %s) is not in the alarms of incident %s", alarm, query, query)
		}
	}
	all, err := queries.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if _, ok := byID[s.Incident]; !ok && (s.Incident != "any" || !strings.Contains(text, "`"+s.Name+"`")) {
			t.Errorf("saved query %s (incident %s) belongs to no incident of the catalogue", s.Name, s.Incident)
		}
	}
	for name := range runbooks(t) {
		if _, ok := byID[name]; !ok && !strings.HasPrefix(name, "slo-") {
			t.Errorf("runbook %s.md belongs to no incident of the catalogue", name)
		}
	}
	for _, s := range chaos.Scenarios() {
		r, ok := byID[s.Incident]
		switch {
		case s.Incident == "" && !strings.Contains(text, "`"+s.Name+"`"):
			t.Errorf("chaos scenario %s (no incident) is not in the catalogue", s.Name)
		case s.Incident != "" && (!ok || !slices.Contains(r.scenarios, s.Name)):
			t.Errorf("chaos scenario %s is not in the scenarios of incident %s", s.Name, s.Incident)
		}
	}
}
