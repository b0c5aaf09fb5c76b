//go:build external

package runbooks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// tools is a directory for the front of PATH: the built alchemiser, and an
// aws that runs the AWS CLI v2 (Debian's, internal/awsclitest, not another
// aws on PATH) with --endpoint-url, since the AWS CLI 2.9 ignores
// AWS_ENDPOINT_URL (emulator/awsapi's documentation). Runbooks show aws
// as an operator types it in an account.
func tools(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "runbook-tools-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "alchemiser"), "../cmd/alchemiser").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build: %v %s", err, out)
			return
		}
		wrapper := "#!/bin/sh\nexec \"$ALCHEMISER_AWS_CLI_REAL\" --endpoint-url \"$AWS_ENDPOINT_URL\" \"$@\"\n"
		buildErr = os.WriteFile(filepath.Join(binDir, "aws"), []byte(wrapper), 0o755)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// incident is one incident's runbook being executed on a local endpoint
// that runs the incident's chaos scenario.
type incident struct {
	ep       *localaws.Endpoint
	offset   atomic.Int64 // how far the APIs' clock is ahead of the wall clock
	env      []string
	values   map[string]string
	affected []string
	work     string
}

// startIncident serves scenario's stack, runs its workflows and finds
// the workflows its saved query finds: those the runbook must find.
func startIncident(t *testing.T, scenario string) *incident {
	t.Helper()
	sc, err := chaos.Named(scenario)
	if err != nil {
		t.Fatal(err)
	}
	in := &incident{work: t.TempDir()}
	start := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	in.ep, err = localaws.Up(context.Background(), localaws.Config{Addr: "127.0.0.1:0", Trading: true, RunDir: filepath.Join(t.TempDir(), "run"),
		Scenario: scenario, Seed: sc.Seed, NoSchedules: true,
		Now: func() time.Time { return time.Now().Add(time.Duration(in.offset.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = in.ep.Close() })
	if _, err := in.ep.Run(context.Background()); err != nil {
		t.Fatalf("the scenario's workflows: %v", err)
	}
	if in.affected, err = chaos.FoundWorkflows(sc, in.ep.RunDir); err != nil {
		t.Fatal(err)
	}
	top := in.ep.Stack.Top
	in.values = map[string]string{"stack": top.StackName, "region": top.Region,
		"start": start.Format(time.RFC3339), "end": time.Now().UTC().Add(time.Minute).Truncate(time.Second).Format(time.RFC3339)}
	if len(in.affected) > 0 {
		in.values["correlation id"] = in.affected[0]
	}
	home := t.TempDir()
	in.env = append(withoutAWS(os.Environ()), "PATH="+tools(t)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"ALCHEMISER_AWS_CLI_REAL="+awsclitest.Path(t), "AWS_ENDPOINT_URL="+in.ep.URL, "AWS_REGION="+top.Region,
		"AWS_DEFAULT_REGION="+top.Region, "AWS_ACCESS_KEY_ID=runbook", "AWS_SECRET_ACCESS_KEY=runbook",
		"AWS_PAGER=", "HOME="+home,
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true")
	return in
}

// withoutAWS is env without the machine's AWS_ variables: the steps get
// the endpoint's. An AWS_PROFILE set empty is not the same as none: the
// AWS CLI then looks for a profile named "" and fails.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// run runs one step as the operator would: sh -eu, from a clean
// directory. It returns the step's output; a step that exits non-zero is
// an error quoting it.
func (in *incident) run(name string, s step) (string, error) {
	script, err := fill(s.script, in.values)
	if err != nil {
		return "", fmt.Errorf("%s:%d: %w", name, s.line, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-eu", "-c", script)
	cmd.Dir, cmd.Env = in.work, in.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s:%d (%s): the step failed: %w\n--- step\n%s--- output\n%s", name, s.line, s.section, err, script, out)
	}
	return string(out), nil
}

// fixCause stands for the operator's fix that no step can run (the
// broker recovers, a symbol is tradable again): the exchange's faults
// and rejections end, so that the remediation's redrives and re-runs
// can succeed and the verification can see the recovery.
func (in *incident) fixCause() {
	in.ep.Stack.Exchange.SetFaults(paper.Faults{})
	in.ep.Stack.Exchange.RejectSymbols()
}

// execute runs a runbook's steps: the first five minutes, which together
// must name every affected workflow; the cause fixed, the remediation;
// then, with the
// APIs' clock recoveryWait later (the alarms' windows have passed), the
// verification. It stops at the first step that fails.
func (in *incident) execute(name, text string) error {
	list, err := steps(name, text)
	if err != nil {
		return err
	}
	var found strings.Builder
	for _, phase := range []string{firstFive, remediation, verification} {
		switch phase {
		case remediation:
			in.fixCause()
		case verification:
			in.offset.Add(int64(recoveryWait))
		}
		ran := 0
		for _, s := range list {
			if s.section != phase {
				continue
			}
			out, err := in.run(name, s)
			if err != nil {
				return err
			}
			// The operator reads a step's output before the next: what
			// the step set going (a redrive's resumed workflows, a
			// replay) has ended by then. The bus's work in flight, not a
			// wall-clock pause, stands for that wait: on a busy machine
			// a redriven workflow may take longer than the next command
			// takes to start.
			in.ep.Stack.Bus.Wait()
			ran++
			if phase == firstFive {
				found.WriteString(out)
			}
		}
		if ran == 0 && phase != remediation {
			return fmt.Errorf("%s: no ```sh step under ## %s", name, phase)
		}
		if phase == firstFive {
			var missing []string
			for _, id := range in.affected {
				if !strings.Contains(found.String(), id) {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("%s: the first five minutes' steps do not name the affected workflows %v (of %v)", name, missing, in.affected)
			}
		}
	}
	return nil
}

// recoveryWait is how far the APIs' clock moves before the verification:
// past the longest evaluation range of a symptom alarm, three periods of
// an hour (cold-start-slow-init, <function>-log-volume; the range is
// EvaluationPeriods + max(2, EvaluationPeriods/3) periods, alarms/cwalarm),
// so a recovered alarm is back to OK.
const recoveryWait = 3*time.Hour + time.Minute

// Every incident's runbook, executed on the local endpoint running the
// incident's chaos scenario, finds the affected workflows, remediates
// and verifies recovery.
func TestRunbooksExecute(t *testing.T) {
	rows, _ := catalogue(t)
	for _, row := range rows {
		t.Run(row.id, func(t *testing.T) { executeRunbook(t, filepath.Base(row.runbook), row.scenarios[0]) })
	}
}

// Every SLO's runbook, executed on the scenario of the incident whose
// row of docs/INCIDENTS.md lists the SLO's page: the fault that burns
// its budget.
func TestSLORunbooksExecute(t *testing.T) {
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := catalogue(t)
	for _, slo := range spec.SLOs {
		t.Run(slo.Name, func(t *testing.T) {
			page := "slo-" + slo.Name + "-page"
			for _, row := range rows {
				if slices.Contains(row.alarms, page) {
					executeRunbook(t, slo.Runbook+".md", row.scenarios[0])
					return
				}
			}
			t.Fatalf("no incident of %s lists %s: no scenario to run its runbook on", cataloguePath, page)
		})
	}
}

// executeRunbook runs runbook name on the local endpoint running
// scenario.
func executeRunbook(t *testing.T, name, scenario string) {
	t.Helper()
	text, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	in := startIncident(t, scenario)
	if err := in.execute(name, string(text)); err != nil {
		t.Error(err)
	}
}

// A runbook step that cannot run fails the execution: here the first
// step of a runbook, broken by an unknown flag.
func TestABrokenRunbookStepFailsTheExecution(t *testing.T) {
	text, err := os.ReadFile("event-dead-lettered.md")
	if err != nil {
		t.Fatal(err)
	}
	list, err := steps("event-dead-lettered.md", string(text))
	if err != nil || len(list) == 0 {
		t.Fatalf("steps: %v %v", list, err)
	}
	first := list[0].script
	broken := strings.Replace(string(text), first, strings.Replace(first, "\n", " --no-such-flag\n", 1), 1)
	in := startIncident(t, "event-dead-lettered")
	err = in.execute("event-dead-lettered.md", broken)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("event-dead-lettered.md:%d", list[0].line)) {
		t.Errorf("a broken step: %v", err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Errorf("the error does not carry the step's exit status: %v", err)
	}
}
