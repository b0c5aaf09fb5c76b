package topology

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
)

// Deployment is a function's SAM DeploymentPreference: CodeDeploy shifts
// the traffic of the function's alias from the version it points at to
// the one a deploy published, the Type's way (AllAtOnce, Canary…,
// Linear…), and rolls the alias back when one of Alarms is in ALARM
// while it does.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html
type Deployment struct {
	Type    string
	Enabled bool
	// Alarms are the logical ids of the template's alarms the deployment
	// watches; an entry that names no alarm of the template stays as
	// written, for Check to report.
	Alarms []string
}

// Generated is a resource SAM's transform adds to the stack for a
// function, which the template does not declare: the alias and version
// of AutoPublishAlias, the CodeDeploy application, deployment group and
// service role of DeploymentPreference.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html
type Generated struct {
	LogicalID, Type string
	// Physical is what Ref gives: the alias's ARN, the group's and the
	// application's names, the role's name.
	Physical string
	Function string // logical id of the function it belongs to
}

// codeDeployApplication and codeDeployRole are the logical ids SAM gives
// the one CodeDeploy application and service role of a template whose
// functions have a DeploymentPreference (without a Role of their own).
const (
	codeDeployApplication = "ServerlessDeploymentApplication"
	codeDeployRole        = "CodeDeployServiceRole"
)

// Generated are the resources SAM's transform adds for the template's
// gradual deploys, in function order: per function with an alias its
// <Function>Alias<alias>, per function with a DeploymentPreference its
// <Function>DeploymentGroup, then ServerlessDeploymentApplication and
// CodeDeployServiceRole once. Versions are left out: their logical ids
// end in a hash of the code (<Function>Version<sha>), so no two deploys
// agree on them; VersionLogicalID gives the local stack's.
func (t *Topology) Generated() []Generated {
	var out []Generated
	deploys := false
	for _, f := range t.OrderedFunctions() {
		if f.Alias != "" {
			out = append(out, Generated{LogicalID: AliasLogicalID(f.LogicalID, f.Alias), Type: "AWS::Lambda::Alias",
				Physical: f.AliasARN, Function: f.LogicalID})
		}
		if f.Deployment != nil {
			deploys = true
			id := f.LogicalID + "DeploymentGroup"
			out = append(out, Generated{LogicalID: id, Type: "AWS::CodeDeploy::DeploymentGroup",
				Physical: t.StackName + "-" + id, Function: f.LogicalID})
		}
	}
	if deploys {
		out = append(out,
			Generated{LogicalID: codeDeployApplication, Type: "AWS::CodeDeploy::Application", Physical: t.StackName + "-" + codeDeployApplication},
			Generated{LogicalID: codeDeployRole, Type: "AWS::IAM::Role", Physical: t.StackName + "-" + codeDeployRole})
	}
	return out
}

// AliasLogicalID is the logical id SAM gives the alias AutoPublishAlias
// alias of function fn: SchedulerFunction, live → SchedulerFunctionAliaslive.
func AliasLogicalID(fn, alias string) string { return fn + "Alias" + alias }

// VersionLogicalID is the logical id the local stack gives the version
// published for function f: <Function>Version and ten hex digits, as SAM
// names it, of a hash of the function's name where SAM hashes its code.
func VersionLogicalID(f *Function) string {
	h := sha256.Sum256([]byte(f.Name))
	return fmt.Sprintf("%sVersion%x", f.LogicalID, h[:5])
}

// LocalVersion is the version the local stack's aliases point at: the
// one a first deploy publishes.
const LocalVersion = "1"

// aliasPattern is what this loader accepts as an AutoPublishAlias: SAM
// puts the name in a logical id, which is alphanumeric.
var aliasPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// aliasName is function id's AutoPublishAlias, its own or the Globals',
// resolved; "" for none.
func (l *loader) aliasName(id string) (string, error) {
	n := l.r.resources[id]
	if text(mapping(n, "Type")) != "AWS::Serverless::Function" {
		return "", nil
	}
	v := mapping(mapping(n, "Properties"), "AutoPublishAlias")
	if v == nil {
		v = mapping(mapping(mapping(l.root, "Globals"), "Function"), "AutoPublishAlias")
	}
	if v == nil {
		return "", nil
	}
	val, err := l.r.value(v)
	if err != nil {
		return "", err
	}
	name := str(val)
	if !aliasPattern.MatchString(name) {
		return "", l.r.errorf(v, "function %s: AutoPublishAlias %q must be letters and digits (SAM makes it part of a logical id)", id, name)
	}
	return name, nil
}

// generated resolves Ref (attr "") and Fn::GetAtt of a resource SAM
// generates for a function: <Function>Alias<alias> (Ref and AliasArn:
// the alias's ARN), and the referenceable properties <Function>.Alias
// and <Function>.Version of "!Ref SchedulerFunction.Alias".
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html
func (l *loader) generated(id, attr string) (string, bool) {
	if fn, prop, ok := strings.Cut(id, "."); ok && attr == "" {
		alias, err := l.aliasName(fn)
		if err != nil || alias == "" {
			return "", false
		}
		switch prop {
		case "Alias":
			return l.arn(fn) + ":" + alias, true
		case "Version":
			return l.arn(fn) + ":" + LocalVersion, true
		}
		return "", false
	}
	if attr != "" && attr != "AliasArn" {
		return "", false
	}
	for _, fn := range aliasCuts(id) {
		alias, err := l.aliasName(fn)
		if err == nil && alias != "" && AliasLogicalID(fn, alias) == id {
			return l.arn(fn) + ":" + alias, true
		}
	}
	return "", false
}

// aliasCuts are the prefixes of id before each "Alias" in it: the
// function logical ids id could be the alias of.
func aliasCuts(id string) []string {
	var out []string
	for i := 0; ; {
		j := strings.Index(id[i:], "Alias")
		if j < 0 {
			return out
		}
		out = append(out, id[:i+j])
		i += j + 1
	}
}

// deployment reads a function's DeploymentPreference (merged with the
// Globals'); nil when it has none. Alarms hold the alarms' names (a Ref
// to an alarm gives its name) until link turns them into logical ids.
func deployment(props map[string]any) *Deployment {
	p, ok := props["DeploymentPreference"].(map[string]any)
	if !ok {
		return nil
	}
	d := &Deployment{Type: str(p["Type"]), Enabled: p["Enabled"] != false && p["Enabled"] != "false"}
	alarms, _ := p["Alarms"].([]any)
	for _, a := range alarms {
		d.Alarms = append(d.Alarms, str(a))
	}
	return d
}
