package topology

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFunctionsInTemplateOrder(t *testing.T) {
	top := loadTemplate(t)
	want := []string{"scheduler", "strategy", "portfolio", "execution", "notifications"}
	if got := top.FunctionNames(); !slices.Equal(got, want) {
		t.Errorf("FunctionNames %v, want %v", got, want)
	}
	for _, f := range top.OrderedFunctions() {
		name := FunctionName(f.LogicalID)
		if LogicalID(name) != f.LogicalID {
			t.Errorf("LogicalID(FunctionName(%s)) = %s", f.LogicalID, LogicalID(name))
		}
		if f.LogGroupID != LogicalID(name)[:len(f.LogicalID)-len("Function")]+"LogGroup" {
			t.Errorf("%s: log group resource %q", f.LogicalID, f.LogGroupID)
		}
		if f.MemoryMB != 256 { // Globals
			t.Errorf("%s: %d MB, want the Globals' 256", f.LogicalID, f.MemoryMB)
		}
	}
	if ex := top.Functions["ExecutionFunction"]; ex.Timeout != 300*time.Second {
		t.Errorf("execution timeout %v, want its own 300 s over the Globals' 60 s", ex.Timeout)
	}
}

// makeFunctions is the Makefile's FUNCTIONS := list.
var makeFunctions = regexp.MustCompile(`(?m)^FUNCTIONS\s*:=(.*)$`)

// The Makefile builds one bootstrap per function of the template.
func TestMakefileBuildsTheTemplatesFunctions(t *testing.T) {
	src, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := makeFunctions.FindSubmatch(src)
	if m == nil {
		t.Fatal("the Makefile has no FUNCTIONS := line")
	}
	got := strings.Fields(string(m[1]))
	if want := loadTemplate(t).FunctionNames(); !slices.Equal(got, want) {
		t.Errorf("Makefile FUNCTIONS %v; template.yaml's functions are %v", got, want)
	}
}

func TestResolve(t *testing.T) {
	top := loadTemplate(t)
	for expr, want := range map[string]string{
		"!Ref ExecutionFunction":                   "alchemiser-execution",
		"!GetAtt FailedInvocationsQueue.QueueName": "alchemiser-failed-invocations",
		"!GetAtt EventsDLQ.Arn":                    "arn:aws:sqs:us-east-1:000000000000:alchemiser-events-dlq",
		"!Ref ExecutionLogGroup":                   "/aws/lambda/alchemiser-execution",
		"!Ref AWS::Region":                         "us-east-1",
		"!Ref RunbookBaseUrl":                      "https://github.com/alchemiser/alchemiser/blob/main/runbooks",
		"!Sub ${AWS::StackName}-${Bus}":            "alchemiser-alchemiser-bus",
		"{Ref: AlarmTopic}":                        "arn:aws:sns:us-east-1:000000000000:alchemiser-alarms",
		"literal":                                  "literal",
		"300":                                      "300",
	} {
		got, err := top.Resolve(expr)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", expr, got, err, want)
		}
	}
	for expr, want := range map[string]string{
		"!Ref Missing":             `could not resolve "!Ref Missing": Ref to "Missing": no such parameter or resource`,
		"!GetAtt Bus.Nope":         "no such resource or attribute",
		"!Join [a, b]":             "Fn::Join needs a list",
		"!GetAZs ''":               "Fn::GetAZs is not supported",
		"{a: 1}":                   "not a single value",
		"!Sub ${AWS::StackName":    "Fn::Sub",
		"[unclosed":                "could not resolve",
		"!Ref [ExecutionFunction]": "Ref to",
	} {
		if _, err := top.Resolve(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q): error %v, want %q", expr, err, want)
		}
	}
	if _, err := (&Topology{}).Resolve("!Ref X"); err == nil {
		t.Error("a topology that was not loaded resolved")
	}
}

// The resolver's bounds hold per expression, not for the topology's life.
func TestResolveBoundsAreReset(t *testing.T) {
	top := loadTemplate(t)
	top.exprs.l.r.visited = maxNodes // as if earlier expressions had used the budget
	if got, err := top.Resolve("!Ref Bus"); err != nil || got != "alchemiser-bus" {
		t.Errorf("Resolve after many = %q, %v", got, err)
	}
}
