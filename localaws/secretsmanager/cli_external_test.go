//go:build external

package secretsmanager_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws/secretsmanager"
)

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
		out, stderr, err := awsclitest.Run(t, hs.URL, append([]string{"secretsmanager", "get-secret-value"}, args...)...)
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
	out, stderr, err := awsclitest.Run(t, hs.URL, "secretsmanager", "put-secret-value", "--secret-id", alpacaARN, "--secret-string", next)
	if err != nil || strings.Contains(out, "S2") {
		t.Fatalf("put-secret-value: %v\n%s%s", err, out, stderr)
	}
	if cur := get("--secret-id", alpaca); cur.SecretString != next {
		t.Errorf("AWSCURRENT after the put: %+v", cur)
	}
	if prev := get("--secret-id", alpaca, "--version-stage", "AWSPREVIOUS"); prev.VersionId != first.VersionId {
		t.Errorf("AWSPREVIOUS after the put: %+v, want the first version", prev)
	}
	_, stderr, err = awsclitest.Run(t, hs.URL, "secretsmanager", "get-secret-value", "--secret-id", "nope")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("an unknown secret: %v\n%s", err, stderr)
	}
}
