//go:build external

package ssm_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws/ssm"
)

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

	out, stderr, err := awsclitest.Run(t, hs.URL, "ssm", "get-parameter", "--name", killSwitch, "--with-decryption")
	if err != nil {
		t.Fatalf("get-parameter: %v\n%s", err, stderr)
	}
	var got struct {
		Parameter struct{ Name, Value, Type string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Parameter.Value != "false" || got.Parameter.Type != "String" {
		t.Errorf("get-parameter: %s (%v)", out, err)
	}
	_, stderr, err = awsclitest.Run(t, hs.URL, "ssm", "put-parameter", "--name", killSwitch, "--value", "true", "--type", "String")
	if err == nil || !strings.Contains(stderr, "ParameterAlreadyExists") {
		t.Errorf("put-parameter without --overwrite: %v\n%s", err, stderr)
	}
	out, stderr, err = awsclitest.Run(t, hs.URL, "ssm", "put-parameter", "--name", killSwitch, "--value", "true", "--overwrite")
	if err != nil || !strings.Contains(out, `"Version": 2`) {
		t.Fatalf("put-parameter --overwrite: %v\n%s%s", err, out, stderr)
	}
	if v, _ := p.Get(killSwitch); v != "true" {
		t.Errorf("the kill switch is %q after the CLI set it", v)
	}
	_, stderr, err = awsclitest.Run(t, hs.URL, "ssm", "get-parameter", "--name", "/nope")
	if err == nil || !strings.Contains(stderr, "ParameterNotFound") {
		t.Errorf("an unknown parameter: %v\n%s", err, stderr)
	}
}
