package alarms_test

import (
	"strings"
	"testing"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/topology"
)

// Every alarm template.yaml deploys links a runbook under RunbookBaseUrl
// and a saved query that exists, and DescriptionLinks reads both; the
// incident alarms link the runbooks' index, their children's
// descriptions the rest.
func TestDescriptionLinksOfTheDeployedAlarms(t *testing.T) {
	const base = "https://runbooks.example/rb"
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: map[string]string{"RunbookBaseUrl": base}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, r := range top.Resources {
		if r.Type != "AWS::CloudWatch::Alarm" && r.Type != "AWS::CloudWatch::CompositeAlarm" {
			continue
		}
		n++
		desc, _ := r.Properties["AlarmDescription"].(string)
		l := alarms.DescriptionLinks(desc)
		if !strings.HasPrefix(l.Runbook, base+"/") || !strings.HasSuffix(l.Runbook, ".md") {
			t.Errorf("%s: runbook %q from %q", id, l.Runbook, desc)
		}
		if strings.HasPrefix(id, "Incident") && l.Query == "" && strings.HasSuffix(l.Runbook, "/README.md") {
			continue
		}
		if _, err := queries.Get(l.Query); err != nil {
			t.Errorf("%s: query %q from %q: %v", id, l.Query, desc, err)
		}
	}
	if n == 0 {
		t.Fatal("template.yaml has no alarm")
	}
}

func TestDescriptionLinksWithoutLinks(t *testing.T) {
	if l := alarms.DescriptionLinks("an alarm someone made by hand"); l != (alarms.Links{}) {
		t.Errorf("links %+v", l)
	}
	l := alarms.DescriptionLinks("Runbook: https://x/a.md")
	if l.Runbook != "https://x/a.md" || l.Query != "" {
		t.Errorf("links %+v", l)
	}
}
