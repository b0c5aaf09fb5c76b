package queries

import (
	"os"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/internal/cfnyaml"
)

var incidents = []string{"workflow-failed", "workflow-stuck", "workflow-slow", "workflow-not-started", "event-dead-lettered",
	"handler-error", "lambda-timeout", "cold-start-spike", "broker-degraded", "order-rejected", "duplicate-delivery",
	"publish-failed", "poison-event", "log-volume-spike"}

func TestEveryIncidentHasASavedQueryThatParses(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]bool{}
	for _, s := range all {
		by[s.Incident] = true
		if s.Description == "" {
			t.Errorf("%s has no description", s.File)
		}
	}
	for _, id := range incidents {
		if !by[id] {
			t.Errorf("incident %s has no saved query", id)
		}
	}
	if _, err := Get("workflow-trace"); err != nil {
		t.Error(err)
	}
}

func TestHeaderAndParameterErrors(t *testing.T) {
	for src, want := range map[string]string{
		"# name: x\n# incident: y\nfields a":                   "needs # version",
		"# version: 1\n# incident: y\n# colour: red\nfields a": "x.insights:3: unknown header \"colour\"",
		"# version: 1\n# incident: y\nfilter a = {{b}}":        "placeholder {{b}} is not a declared parameter",
		"# version: 1\n# incident: y\nfilter a = ":             "x.insights:3:11: unexpected end of query",
		"# version: one\n# incident: y\nfields a":              "version \"one\" is not a whole number",
	} {
		_, err := ParseFile("x.insights", src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
	s, err := ParseFile("p.insights", "# version: 2\n# incident: i\n# param: n = 5  how many\nlimit {{n}}")
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Query(nil); q != "limit 5" {
		t.Errorf("default not applied: %q", q)
	}
	if q, _ := s.Query(map[string]string{"n": "7"}); q != "limit 7" {
		t.Errorf("value not applied: %q", q)
	}
	if _, err := s.Query(map[string]string{"m": "1"}); err == nil {
		t.Error("an unknown parameter is accepted")
	}
	r, err := ParseFile("r.insights", "# version: 1\n# incident: i\n# param: id =  the workflow's id\n# param: n = 5  how many\nfilter x = \"{{id}}\" | limit {{n}}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(map[string]string{"n": "3"}); err == nil || !strings.Contains(err.Error(), "--param id=VALUE (the workflow's id)") {
		t.Errorf("a run without the required parameter: %v", err)
	}
	if q, err := r.Run(map[string]string{"id": "C1"}); err != nil || q != `filter x = "C1" | limit 5` {
		t.Errorf("Run = %q, %v", q, err)
	}
	if q, _ := r.Query(nil); q != `filter x = "" | limit 5` {
		t.Errorf("the deployed form is %q", q)
	}
	if s.DeployedName() != "Alchemiser/i/p v2" {
		t.Errorf("deployed name %q", s.DeployedName())
	}
}

// template.yaml deploys exactly the saved queries (make generate).
func TestTemplateDeploysTheSavedQueries(t *testing.T) {
	src, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	section, err := TemplateSection()
	if err != nil {
		t.Fatal(err)
	}
	want, err := cfnyaml.Splice(string(src), section)
	if err != nil {
		t.Fatal(err)
	}
	if want != string(src) {
		t.Error("template.yaml's saved queries are out of date: run make generate")
	}
	all, _ := All()
	for _, s := range all {
		if !strings.Contains(string(src), "Name: \""+s.DeployedName()+"\"") {
			t.Errorf("%s is not deployed", s.DeployedName())
		}
	}
}
