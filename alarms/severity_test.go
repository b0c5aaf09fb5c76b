package alarms

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// incidentRow is the first cell of a row of the incident table of
// docs/INCIDENTS.md: "| `id` | ...".
var incidentRow = regexp.MustCompile("^\\| `([a-z-]+)` \\|")

// Every incident type of the catalogue declares its severity in
// alarms/slos.yaml, and the spec declares none the catalogue lacks.
func TestEveryIncidentHasASeverity(t *testing.T) {
	f, err := os.Open("../docs/INCIDENTS.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "| Incident |"):
			in = true
		case in && !strings.HasPrefix(line, "|"):
			in = false
		case in:
			if m := incidentRow.FindStringSubmatch(line); m != nil {
				ids = append(ids, m[1])
			}
		}
	}
	if len(ids) == 0 {
		t.Fatal("docs/INCIDENTS.md: no incident table")
	}
	sp := spec(t)
	for _, id := range ids {
		if _, ok := sp.Incidents[id]; !ok {
			t.Errorf("incident %s of docs/INCIDENTS.md declares no severity in alarms/slos.yaml (incidents:)", id)
		}
	}
	for id := range sp.Incidents {
		if !slices.Contains(ids, id) {
			t.Errorf("alarms/slos.yaml: incidents: %s is no incident of docs/INCIDENTS.md", id)
		}
	}
}

func TestSeverityMustBeKnown(t *testing.T) {
	src := []byte("service: a\nincidents:\n  workflow-failed: urgent\nslos: []\n")
	_, err := ParseSpec("slos.yaml", src, nil)
	if err == nil || !strings.Contains(err.Error(), `workflow-failed: severity "urgent"`) {
		t.Fatalf("got %v, want an error naming the incident and its severity", err)
	}
}
