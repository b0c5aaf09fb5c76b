package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/alchemiser/alchemiser/localaws"
)

// set-alpaca stores the keys read from stdin in the stack's secret on the
// local endpoint, where GetSecretValue reads them back, and prints no
// secret.
func TestSetAlpacaStoresTheSecret(t *testing.T) {
	ep, err := localaws.Up(context.Background(), localaws.Config{Addr: "127.0.0.1:0", RunDir: filepath.Join(t.TempDir(), "run"), NoSchedules: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ep.Close() })
	awsCLI(t, ep.URL) // the environment: endpoint, credentials
	t.Setenv("AWS_REGION", ep.Stack.Top.Region)
	stack := ep.Stack.Top.StackName
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sm := secretsmanager.NewFromConfig(cfg)
	stored := func(t *testing.T) alpacaCredentials {
		t.Helper()
		out, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(stack + "/alpaca")})
		if err != nil {
			t.Fatal(err)
		}
		var c alpacaCredentials
		if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &c); err != nil {
			t.Fatalf("the stored secret %q: %v", aws.ToString(out.SecretString), err)
		}
		return c
	}
	setAlpaca := func(stdin string, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := exitCode(run(context.Background(), append([]string{"secrets", "set-alpaca", "--stack", stack}, args...), strings.NewReader(stdin), &out, &errb), &errb)
		return out.String(), errb.String(), code
	}

	t.Run("two lines", func(t *testing.T) {
		out, errs, code := setAlpaca("PKTESTKEY1234\nsEcReT-VALUE-1\n")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if strings.Contains(out+errs, "sEcReT-VALUE-1") || strings.Contains(out+errs, "PKTESTKEY") {
			t.Errorf("the secret or the whole key id was printed:\n%s%s", out, errs)
		}
		if !strings.Contains(out, "*********1234") || !strings.Contains(out, paperBaseURL) {
			t.Errorf("output does not name the key's last four and the base URL:\n%s", out)
		}
		if got := stored(t); got != (alpacaCredentials{KeyID: "PKTESTKEY1234", SecretKey: "sEcReT-VALUE-1", BaseURL: paperBaseURL}) {
			t.Errorf("stored %+v", got)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		out, errs, code := setAlpaca(`{"key_id":"PKJSON5678","secret_key":"json-secret","base_url":"https://paper-api.alpaca.markets/"}`, "--json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(out), &got); err != nil || got["key_id"] != "******5678" || got["version_id"] == "" ||
			!strings.HasSuffix(got["secret"], ":secret:"+stack+"/alpaca") || strings.Contains(out, "json-secret") {
			t.Errorf("--json output %q: %v", out, err)
		}
		if c := stored(t); c.KeyID != "PKJSON5678" || c.SecretKey != "json-secret" || c.BaseURL != paperBaseURL {
			t.Errorf("stored %+v", c)
		}
	})
	for name, c := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"one line":       {"PKONLY\n", nil, "1 non-empty lines"},
		"empty JSON key": {`{"key_id":"","secret_key":"x"}`, nil, "no key id"},
		"unknown field":  {`{"key_id":"a","secret_key":"b","secret":"c"}`, nil, "not a JSON object"},
		"plain http":     {"a\nb\n", []string{"--base-url", "http://paper-api.alpaca.markets"}, "must be an https URL"},
	} {
		t.Run(name, func(t *testing.T) {
			before := stored(t)
			_, errs, code := setAlpaca(c.stdin, c.args...)
			if code != exitUsage || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %q", code, errs, exitUsage, c.want)
			}
			if stored(t) != before {
				t.Error("the secret changed")
			}
		})
	}
	if _, errs, code := setAlpaca("a\nb\n", "--stack", "nope"); code != exitFailed || !strings.Contains(errs, "nope") {
		t.Errorf("an unknown stack: exit %d, %s", code, errs)
	}
}
