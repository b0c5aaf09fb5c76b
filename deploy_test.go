package alchemiser

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/alchemiser/alchemiser/topology"
)

// samStage is what samconfig.toml says of one stage.
type samStage struct {
	Deploy struct {
		Parameters struct {
			StackName          string   `toml:"stack_name"`
			ResolveS3          bool     `toml:"resolve_s3"`
			Capabilities       string   `toml:"capabilities"`
			ParameterOverrides []string `toml:"parameter_overrides"`
		} `toml:"parameters"`
	} `toml:"deploy"`
}

// stages are the stages `make deploy STAGE=...` takes.
var stages = []string{"dev", "prod"}

// suppliedByScript are the parameters scripts/deploy.sh adds to the
// stage's parameter_overrides: a deployment's own, not the repository's.
var suppliedByScript = []string{"RunbookBaseUrl", "AlertEmail", "PageEmail", "PageSms", "PageHttpsEndpoint", "TicketEmail"}

func readSamConfig(t *testing.T) map[string]samStage {
	t.Helper()
	var raw map[string]toml.Primitive
	md, err := toml.DecodeFile("samconfig.toml", &raw)
	if err != nil {
		t.Fatalf("samconfig.toml: %v", err)
	}
	var version float64
	if err := md.PrimitiveDecode(raw["version"], &version); err != nil || version != 0.1 {
		t.Errorf("samconfig.toml: version %v (%v), want 0.1", version, err)
	}
	cfg := map[string]samStage{}
	for _, stage := range stages {
		var s samStage
		if err := md.PrimitiveDecode(raw[stage], &s); err != nil {
			t.Fatalf("samconfig.toml [%s]: %v", stage, err)
		}
		cfg[stage] = s
	}
	return cfg
}

// templateParameters are template.yaml's parameters, each with whether
// it has a Default.
func templateParameters(t *testing.T) map[string]bool {
	t.Helper()
	var doc struct {
		Parameters map[string]map[string]any `yaml:"Parameters"`
	}
	if err := yaml.Unmarshal(Template, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for name, p := range doc.Parameters {
		_, out[name] = p["Default"]
	}
	return out
}

// Each stage of samconfig.toml deploys template.yaml: its parameters
// exist, with those the script adds it covers every parameter without a
// default, and its stack's rule names fit EventBridge's 64 characters.
func TestSamConfigStagesDeployTheTemplate(t *testing.T) {
	cfg, params := readSamConfig(t), templateParameters(t)
	for _, stage := range stages {
		t.Run(stage, func(t *testing.T) {
			p := cfg[stage].Deploy.Parameters
			if p.StackName == "" || len(p.StackName) > 28 {
				t.Errorf("stack_name %q: must be 1 to 28 characters", p.StackName)
			}
			if !p.ResolveS3 {
				t.Error("resolve_s3 is not true: sam deploy would need a bucket")
			}
			if caps := strings.Fields(p.Capabilities); !slices.Contains(caps, "CAPABILITY_IAM") || !slices.Contains(caps, "CAPABILITY_AUTO_EXPAND") {
				t.Errorf("capabilities %q: the template creates roles (CAPABILITY_IAM) through the SAM transform (CAPABILITY_AUTO_EXPAND)", p.Capabilities)
			}
			values := map[string]string{}
			for _, o := range p.ParameterOverrides {
				k, v, ok := strings.Cut(o, "=")
				if _, known := params[k]; !ok || !known {
					t.Errorf("parameter_overrides %q: not NAME=VALUE of a template.yaml parameter", o)
				}
				if slices.Contains(suppliedByScript, k) {
					t.Errorf("parameter_overrides sets %s, which scripts/deploy.sh supplies", k)
				}
				values[k] = v
			}
			for name, hasDefault := range params {
				if _, set := values[name]; !hasDefault && !set && !slices.Contains(suppliedByScript, name) {
					t.Errorf("parameter %s has no default and the stage does not set it", name)
				}
			}
			values["RunbookBaseUrl"] = "https://example.com/runbooks"
			top, err := topology.Load("template.yaml", Template, topology.Options{StackName: strings.Repeat("s", 28), Parameters: values})
			if err != nil {
				t.Fatalf("template.yaml with the stage's parameters: %v", err)
			}
			for _, f := range top.Functions {
				if d := f.Deployment; d == nil || d.Type != values["DeploymentType"] || (stage == "prod" && d.Type == "AllAtOnce") {
					t.Errorf("%s: deployment %+v; the stage sets DeploymentType, prod a gradual one", f.LogicalID, d)
				}
			}
			for _, r := range top.Rules {
				if len(r.Name) > 64 {
					t.Errorf("rule %s of a 28-character stack is named %q (%d characters, at most 64)", r.LogicalID, r.Name, len(r.Name))
				}
			}
		})
	}
}

// fakeTools is a directory with a sam that records its arguments in
// calls, one call a line, and the directories of go, make and the
// shell's commands.
func fakeTools(t *testing.T) (path, calls string) {
	t.Helper()
	for _, tool := range []string{"make", "go", "awk", "sed", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "sam"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	goBin, _ := exec.LookPath("go")
	return dir + string(os.PathListSeparator) + filepath.Dir(goBin) + string(os.PathListSeparator) + "/usr/bin:/bin", calls
}

func makeDeploy(t *testing.T, path string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"--no-print-directory", "deploy"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+path, "RUNBOOK_BASE_URL=", "ALERT_EMAIL=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// make deploy refuses a stack name over 28 characters before SAM runs.
func TestMakeDeployRefusesALongStackName(t *testing.T) {
	path, calls := fakeTools(t)
	out, err := makeDeploy(t, path, "STAGE=dev", "STACK="+strings.Repeat("a", 29), "RUNBOOK_BASE_URL=https://example.com/runbooks")
	if err == nil {
		t.Fatalf("make deploy with a 29-character stack succeeded:\n%s", out)
	}
	if !strings.Contains(out, "is 29 characters; at most 28") {
		t.Errorf("the refusal does not say why:\n%s", out)
	}
	if _, err := os.Stat(calls); err == nil {
		b, _ := os.ReadFile(calls)
		t.Errorf("sam was called:\n%s", b)
	}
}

// make deploy names what is missing before SAM runs: an unknown stage, sam.
func TestMakeDeployChecksStageAndTools(t *testing.T) {
	path, calls := fakeTools(t)
	if out, err := makeDeploy(t, path, "STAGE=staging", "RUNBOOK_BASE_URL=https://example.com/runbooks"); err == nil || !strings.Contains(out, `stage "staging"`) {
		t.Errorf("an unknown stage: %v\n%s", err, out)
	}
	noSam := strings.TrimPrefix(path, filepath.Dir(calls)+string(os.PathListSeparator))
	if out, err := makeDeploy(t, noSam, "STAGE=dev", "RUNBOOK_BASE_URL=https://example.com/runbooks"); err == nil || !strings.Contains(out, "(sam) is not on PATH") {
		t.Errorf("without sam: %v\n%s", err, out)
	}
	if _, err := os.Stat(calls); err == nil {
		t.Error("sam was called")
	}
}

// make deploy builds, then deploys the stage's config with its
// parameters, the runbook URL and the alert address added.
func TestMakeDeployRunsSam(t *testing.T) {
	path, calls := fakeTools(t)
	out, err := makeDeploy(t, path, "STAGE=prod", "RUNBOOK_BASE_URL=https://example.com/runbooks/", "ALERT_EMAIL=ops@example.com")
	if err != nil {
		t.Fatalf("make deploy: %v\n%s", err, out)
	}
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{"build --config-env prod",
		"deploy --config-env prod --parameter-overrides AppLogLevel=INFO LogRetentionDays=30 ExecutionReservedConcurrency=1 EnableLoadTest=false DeploymentType=Canary10Percent5Minutes RunbookBaseUrl=https://example.com/runbooks AlertEmail=ops@example.com"}
	if !slices.Equal(lines, want) {
		t.Errorf("sam calls:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	var dry bytes.Buffer
	cmd := exec.Command("make", "-n", "deploy", "STAGE=dev")
	cmd.Stdout, cmd.Env = &dry, append(os.Environ(), "PATH="+path)
	if err := cmd.Run(); err != nil || !strings.Contains(dry.String(), "sam build --config-env 'dev'") || !strings.Contains(dry.String(), "sam deploy --config-env 'dev'") {
		t.Errorf("make -n deploy STAGE=dev does not show the sam commands: %v\n%s", err, dry.String())
	}
}
