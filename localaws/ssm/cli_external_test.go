//go:build external

package ssm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/ssm"
)

// awsCLI runs the AWS CLI v2 (/usr/bin/aws, or $ALCHEMISER_AWS_CLI)
// against url and returns its output and error output.
func awsCLI(t *testing.T, url string, args ...string) (string, string, error) {
	t.Helper()
	bin := os.Getenv("ALCHEMISER_AWS_CLI")
	if bin == "" {
		bin = "/usr/bin/aws"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no AWS CLI at %s: run `make tools` (scripts/awscli.sh install); $ALCHEMISER_AWS_CLI may name one", bin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, args...)...)
	home := t.TempDir()
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET",
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestTheAWSCLIReadsAndSetsTheKillSwitch(t *testing.T) {
	s := stack(t)
	p, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{p.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	out, stderr, err := awsCLI(t, hs.URL, "ssm", "get-parameter", "--name", killSwitch, "--with-decryption")
	if err != nil {
		t.Fatalf("get-parameter: %v\n%s", err, stderr)
	}
	var got struct {
		Parameter struct{ Name, Value, Type string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Parameter.Value != "true" || got.Parameter.Type != "String" {
		t.Errorf("get-parameter: %s (%v)", out, err)
	}
	_, stderr, err = awsCLI(t, hs.URL, "ssm", "put-parameter", "--name", killSwitch, "--value", "false", "--type", "String")
	if err == nil || !strings.Contains(stderr, "ParameterAlreadyExists") {
		t.Errorf("put-parameter without --overwrite: %v\n%s", err, stderr)
	}
	out, stderr, err = awsCLI(t, hs.URL, "ssm", "put-parameter", "--name", killSwitch, "--value", "false", "--overwrite")
	if err != nil || !strings.Contains(out, `"Version": 2`) {
		t.Fatalf("put-parameter --overwrite: %v\n%s%s", err, out, stderr)
	}
	if v, _ := p.Get(killSwitch); v != "false" {
		t.Errorf("the kill switch is %q after the CLI set it", v)
	}
	_, stderr, err = awsCLI(t, hs.URL, "ssm", "get-parameter", "--name", "/nope")
	if err == nil || !strings.Contains(stderr, "ParameterNotFound") {
		t.Errorf("an unknown parameter: %v\n%s", err, stderr)
	}
}
