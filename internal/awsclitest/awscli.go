package awsclitest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Region is the region of Env and Run.
const Region = "us-east-1"

// Timeout bounds one Run.
const Timeout = 2 * time.Minute

// Path returns the CLI: $ALCHEMISER_AWS_CLI, else /usr/bin/aws. It fails
// the test when there is none.
func Path(t testing.TB) string {
	t.Helper()
	cli := os.Getenv("ALCHEMISER_AWS_CLI")
	if cli == "" {
		cli = "/usr/bin/aws"
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("no AWS CLI: %v: run `make tools` (scripts/awscli.sh install); $ALCHEMISER_AWS_CLI may name one", err)
	}
	return cli
}

// Env is the CLI's whole environment, isolated from the machine's: HOME
// and the config and credentials files in a temporary directory, fake
// credentials, no pager, no EC2 instance metadata, and HTTP(S) proxies on
// a closed port that only 127.0.0.1 and localhost bypass. A caller may
// append variables: os/exec uses the last value of a name.
func Env(t testing.TB) []string {
	t.Helper()
	home := t.TempDir()
	return []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET", "AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
		// Port 1 is closed: a request not sent to loopback goes nowhere.
		"HTTP_PROXY=http://127.0.0.1:1", "HTTPS_PROXY=http://127.0.0.1:1", "NO_PROXY=127.0.0.1,localhost",
	}
}

// Run runs `aws --endpoint-url endpoint --region us-east-1 --output json
// args...` in Env, without --endpoint-url when endpoint is empty, and
// returns its output, its error output and its error (an *exec.ExitError
// when it exits non-zero).
func Run(t testing.TB, endpoint string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return RunEnv(t, nil, endpoint, args...)
}

// RunEnv is Run with extra appended to Env: a name it sets again takes
// its value from extra.
func RunEnv(t testing.TB, extra []string, endpoint string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	all := []string{"--region", Region, "--output", "json"}
	if endpoint != "" {
		all = append(all, "--endpoint-url", endpoint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, Path(t), append(all, args...)...)
	cmd.Env = append(Env(t), extra...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
