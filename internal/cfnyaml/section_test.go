package cfnyaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type dimension struct {
	Name  string `yaml:"Name"`
	Value Expr   `yaml:"Value"`
}

type properties struct {
	AlarmName   Sub                `yaml:"AlarmName"`
	Description QuotedSub          `yaml:"AlarmDescription"`
	Namespace   string             `yaml:"Namespace,omitempty"`
	Dimensions  []dimension        `yaml:"Dimensions,omitempty"`
	Inline      []Flow[dimension]  `yaml:"Inline,omitempty"`
	Threshold   float64            `yaml:"Threshold"`
	Stat        Quoted             `yaml:"Stat,omitempty"`
	Pattern     SingleQuoted       `yaml:"FilterPattern,omitempty"`
	Query       Literal            `yaml:"QueryString,omitempty"`
	Actions     []Ref              `yaml:"AlarmActions,flow,omitempty"`
	Groups      []Ref              `yaml:"LogGroupNames,omitempty"`
	ReturnData  *bool              `yaml:"ReturnData,omitempty"`
	Extra       map[string]float64 `yaml:"Extra,omitempty"`
}

// The section is written in template.yaml's style.
func TestSectionText(t *testing.T) {
	no := false
	s := &Section{Begin: "  # BEGIN x", End: "  # END x"}
	s.Add("A", "AWS::CloudWatch::Alarm", properties{AlarmName: "${AWS::StackName}-a", Description: `a "b": c. Runbook: ${Url}/a.md`,
		Namespace: "AWS/SQS", Dimensions: []dimension{{"QueueName", "!GetAtt Q.QueueName"}, {"function", "execution"}},
		Inline: []Flow[dimension]{{dimension{"service", "alchemiser"}}}, Threshold: 0.14400000000000013, Stat: "Sum",
		Pattern: `{ $.a = "x" && $.b > 0 }`, Query: "filter a\n| sort b\n", Actions: []Ref{"Topic"}, Groups: []Ref{"G1", "G2"},
		ReturnData: &no, Extra: map[string]float64{"big": 500000, "huge": 1e6}})
	s.Add("B", "AWS::Logs::MetricFilter", map[string]any{"MetricValue": SingleQuoted("1")})
	want := `  # BEGIN x
  A:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: !Sub ${AWS::StackName}-a
      AlarmDescription: !Sub "a \"b\": c. Runbook: ${Url}/a.md"
      Namespace: AWS/SQS
      Dimensions:
        - Name: QueueName
          Value: !GetAtt Q.QueueName
        - Name: function
          Value: execution
      Inline:
        - {Name: service, Value: alchemiser}
      Threshold: 0.14400000000000013
      Stat: "Sum"
      FilterPattern: '{ $.a = "x" && $.b > 0 }'
      QueryString: |
        filter a
        | sort b
      AlarmActions: [!Ref Topic]
      LogGroupNames:
        - !Ref G1
        - !Ref G2
      ReturnData: false
      Extra:
        big: 500000
        huge: 1e+06
  B:
    Type: AWS::Logs::MetricFilter
    Properties:
      MetricValue: '1'
  # END x
`
	got, err := s.Text()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	s.Spaced = true
	if got, _ := s.Text(); !strings.Contains(got, "        huge: 1e+06\n\n  B:\n") || !strings.HasSuffix(got, "'1'\n\n  # END x\n") {
		t.Errorf("spaced section\n%s", got)
	}
}

func TestExprMustBeAScalar(t *testing.T) {
	s := &Section{Begin: "#", End: "#"}
	s.Add("A", "T", map[string]Expr{"V": "[a, b]"})
	if _, err := s.Text(); err == nil || !strings.Contains(err.Error(), "resource A") {
		t.Errorf("error %v", err)
	}
}

func TestSplice(t *testing.T) {
	s := &Section{Begin: "  # BEGIN x", End: "  # END x"}
	s.Add("New", "T", map[string]int{"P": 1})
	section := "  # BEGIN x\n  New:\n    Type: T\n    Properties:\n      P: 1\n  # END x\n"
	for name, c := range map[string]struct{ in, want, err string }{
		"replace":  {in: "Resources:\n  # BEGIN x\n  Old: {}\n  # END x\n\nOutputs: {}\n", want: "Resources:\n" + section + "\nOutputs: {}\n"},
		"at EOF":   {in: "Resources:\n  # BEGIN x\n  Old: {}\n  # END x", want: "Resources:\n" + section},
		"insert":   {in: "Resources:\n  A: {}\nOutputs: {}\n", want: "Resources:\n  A: {}\n\n" + section + "Outputs: {}\n"},
		"no end":   {in: "  # END x\n  # BEGIN x\n", err: `without "  # END x" after it`},
		"no place": {in: "Resources: {}\n", err: "nor an Outputs: section"},
	} {
		got, err := Splice(c.in, s)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v\nwant %q", name, got, err, c.want)
		}
	}
}

func TestSpliceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("Resources:\n  # BEGIN x\n  # END x\nOutputs: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Section{Begin: "  # BEGIN x", End: "  # END x"}
	s.Add("A", "T", map[string]int{"P": 1})
	if err := SpliceFile(path, s); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "Resources:\n  # BEGIN x\n  A:\n    Type: T\n    Properties:\n      P: 1\n  # END x\nOutputs: {}\n"; string(got) != want {
		t.Errorf("got %q", got)
	}
	if err := SpliceFile(filepath.Join(t.TempDir(), "missing.yaml"), s); err == nil || !strings.Contains(err.Error(), "could not read") {
		t.Errorf("missing file: %v", err)
	}
}
