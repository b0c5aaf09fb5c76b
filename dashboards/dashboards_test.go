package dashboards

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/topology"
)

func spec(t *testing.T) *alarms.Spec {
	t.Helper()
	s, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func all(t *testing.T) []*Dashboard {
	t.Helper()
	ds, err := All(spec(t))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestGeneratedFilesAreCurrent(t *testing.T) {
	ds := all(t)
	for _, d := range ds {
		want, err := d.Body()
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(d.FileName())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("dashboards/%s is stale: run make generate", d.FileName())
		}
	}
	sec, err := TemplateSection(ds)
	if err != nil {
		t.Fatal(err)
	}
	section, err := sec.Text()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, _ := os.ReadFile("../template.yaml")
	if !strings.Contains(string(tmpl), section) {
		t.Error("template.yaml's dashboards are stale: run make generate")
	}
}

// TestTemplateDeploysTheFiles resolves the template's DashboardBody !Sub
// strings with rain's parser, as CloudFormation would, and compares them
// with the files: the escaping of dynamic labels (${SUM} written ${!SUM})
// is right, and nothing else of the body changed on the way.
func TestTemplateDeploysTheFiles(t *testing.T) {
	top, err := topology.LoadFile("../template.yaml", topology.Options{StackName: "prod", Region: "eu-west-1", Account: "123456789012",
		Parameters: map[string]string{"RunbookBaseUrl": "https://example.com/runbooks"}})
	if err != nil {
		t.Fatal(err)
	}
	refs := strings.NewReplacer(Stack, "prod", Region, "eu-west-1", Account, "123456789012", Runbook, "https://example.com/runbooks", Partition, "aws")
	labels := 0
	for _, d := range all(t) {
		id := "OperationsDashboard"
		if d.Name == "investigation" {
			id = "InvestigationDashboard"
		}
		res, ok := top.Resources[id]
		if !ok {
			t.Fatalf("template.yaml has no %s", id)
		}
		if name := res.Properties["DashboardName"]; name != refs.Replace(d.DashboardName()) {
			t.Errorf("%s: DashboardName %v", id, name)
		}
		deployed, _ := res.Properties["DashboardBody"].(string)
		file, _ := os.ReadFile(d.FileName())
		labels += strings.Count(string(file), "${SUM}")
		var got, want any
		if err := json.Unmarshal([]byte(deployed), &got); err != nil {
			t.Fatalf("%s: the deployed body is not JSON: %v", id, err)
		}
		if err := json.Unmarshal([]byte(refs.Replace(string(file))), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the deployed body differs from %s once !Sub resolves it", id, d.FileName())
		}
	}
	if labels == 0 {
		t.Error("no dynamic label in the dashboards: the escaping is not exercised")
	}
}

func TestEscapeSub(t *testing.T) {
	for in, want := range map[string]string{
		"${AWS::StackName}-x":           "${AWS::StackName}-x",
		"started (${SUM})":              "started (${!SUM})",
		"${PROP('Dim.FunctionName')}":   "${!PROP('Dim.FunctionName')}",
		"${RunbookBaseUrl}/a.md ${MAX}": "${RunbookBaseUrl}/a.md ${!MAX}",
		"no variables":                  "no variables",
	} {
		if got := EscapeSub(in); got != want {
			t.Errorf("EscapeSub(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGridHasNoOverlapsAndFits(t *testing.T) {
	for _, d := range all(t) {
		for i, a := range d.Widgets {
			if a.X < 0 || a.Width < 1 || a.X+a.Width > 24 || a.Y < 0 || a.Height < 1 {
				t.Errorf("%s widget %d off the grid: %+v", d.FileName(), i, a)
			}
			for j, b := range d.Widgets[:i] {
				if a.X < b.X+b.Width && b.X < a.X+a.Width && a.Y < b.Y+b.Height && b.Y < a.Y+a.Height {
					t.Errorf("%s widgets %d and %d overlap", d.FileName(), j, i)
				}
			}
		}
	}
}

func TestOperationsCoversTheIssueList(t *testing.T) {
	body, err := all(t)[0].Body()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"WorkflowsStarted", "WorkflowsCompleted", "WorkflowsFailed", "WorkflowDuration", "EventsPublished",
		"PublishFailures", "events-dlq", "failed-invocations", "Invocations", "Errors", "Duration", "ColdStart", "LambdaInitDuration",
		"BrokerLatency", "BrokerErrors", "OrdersSubmitted", "OrdersFilled", "OrdersRejected", "IncomingBytes", "ErrorBudgetRemaining",
		"Error budget remaining", "slo-budget-exhausted-ticket", "slo-data-missing-ticket"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("the operations dashboard has no %s", want)
		}
	}
}

// The dashboards name the functions and their log groups as the
// template does.
func TestFunctionNamesAreTheTemplates(t *testing.T) {
	top, err := topology.LoadFile("../template.yaml", topology.Options{StackName: "stk"})
	if err != nil {
		t.Fatal(err)
	}
	fns := functions(spec(t))
	if !reflect.DeepEqual(fns, top.FunctionNames()) {
		t.Errorf("functions %v, template %v", fns, top.FunctionNames())
	}
	for _, fn := range fns {
		f := top.Functions[topology.LogicalID(fn)]
		name := strings.ReplaceAll(functionName(fn), Stack, "stk")
		if f == nil || f.Name != name || f.LogGroup != "/aws/lambda/"+name {
			t.Errorf("%s: dashboards say %s, template %+v", fn, name, f)
		}
	}
}

// The investigation widgets of one workflow's queries are not empty for
// good: their correlation id is a dashboard variable, and a widget lists
// the latest workflows to paste one from.
func TestInvestigationAsksForTheCorrelationID(t *testing.T) {
	var inv *Dashboard
	for _, d := range all(t) {
		if d.Name == "investigation" {
			inv = d
		}
	}
	var pattern string
	for _, v := range inv.Variables {
		if v.ID == "correlation_id" && v.Type == "pattern" && v.InputType == "input" && v.Visible {
			pattern = v.Pattern
		}
	}
	if pattern == "" {
		t.Fatalf("no visible correlation_id input variable: %+v", inv.Variables)
	}
	latest := false
	for _, w := range inv.Widgets {
		p, ok := w.Properties.(LogProps)
		if !ok {
			continue
		}
		if strings.Contains(p.Query, `= ""`) {
			t.Errorf("%s: a filter on an empty value finds nothing, ever: %s", p.Title, p.Query)
		}
		for _, name := range []string{"workflow-steps:", "workflow-trace:"} {
			if strings.HasPrefix(p.Title, name) && !strings.Contains(p.Query, pattern) {
				t.Errorf("%s does not take the correlation id variable", name)
			}
		}
		latest = latest || strings.HasPrefix(p.Title, "Latest workflows")
	}
	if !latest {
		t.Error("no widget lists the latest workflows")
	}
}
