package awsclitest

import (
	"os"
	"strings"
	"testing"
)

func TestEnvKeepsTheMachineOut(t *testing.T) {
	t.Setenv("AWS_PROFILE", "production")
	t.Setenv("AWS_ENDPOINT_URL", "https://example.com")
	env := map[string]string{}
	for _, kv := range Env(t) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s=%s leaks into the CLI's environment", k, v)
		}
	}
	home := env["HOME"]
	if fi, err := os.Stat(home); err != nil || !fi.IsDir() {
		t.Fatalf("HOME %q: %v", home, err)
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		if !strings.HasPrefix(env[k], home+string(os.PathSeparator)) {
			t.Errorf("%s=%s, want a file in HOME %s", k, env[k], home)
		}
	}
	for k, want := range map[string]string{"HTTP_PROXY": "http://127.0.0.1:1", "HTTPS_PROXY": "http://127.0.0.1:1",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "AWS_DEFAULT_REGION": Region} {
		if v, ok := env[k]; !ok || v != want {
			t.Errorf("%s=%q, want %q", k, v, want)
		}
	}
}
