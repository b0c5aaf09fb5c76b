package topology

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Every function publishes behind "live" with a deployment preference
// watching the shared handler-error and timeout alarms; every rule and
// schedule resolves to the function through its alias.
func TestTemplateDeploysGradually(t *testing.T) {
	top := loadTemplate(t)
	for _, f := range top.OrderedFunctions() {
		if f.Alias != "live" || f.AliasARN != f.ARN+":live" {
			t.Errorf("%s: alias %q %q", f.LogicalID, f.Alias, f.AliasARN)
		}
		want := []string{"HandlerErrorAlarm", "LambdaTimeoutAlarm"}
		if d := f.Deployment; d == nil || d.Type != "Canary10Percent5Minutes" || !d.Enabled || !slices.Equal(d.Alarms, want) {
			t.Errorf("%s: deployment %+v, want Canary10Percent5Minutes watching %v", f.LogicalID, d, want)
		}
	}
	for _, r := range top.Rules {
		for _, tg := range r.Targets {
			if f := top.Functions[tg.Function]; f != nil && (tg.Qualifier != "live" || tg.ARN != f.AliasARN) {
				t.Errorf("rule %s target %s: %s qualifier %q, want the alias", r.LogicalID, tg.ID, tg.ARN, tg.Qualifier)
			}
		}
	}
	for _, s := range top.Schedules {
		if s.Function != "SchedulerFunction" || s.Qualifier != "live" {
			t.Errorf("schedule %s targets %s qualifier %q", s.LogicalID, s.Function, s.Qualifier)
		}
		// The Input's cron is the invocation span's faas.cron: the schedule's own.
		var in struct {
			Cron string `json:"cron"`
		}
		if err := json.Unmarshal([]byte(s.Input), &in); err != nil || in.Cron != s.Expression {
			t.Errorf("schedule %s: Input's cron %q, want its ScheduleExpression %q (%v)", s.LogicalID, in.Cron, s.Expression, err)
		}
	}
	dev, err := LoadFile(templatePath, Options{Parameters: map[string]string{"DeploymentType": "AllAtOnce"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := dev.Functions["ExecutionFunction"].Deployment.Type; got != "AllAtOnce" {
		t.Errorf("DeploymentType AllAtOnce: deployment type %q", got)
	}
}

// References to the resources SAM generates for an alias resolve as
// CloudFormation resolves them after the transform.
func TestAliasReferencesResolve(t *testing.T) {
	top := loadTemplate(t)
	const alias = "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler:live"
	for expr, want := range map[string]string{
		"!Ref SchedulerFunctionAliaslive":              alias,
		"!GetAtt SchedulerFunctionAliaslive.AliasArn":  alias,
		"!Sub ${SchedulerFunctionAliaslive}":           alias,
		"!Ref SchedulerFunction.Alias":                 alias,
		"!Ref SchedulerFunction.Version":               "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler:1",
		"!GetAtt SchedulerFunction.Arn":                "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler",
		"!Ref NotificationsFunctionAliaslive":          "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-notifications:live",
		"!GetAtt WorkflowCompletedPermission.Nothing":  "",
		"!Ref SchedulerFunctionAliasprod":              "",
		"!Ref SchedulerFunctionAliasliveAliaslive":     "",
		"!GetAtt SchedulerFunctionAliaslive.Something": "",
	} {
		got, err := top.Resolve(expr)
		if want == "" {
			if err == nil {
				t.Errorf("%s = %q, want an error", expr, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", expr, got, err, want)
		}
	}
	r := top.Resources["WorkflowCompletedPermission"]
	if r.Properties["FunctionName"] != "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-notifications:live" {
		t.Errorf("permission on %v, want the alias", r.Properties["FunctionName"])
	}
}

func TestGeneratedResources(t *testing.T) {
	top := loadTemplate(t)
	var ids []string
	for _, g := range top.Generated() {
		ids = append(ids, g.LogicalID+" "+g.Type+" "+g.Physical)
	}
	got := strings.Join(ids, "\n")
	for _, want := range []string{
		"SchedulerFunctionAliaslive AWS::Lambda::Alias arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler:live",
		"ExecutionFunctionDeploymentGroup AWS::CodeDeploy::DeploymentGroup alchemiser-ExecutionFunctionDeploymentGroup",
		"ServerlessDeploymentApplication AWS::CodeDeploy::Application",
		"CodeDeployServiceRole AWS::IAM::Role",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("generated resources lack %q:\n%s", want, got)
		}
	}
	if n := len(top.Generated()); n != 2*len(top.Functions)+2 {
		t.Errorf("%d generated resources, want an alias and a group per function, an application and a role", n)
	}
	if v := VersionLogicalID(top.Functions["SchedulerFunction"]); !strings.HasPrefix(v, "SchedulerFunctionVersion") || len(v) != len("SchedulerFunctionVersion")+10 {
		t.Errorf("version logical id %q", v)
	}
}

func TestAliasMustBeAlphanumeric(t *testing.T) {
	src := strings.Replace(string(readTemplate(t)), "    AutoPublishAlias: live\n", "    AutoPublishAlias: live-1\n", 1)
	_, err := Load(templatePath, []byte(src), Options{})
	if err == nil || !strings.Contains(err.Error(), `AutoPublishAlias "live-1" must be letters and digits`) {
		t.Fatalf("err = %v", err)
	}
}

// Each gradual-deploy rule catches its violation: the template with one
// change (edits are old, new pairs, each replaced everywhere).
func TestDeployRulesCatchViolations(t *testing.T) {
	src := string(readTemplate(t))
	unqualify := []string{"!Ref NotificationsFunctionAliaslive", "!GetAtt NotificationsFunction.Arn", "!Ref SchedulerFunctionAliaslive", "!GetAtt SchedulerFunction.Arn"}
	strategyAlarms := "      DeploymentPreference:\n        Alarms: [!Ref HandlerErrorAlarm, !Ref LambdaTimeoutAlarm]\n"
	globalType := "    DeploymentPreference:\n      Type: !Ref DeploymentType\n"
	for _, c := range []struct {
		name  string
		edits []string
		want  string
	}{
		{"rule targets the unqualified function", []string{"          Arn: !Ref NotificationsFunctionAliaslive\n", "          Arn: !GetAtt NotificationsFunction.Arn\n"},
			"WorkflowCompletedRule: target notifications invokes function NotificationsFunction unqualified; target its alias (!Ref NotificationsFunctionAliaslive)"},
		{"schedule targets the unqualified function", []string{"        Arn: !Ref SchedulerFunctionAliaslive\n", "        Arn: !GetAtt SchedulerFunction.Arn\n"},
			"WorkflowSchedule: schedule invokes function SchedulerFunction unqualified"},
		{"permission on the unqualified function", []string{"      FunctionName: !Ref NotificationsFunctionAliaslive\n", "      FunctionName: !Ref NotificationsFunction\n"},
			"WorkflowCompletedPermission: permission lets events.amazonaws.com invoke function NotificationsFunction unqualified"},
		{"no alias", append([]string{"    AutoPublishAlias: live\n", ""}, unqualify...),
			"ExecutionFunction: no AutoPublishAlias"},
		{"no deployment preference", []string{globalType, "", strategyAlarms, ""},
			"StrategyFunction: no DeploymentPreference"},
		{"no deployment type", []string{globalType, ""},
			"StrategyFunction: DeploymentPreference has no Type"},
		{"no alarms", []string{strategyAlarms, ""},
			"StrategyFunction: DeploymentPreference has no Alarms"},
		{"an alarm the template lacks", []string{"[!Ref HandlerErrorAlarm, !Ref LambdaTimeoutAlarm]", "[!Ref HandlerErrorAlarm, some-other-alarm]"},
			`PortfolioFunction: DeploymentPreference alarm "some-other-alarm" is not an alarm of the template`},
		{"disabled", []string{"      Type: !Ref DeploymentType\n", "      Type: !Ref DeploymentType\n      Enabled: false\n"},
			"SchedulerFunction: DeploymentPreference is not enabled"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mutated := src
			for i := 0; i+1 < len(c.edits); i += 2 {
				if !strings.Contains(src, c.edits[i]) {
					t.Fatalf("the template no longer contains %q; update this test", c.edits[i])
				}
				mutated = strings.ReplaceAll(mutated, c.edits[i], c.edits[i+1])
			}
			all := strings.Join(securityFindings(t, []byte(mutated), Options{}), "\n")
			if !strings.Contains(all, c.want) {
				t.Errorf("violation %q not reported; findings:\n%s", c.want, all)
			}
		})
	}
}
