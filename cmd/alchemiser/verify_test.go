package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/localaws"
)

// upClean is the local endpoint on a clean run of its workflows, and the
// CLI pointed at it.
func upClean(t *testing.T) *scenarioEndpoint {
	t.Helper()
	s := &scenarioEndpoint{}
	var err error
	s.ep, err = localaws.Up(context.Background(), localaws.Config{Addr: "127.0.0.1:0", RunDir: filepath.Join(t.TempDir(), "run"),
		NoSchedules: true, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.ep.Close() })
	if s.rep, err = s.ep.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.cli = awsCLI(t, s.ep.URL)
	t.Setenv("AWS_REGION", s.ep.Stack.Top.Region)
	return s
}

// A clean stack passes, and the dry run it triggers places no order.
func TestVerifyPassesOnACleanStack(t *testing.T) {
	s := upClean(t)
	before := len(s.ep.Stack.Orders())
	stdout, stderr, code := s.cli("verify", "--stack", s.ep.Stack.Top.StackName, "--trigger")
	t.Logf("%s\n%s", stdout, stderr)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if after := len(s.ep.Stack.Orders()); after != before {
		t.Errorf("the dry run placed %d order(s)", after-before)
	}
	if !strings.Contains(stdout, `outcome "verified (dry run)"`) {
		t.Errorf("the report does not show the dry run's outcome")
	}
}
