package dashboards_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/dashboards/validate"
)

// TestMutationsOfTheGeneratedDashboardsAreRejected: the generated bodies
// pass the validator, and each realistic mistake made to them is reported
// once, at its widget and JSON path, with a message that names it.
func TestMutationsOfTheGeneratedDashboardsAreRejected(t *testing.T) {
	known, err := validate.KnownFromRepo("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	load := func(file string) map[string]any {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatal(err)
		}
		if errs := validate.Validate(file, b, known); len(errs) > 0 {
			t.Fatalf("%s does not pass: %v", file, errs)
		}
		return body
	}
	widget := func(body map[string]any, title string) (int, map[string]any) {
		for i, w := range body["widgets"].([]any) {
			w := w.(map[string]any)
			if p, _ := w["properties"].(map[string]any); p != nil && strings.HasPrefix(fmt.Sprint(p["title"]), title) {
				return i, w
			}
		}
		t.Fatalf("no widget titled %q", title)
		return 0, nil
	}
	row := func(w map[string]any, i int) []any {
		return w["properties"].(map[string]any)["metrics"].([]any)[i].([]any)
	}
	cases := []struct {
		name, file, title string
		mutate            func(w map[string]any)
		path, msg         string // path relative to the widget
	}{
		{"a metric the code does not emit", "operations.json", "Workflows started", func(w map[string]any) {
			row(w, 0)[1] = "WorkflowStarted"
		}, "/properties/metrics/0", "Alchemiser/WorkflowStarted is not in the catalogue (did you mean WorkflowsStarted?)"},
		{"a dimension set the code does not emit", "operations.json", "Orders submitted", func(w map[string]any) {
			r := row(w, 0)
			w["properties"].(map[string]any)["metrics"].([]any)[0] = append(r[:4:4], "symbol", "SPY", r[4])
		}, "/properties/metrics/0", "with dimensions [service,symbol]: the code emits [service], [function,service,side]"},
		{"a broken saved query", "investigation.json", "workflow-failed", func(w map[string]any) {
			p := w["properties"].(map[string]any)
			p["query"] = strings.Replace(p["query"].(string), "stats ", "stats count(*) as n, ", 1) + " | sort by"
		}, "/properties/query", `Logs Insights query: unexpected keyword "by"`},
		{"a widget off the grid", "operations.json", "Broker latency", func(w map[string]any) {
			w["x"], w["width"] = 20.0, 8.0
		}, "/width", "off the 24-column grid: x 20 + width 8 = 28"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := load(c.file)
			i, w := widget(body, c.title)
			c.mutate(w)
			b, _ := json.Marshal(body)
			errs := validate.Validate(c.file, b, known)
			var mine []validate.Error
			for _, e := range errs {
				if e.Widget == i {
					mine = append(mine, e)
				}
			}
			if len(mine) == 0 {
				t.Fatalf("not rejected; errors: %v", errs)
			}
			e := mine[0]
			if !strings.HasPrefix(e.Path, "/widgets/"+itoa(i)+c.path) || !strings.Contains(e.Msg, c.msg) || e.Line == 0 {
				t.Errorf("got %v, want widget %d path %s… and a message with %q", e, i, c.path, c.msg)
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
