package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadDashboardForms(t *testing.T) {
	dir := t.TempDir()
	body := `{"widgets":[{"type":"text","x":0,"y":0,"width":6,"height":2,"properties":{"markdown":"hi"}}]}`
	files := map[string]string{
		"plain.json":   body,
		"object.json":  `{"DashboardName":"named","DashboardBody":` + body + `}`,
		"string.json":  `{"DashboardName":"quoted","DashboardBody":` + quote(body) + `}`,
		"unnamed.json": `{"DashboardBody":` + body + `}`,
	}
	want := map[string]string{"plain.json": "plain", "object.json": "named", "string.json": "quoted", "unnamed.json": "unnamed"}
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := ReadDashboard(path)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != want[name] {
			t.Errorf("%s: name %q, want %q", name, d.Name, want[name])
		}
		b, _, err := parseBody(d.Body, func(s string) string { return s })
		if err != nil || len(b.Widgets) != 1 || b.Widgets[0].Type != "text" {
			t.Errorf("%s: body %+v, %v", name, b, err)
		}
	}
	if _, err := ReadDashboard(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file reads")
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestParseBodySubstitutes(t *testing.T) {
	tmpl := "Parameters:\n  RunbookBaseUrl:\n    Type: String\n    Default: https://runbooks\n" +
		"Resources:\n  Bus:\n    Type: AWS::Events::EventBus\n    Properties:\n      Name: !Sub ${AWS::StackName}-bus\n"
	st, err := newStack([]byte(tmpl), "stk", "eu-west-1", "123")
	if err != nil {
		t.Fatal(err)
	}
	src := `{"variables":[{"type":"pattern","pattern":"STAGE","defaultValue":"${AWS::StackName}"},
		{"type":"property","property":"FunctionName","defaultValue":"${AWS::StackName}-fn"}],
	"widgets":[{"type":"text","properties":{"markdown":"STAGE in ${AWS::Region}/${AWS::AccountId}: ${RunbookBaseUrl} ${Bus} ${Bus.Arn} ${SUM} ${Unknown}"}}]}`
	b, props, err := parseBody([]byte(src), st.subst)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b.Widgets[0].Properties), `{"markdown":"stk in eu-west-1/123: https://runbooks stk-bus arn:aws:events:eu-west-1:123:event-bus/stk-bus ${SUM} ${Unknown}"}`; got != want {
		t.Errorf("properties\n got %s\nwant %s", got, want)
	}
	if props["FunctionName"] != "stk-fn" {
		t.Errorf("property variables %v", props)
	}
}

// The stack's own template resolves every dimension of the symptom alarms.
func TestStackResolvesTheRealTemplate(t *testing.T) {
	st, err := newStack(Config{}.withDefaults().Template, DefaultStackName, DefaultRegion, DefaultAccountID)
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string]string{
		"!Ref ExecutionFunction":                   "alchemiser-execution",
		"!GetAtt FailedInvocationsQueue.QueueName": "alchemiser-failed-invocations",
		"!Ref ExecutionLogGroup":                   "/aws/lambda/alchemiser-execution",
	} {
		if got, err := st.resolve(expr); err != nil || got != want {
			t.Errorf("resolve(%q) = %q, %v; want %q", expr, got, err, want)
		}
	}
}

func FuzzParseBody(f *testing.F) {
	f.Add(`{"widgets":[{"type":"metric","properties":{"metrics":[["A","B"]]}}],"variables":[{"type":"pattern","pattern":"A","defaultValue":"B"}]}`)
	f.Add(`{"widgets":[]}`)
	f.Fuzz(func(t *testing.T, src string) {
		b, _, err := parseBody([]byte(src), func(s string) string { return s })
		if err == nil && b == nil {
			t.Fatal("no body and no error")
		}
	})
}
