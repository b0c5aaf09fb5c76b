package handlers

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// The handlers and the ports they use link no AWS service SDK: the
// adapters (app/bus/eventbridge, app/bus/s3claims,
// app/idempotency/dynamodb, app/notify/sns, app/broker/alpaca) live in
// packages of their own, which only the functions' composition root and
// the local stack import.
func TestHandlersAndPortsLinkNoAWSServiceSDK(t *testing.T) {
	const module = "github.com/alchemiser/alchemiser/app/"
	pkgs := []string{"handlers", "bus", "idempotency", "notify", "broker"}
	args := []string{"list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`}
	for _, p := range pkgs {
		args = append(args, module+p)
	}
	// go test puts its own go first on PATH.
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("could not run go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(pkgs) {
		t.Fatalf("go list listed %d packages, want %d:\n%s", len(lines), len(pkgs), out)
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		for _, dep := range fields[1:] {
			if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/") {
				t.Errorf("%s depends on %s", fields[0], dep)
			}
		}
	}
}
