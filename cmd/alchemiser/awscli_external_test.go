//go:build external

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws/logs"
)

// The document the AWS CLI v2 (internal/awsclitest) prints for
// filter-log-events, saved as it is, gives a saved query the rows the run
// directory it was read from gives.
func TestQueryReadsFilterLogEventsFromTheAWSCLI(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../localaws/logs/testdata/run")); err != nil {
		t.Fatal(err)
	}
	svc, err := logs.New(logs.Config{RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{svc.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	const group = "/aws/lambda/alchemiser-notifications"
	// --page-size makes the CLI follow nextToken over several requests
	// and print the pages as one document.
	doc, stderr, err := awsclitest.Run(t, hs.URL, "logs", "filter-log-events", "--log-group-name", group, "--page-size", "7")
	if err != nil {
		t.Fatalf("aws logs filter-log-events: %v\n%s", err, stderr)
	}
	file := filepath.Join(t.TempDir(), "notifications.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}

	query := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append([]string{"query"}, args...), strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("query %v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	fromRun := query("workflow-failed", "--logs", dir, "--format", "json")
	fromDoc := query("workflow-failed", "--logs", file, "--log-group", group, "--format", "json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(fromRun), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("the run gives no failed workflow (%v): %s", err, fromRun)
	}
	if fromDoc != fromRun {
		t.Errorf("from the CLI's document:\n%s\nfrom the run:\n%s", fromDoc, fromRun)
	}
	// Without --log-group the events pass the query's groups all the same.
	if got := query("workflow-failed", "--logs", file, "--format", "json"); got != fromRun {
		t.Errorf("without --log-group:\n%s", got)
	}
	// @log is the group --log-group names.
	if got := query(writeQuery(t, "stats count() by @log"), "--logs", file, "--log-group", group, "--format", "csv"); !strings.HasPrefix(got, "@log,count()\n"+group+",") {
		t.Errorf("@log: %s", got)
	}
}

func writeQuery(t *testing.T, q string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "q.insights")
	if err := os.WriteFile(name, []byte(q), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}
