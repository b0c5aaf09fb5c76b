package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	knownOnce sync.Once
	known     Known
	knownErr  error
)

// repoKnown is Known from the repository's template, loaded once.
func repoKnown(t testing.TB) Known {
	t.Helper()
	knownOnce.Do(func() { known, knownErr = KnownFromRepo("../../template.yaml") })
	if knownErr != nil {
		t.Fatal(knownErr)
	}
	return known
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestValidBodyPasses(t *testing.T) {
	if errs := Validate("valid.json", readFile(t, "testdata/valid.json"), repoKnown(t)); len(errs) != 0 {
		t.Errorf("valid.json: %d errors, want none:\n%s", len(errs), joinErrors(errs))
	}
}

// TestGeneratedDashboardsPass validates the dashboards the dashboards
// package generates (dashboards/*.json, committed).
func TestGeneratedDashboardsPass(t *testing.T) {
	files, _ := filepath.Glob("../*.json")
	if len(files) == 0 {
		t.Fatal("no generated dashboards in dashboards/: run make generate")
	}
	for _, f := range files {
		if errs := Validate(f, readFile(t, f), repoKnown(t)); len(errs) != 0 {
			t.Errorf("%s: %d errors, want none:\n%s", f, len(errs), joinErrors(errs))
		}
	}
}

func joinErrors(errs []Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

// body is a decoded dashboard to mutate.
type body map[string]any

func (d body) widget(i int) map[string]any {
	return d["widgets"].([]any)[i].(map[string]any)
}

func (d body) props(i int) map[string]any { return d.widget(i)["properties"].(map[string]any) }

func (d body) row(w, r int) []any { return d.props(w)["metrics"].([]any)[r].([]any) }

// options is the options object at the end of a metric row.
func (d body) options(w, r int) map[string]any {
	row := d.row(w, r)
	return row[len(row)-1].(map[string]any)
}

func (d body) setRow(w, r int, row ...any) { d.props(w)["metrics"].([]any)[r] = row }

func alarmARN(name string) string {
	return "arn:aws:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-" + name
}

// mutations each break the valid body in one way; each must yield exactly
// one error, with this path and message.
var mutations = []struct {
	name, path, msg string
	mutate          func(d body)
}{
	{"unknown metric name", "/widgets/5/properties/metrics/0",
		"metric Alchemiser/OrdersFiled is not in the catalogue (did you mean OrdersFilled?)",
		func(d body) { d.row(5, 0)[1] = "OrdersFiled" }},
	{"wrong dimension set", "/widgets/5/properties/metrics/0",
		"Alchemiser/OrdersFilled with dimensions [service,symbol]: the code emits [service], [function,service,side]",
		func(d body) {
			d.setRow(5, 0, "Alchemiser", "OrdersFilled", "service", "alchemiser", "symbol", "AAPL", map[string]any{"id": "filled"})
		}},
	{"AWS metric with a dimension subset", "/widgets/3/properties/metrics/6",
		"AWS/Events/FailedInvocations with dimensions [RuleName]: AWS publishes it with [EventBusName,RuleName]",
		func(d body) {
			d.setRow(3, 6, "AWS/Events", "FailedInvocations", "RuleName", "${AWS::StackName}-workflow-failed-to-notifications")
		}},
	{"unknown namespace", "/widgets/3/properties/metrics/5",
		"namespace AWS/SQSS is not one the stack publishes to (did you mean AWS/SQS?) (known: AWS/Events, AWS/Lambda, AWS/Logs, AWS/SQS, Alchemiser)",
		func(d body) { d.row(3, 5)[0] = "AWS/SQSS" }},
	{"bad stat", "/widgets/3/properties/metrics/0/4/stat",
		`stat "P99" is not a CloudWatch statistic (` + statSyntax + `); the one-number forms are lowercase: p99`,
		func(d body) { d.options(3, 0)["stat"] = "P99" }},
	{"bad range stat", "/widgets/3/properties/metrics/2/2/stat",
		`stat "TM(90%:10%)": the lower bound 90% is not below the upper bound 10%`,
		func(d body) { d.options(3, 2)["stat"] = "TM(90%:10%)" }},
	{"bad period", "/widgets/2/properties/period",
		"period 90 is not 1, 5, 10, 30 or a multiple of 60 seconds",
		func(d body) { d.props(2)["period"] = 90 }},
	{"widget off the grid", "/widgets/3/width",
		"the widget is off the 24-column grid: x 14 + width 12 = 26",
		func(d body) { d.widget(3)["x"] = 14 }},
	{"overlap", "/widgets/4",
		`widgets 2 and 4 overlap: this widget and widget 2 ("Workflows") both cover columns 0-7 of rows 10-10`,
		func(d body) { d.widget(4)["y"] = 10 }},
	{"x without y", "/widgets/0",
		"x and y go together: give both or neither (the default is the next free position)",
		func(d body) { delete(d.widget(0), "y") }},
	{"unknown widget type", "/widgets/0/type",
		`type "txt" is not a widget type (metric, text, log, alarm, explorer) (did you mean text?)`,
		func(d body) { d.widget(0)["type"] = "txt" }},
	{"missing region", "/widgets/4/properties/region", "region is required",
		func(d body) { delete(d.props(4), "region") }},
	{"misspelt property", "/widgets/4/properties/regoin",
		`a metric widget has no property "regoin" (did you mean region?); allowed: ` + strings.Join(metricWidgetFields, ", "),
		func(d body) { d.props(4)["regoin"] = "us-east-1" }},
	{"alarm annotation and metrics", "/widgets/4/properties/metrics",
		"a widget with an alarm annotation cannot also have metrics",
		func(d body) { d.props(4)["metrics"] = []any{[]any{"AWS/Lambda", "Errors"}} }},
	{"two annotation alarms", "/widgets/4/properties/annotations/alarms",
		"2 alarms: an alarm annotation holds at most one",
		func(d body) {
			d.props(4)["annotations"] = map[string]any{"alarms": []any{alarmARN("publish-failed"), alarmARN("lambda-timeout")}}
		}},
	{"bad fill", "/widgets/2/properties/annotations/horizontal/0/fill",
		`fill "between" is not one of above, below, none`,
		func(d body) {
			d.props(2)["annotations"].(map[string]any)["horizontal"].([]any)[0].(map[string]any)["fill"] = "between"
		}},
	{"bad expression id reference", "/widgets/5/properties/metrics/2/0/expression",
		`the expression uses "filed", which is not an id of this widget (did you mean filled?) (ids: filled, ratio, submitted)`,
		func(d body) { d.row(5, 2)[0].(map[string]any)["expression"] = "100 * filed / submitted" }},
	{"expression depends on itself", "/widgets/5/properties/metrics/2/0/expression",
		"the expression depends on itself: ratio -> ratio",
		func(d body) { d.row(5, 2)[0].(map[string]any)["expression"] = "100 * filled / ratio" }},
	{"duplicate id", "/widgets/2/properties/metrics/5/0/id",
		`id "success" is already the id of /widgets/2/properties/metrics/4`,
		func(d body) { d.row(2, 5)[0].(map[string]any)["id"] = "success" }},
	{"id not starting lowercase", "/widgets/5/properties/metrics/2/0/id",
		`id "Ratio" must start with a lowercase letter and hold only letters, digits and _`,
		func(d body) { d.row(5, 2)[0].(map[string]any)["id"] = "Ratio" }},
	{"dot in the first row", "/widgets/3/properties/metrics/0",
		`"." at position 0 repeats the previous metric's string there, but there is no previous metric`,
		func(d body) { d.row(3, 0)[0] = "." }},
	{"dimension without a value", "/widgets/3/properties/metrics/0",
		"dimension FunctionName has no value",
		func(d body) { d.setRow(3, 0, "AWS/Lambda", "Duration", "FunctionName") }},
	{"broken log query", "/widgets/6/properties/query",
		`Logs Insights query: unknown command "sortt" (line 3, column 3 after the SOURCE clauses)`,
		func(d body) {
			d.props(6)["query"] = strings.Replace(d.props(6)["query"].(string), "| sort", "| sortt", 1)
		}},
	{"unknown log group", "/widgets/6/properties/query",
		"log group /aws/lambda/${AWS::StackName}-stratgy is not declared in the template (did you mean /aws/lambda/${AWS::StackName}-strategy?)",
		func(d body) {
			d.props(6)["query"] = strings.Replace(d.props(6)["query"].(string), "-strategy", "-stratgy", 1)
		}},
	{"SOURCE clause without |", "/widgets/6/properties/query",
		"a SOURCE clause must end with |",
		func(d body) {
			d.props(6)["query"] = strings.Replace(d.props(6)["query"].(string), "-strategy' |", "-strategy'", 1)
		}},
	{"query without SOURCE", "/widgets/6/properties/query",
		"the query must start with the log groups to read: SOURCE '/aws/lambda/...' | ...",
		func(d body) { d.props(6)["query"] = "fields @message" }},
	{"unknown alarm", "/widgets/1/properties/alarms/0",
		"alarm ${AWS::StackName}-events-dlq-not-emty is not declared in the template",
		func(d body) { d.props(1)["alarms"].([]any)[0] = alarmARN("events-dlq-not-emty") }},
	{"not an alarm ARN", "/widgets/1/properties/alarms/0",
		`"arn:aws:sns:us-east-1:123456789012:alarms" is not an alarm ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)`,
		func(d body) { d.props(1)["alarms"].([]any)[0] = "arn:aws:sns:us-east-1:123456789012:alarms" }},
	{"too many alarms", "/widgets/1/properties/alarms",
		"101 alarms: an alarm widget holds 1 to 100",
		func(d body) {
			arns := make([]any, 101)
			for i := range arns {
				arns[i] = alarmARN("publish-failed")
			}
			d.props(1)["alarms"] = arns
		}},
	{"default not among the values", "/variables/0/defaultValue",
		`defaultValue "${AWS::StackName}-portfolio" is not one of the values`,
		func(d body) {
			d["variables"].([]any)[0].(map[string]any)["defaultValue"] = "${AWS::StackName}-portfolio"
		}},
	{"select without values", "/variables/0/values",
		"a select variable needs values, or a search with populateFrom",
		func(d body) { delete(d["variables"].([]any)[0].(map[string]any), "values") }},
	{"end without start", "/end", "end needs a start",
		func(d body) { delete(d, "start"); d["end"] = "2026-11-20T14:00:00Z" }},
	{"bad periodOverride", "/periodOverride", `periodOverride "always" is not one of auto, inherit`,
		func(d body) { d["periodOverride"] = "always" }},
	{"missing widgets", "/widgets", "widgets is required (it may be empty)",
		func(d body) { delete(d, "widgets"); delete(d, "variables") }},
	{"explorer on a resource type we have none of", "/widgets/7/properties/metrics/0/resourceType",
		"resourceType AWS::EC2::Instance: the stack publishes no metrics for it",
		func(d body) {
			d.props(7)["metrics"] = []any{map[string]any{"metricName": "CPUUtilization", "resourceType": "AWS::EC2::Instance"}}
		}},
}

func TestMutationsAreRejected(t *testing.T) {
	k := repoKnown(t)
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			src := mutate(t, m.mutate)
			errs := Validate("d.json", src, k)
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1:\n%s", len(errs), joinErrors(errs))
			}
			if e := errs[0]; e.Path != m.path || e.Msg != m.msg {
				t.Errorf("got  %s: %s\nwant %s: %s", e.Path, e.Msg, m.path, m.msg)
			}
		})
	}
}

// mutate applies f to the valid body and re-encodes it.
func mutate(t *testing.T, f func(body)) []byte {
	t.Helper()
	var d body
	if err := json.Unmarshal(readFile(t, "testdata/valid.json"), &d); err != nil {
		t.Fatal(err)
	}
	f(d)
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestErrorsPointIntoTheQuery checks that a query problem is reported at
// the raw bytes of the offending text, through the JSON escapes.
func TestErrorsPointIntoTheQuery(t *testing.T) {
	src := mutate(t, func(d body) {
		d.props(6)["query"] = strings.Replace(d.props(6)["query"].(string), "| sort", "| sortt", 1)
	})
	errs := Validate("d.json", src, repoKnown(t))
	if len(errs) != 1 {
		t.Fatalf("%d errors, want 1", len(errs))
	}
	off := bytes.Index(src, []byte("sortt"))
	if line, col := lineCol(src, off); errs[0].Line != line || errs[0].Col != col {
		t.Errorf("error at %d:%d, want %d:%d (the text sortt)", errs[0].Line, errs[0].Col, line, col)
	}
}

// TestSourceErrorsPointIntoTheQuery checks that a SOURCE clause's
// problem is reported at the raw bytes where it is.
func TestSourceErrorsPointIntoTheQuery(t *testing.T) {
	src := mutate(t, func(d body) {
		d.props(6)["query"] = strings.Replace(d.props(6)["query"].(string), "-strategy' |", "-strategy' fields", 1)
	})
	errs := Validate("d.json", src, repoKnown(t))
	if len(errs) != 1 {
		t.Fatalf("%d errors, want 1: %v", len(errs), errs)
	}
	off := bytes.Index(src, []byte("fields SOURCE"))
	if line, col := lineCol(src, off); errs[0].Line != line || errs[0].Col != col {
		t.Errorf("error at %d:%d, want %d:%d (the text after the group)", errs[0].Line, errs[0].Col, line, col)
	}
}

func TestSyntaxErrorHasLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"trailing comma", "{\n  \"widgets\": [\n    {\"type\": \"text\",}\n  ]\n}", 3, 21,
			"invalid JSON: invalid character '}' looking for beginning of object key string"},
		{"unclosed", "{\"widgets\": [", 1, 14, "invalid JSON: the body ends before the dashboard object is closed"},
		{"empty", "", 1, 1, "the body is empty: a dashboard is a JSON object"},
		{"two objects", "{\"widgets\": []}\n{}", 2, 1, "unexpected data after the dashboard object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := Validate("bad.json", []byte(tc.src), Known{})
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(errs), errs)
			}
			want := Error{File: "bad.json", Widget: -1, Line: tc.line, Col: tc.col, Msg: tc.msg}
			if errs[0] != want {
				t.Errorf("got  %+v\nwant %+v", errs[0], want)
			}
		})
	}
}

func TestDuplicateKeysAreReported(t *testing.T) {
	errs := Validate("d.json", []byte(`{"widgets": [], "widgets": []}`), Known{})
	if len(errs) != 1 || errs[0].Path != "/widgets" || errs[0].Col != 17 {
		t.Errorf("got %v, want one error at /widgets, column 17", errs)
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "d.json", Widget: 3, Title: "Orders", Path: "/widgets/3/properties/stat", Line: 7, Col: 9, Msg: "bad"},
			`d.json:7:9: widget 3 ("Orders") /widgets/3/properties/stat: bad`},
		{Error{File: "d.json", Widget: 0, Path: "/widgets/0/type", Line: 2, Col: 1, Msg: "bad"},
			`d.json:2:1: widget 0 /widgets/0/type: bad`},
		{Error{File: "d.json", Widget: -1, Line: 1, Col: 1, Msg: "bad"}, `d.json:1:1: bad`},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}
