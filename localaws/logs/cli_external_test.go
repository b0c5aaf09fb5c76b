//go:build external

package logs

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
)

// The AWS CLI v2 of Debian's awscli package (ALCHEMISER_AWS_CLI names
// another) against the service, over the fixture run.

// cliEndpoint serves the Logs service over a copy of the fixture run.
func cliEndpoint(t *testing.T) (url, dir string) {
	t.Helper()
	dir = runDir(t)
	svc, err := New(Config{RunDir: dir, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{svc.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL, dir
}

// run runs aws logs with args (internal/awsclitest) and decodes its JSON
// output into out.
func run(t *testing.T, url string, out any, args ...string) {
	t.Helper()
	stdout, stderr, err := awsclitest.Run(t, url, append([]string{"logs"}, args...)...)
	if err != nil {
		t.Fatalf("aws logs %v: %v\n%s", args, err, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("aws logs %v printed %s: %v", args, stdout, err)
	}
}

func TestCLIDescribeQueryDefinitions(t *testing.T) {
	url, _ := cliEndpoint(t)
	var out struct {
		QueryDefinitions []struct {
			Name          string   `json:"name"`
			QueryString   string   `json:"queryString"`
			LogGroupNames []string `json:"logGroupNames"`
		} `json:"queryDefinitions"`
	}
	run(t, url, &out, "describe-query-definitions")
	want := templateDefinitions(t)
	if len(out.QueryDefinitions) != len(want) {
		t.Errorf("%d definitions, template.yaml has %d", len(out.QueryDefinitions), len(want))
	}
	for _, d := range out.QueryDefinitions {
		w := want[d.Name]
		if w.QueryString == nil || d.QueryString != *w.QueryString || !slices.Equal(d.LogGroupNames, w.LogGroupNames) {
			t.Errorf("%s is not template.yaml's", d.Name)
		}
	}
}

func TestCLIRunsTheWorkflowFailedQuery(t *testing.T) {
	url, dir := cliEndpoint(t)
	var defs struct {
		QueryDefinitions []struct {
			QueryString   string   `json:"queryString"`
			LogGroupNames []string `json:"logGroupNames"`
		} `json:"queryDefinitions"`
	}
	run(t, url, &defs, "describe-query-definitions", "--query-definition-name-prefix", "Alchemiser/workflow-failed/workflow-failed v")
	if len(defs.QueryDefinitions) != 1 {
		t.Fatalf("%d workflow-failed definitions", len(defs.QueryDefinitions))
	}
	def := defs.QueryDefinitions[0]
	evs := groupEvents(t, dir, notifications)
	var started struct {
		QueryID string `json:"queryId"`
	}
	run(t, url, &started, append([]string{"start-query", "--query-string", def.QueryString,
		"--start-time", strconv.FormatInt(evs[0].Timestamp/1000, 10), "--end-time", strconv.FormatInt(evs[len(evs)-1].Timestamp/1000, 10),
		"--log-group-names"}, def.LogGroupNames...)...)
	var res struct {
		Status  string `json:"status"`
		Results [][]struct {
			Field string `json:"field"`
			Value string `json:"value"`
		} `json:"results"`
		Statistics struct {
			RecordsMatched float64 `json:"recordsMatched"`
		} `json:"statistics"`
	}
	run(t, url, &res, "get-query-results", "--query-id", started.QueryID)
	var ids []string
	for _, row := range res.Results {
		for _, f := range row {
			if f.Field == "correlation_id" {
				ids = append(ids, f.Value)
			}
		}
	}
	slices.Sort(ids)
	want := failedWorkflows(t, dir)
	if res.Status != "Complete" || len(want) == 0 || !slices.Equal(ids, want) || res.Statistics.RecordsMatched != float64(len(want)) {
		t.Errorf("status %s, rows %v (%v matched), want %v", res.Status, ids, res.Statistics.RecordsMatched, want)
	}
}

func TestCLIFilterLogEvents(t *testing.T) {
	url, dir := cliEndpoint(t)
	evs := groupEvents(t, dir, execution)
	var out struct {
		Events []struct {
			Message   string `json:"message"`
			Timestamp int64  `json:"timestamp"`
			EventID   string `json:"eventId"`
		} `json:"events"`
	}
	// --page-size makes the CLI follow nextToken over several requests.
	run(t, url, &out, "filter-log-events", "--log-group-name", execution, "--filter-pattern", `{ $.level = "WARN" }`, "--page-size", "4",
		"--start-time", strconv.FormatInt(evs[0].Timestamp, 10), "--end-time", strconv.FormatInt(evs[len(evs)-1].Timestamp, 10))
	var want []string
	for _, e := range evs {
		var m map[string]any
		if json.Unmarshal([]byte(e.Message), &m) == nil && m["level"] == "WARN" {
			want = append(want, e.Message)
		}
	}
	var got []string
	for _, e := range out.Events {
		got = append(got, e.Message)
	}
	if len(want) <= 4 || !slices.Equal(got, want) {
		t.Errorf("%d WARN events over pages of 4, want %d", len(got), len(want))
	}
}
