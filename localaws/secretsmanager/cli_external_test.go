//go:build external

package secretsmanager_test

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
	"github.com/alchemiser/alchemiser/localaws/secretsmanager"
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

type secretValue struct {
	ARN, Name, VersionId, SecretString string
	VersionStages                      []string
}

func TestTheAWSCLIRotatesTheAlpacaSecret(t *testing.T) {
	st := stack(t)
	s, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{s.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	get := func(args ...string) secretValue {
		t.Helper()
		out, stderr, err := awsCLI(t, hs.URL, append([]string{"secretsmanager", "get-secret-value"}, args...)...)
		if err != nil {
			t.Fatalf("get-secret-value %v: %v\n%s", args, err, stderr)
		}
		var v secretValue
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("get-secret-value: %s: %v", out, err)
		}
		return v
	}
	first := get("--secret-id", alpaca)
	if first.SecretString != secretsmanager.Placeholder || first.ARN != alpacaARN {
		t.Errorf("first value %+v", first)
	}
	next := `{"key_id":"K2","secret_key":"S2"}`
	out, stderr, err := awsCLI(t, hs.URL, "secretsmanager", "put-secret-value", "--secret-id", alpacaARN, "--secret-string", next)
	if err != nil || strings.Contains(out, "S2") {
		t.Fatalf("put-secret-value: %v\n%s%s", err, out, stderr)
	}
	if cur := get("--secret-id", alpaca); cur.SecretString != next {
		t.Errorf("AWSCURRENT after the put: %+v", cur)
	}
	if prev := get("--secret-id", alpaca, "--version-stage", "AWSPREVIOUS"); prev.VersionId != first.VersionId {
		t.Errorf("AWSPREVIOUS after the put: %+v, want the first version", prev)
	}
	_, stderr, err = awsCLI(t, hs.URL, "secretsmanager", "get-secret-value", "--secret-id", "nope")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("an unknown secret: %v\n%s", err, stderr)
	}
}
