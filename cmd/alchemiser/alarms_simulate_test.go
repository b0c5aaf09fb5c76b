package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func simulateCLI(args ...string) (stdout, stderr string, code int) {
	var out, errs bytes.Buffer
	code = exitCode(run(context.Background(), append([]string{"alarms", "simulate"}, args...), strings.NewReader(""), &out, &errs), &errs)
	return out.String(), errs.String(), code
}

// The month of sessions with one failed workflow, as --json: one object
// whose notification counts are those of the transitions it lists.
func TestSimulateMonthOneFailureJSON(t *testing.T) {
	stdout, stderr, code := simulateCLI("--slo", "workflow-success", "--scenario", "month-one-failure", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Scenario, SLO   string
		WorkflowsPerDay int    `json:"workflows_per_day"`
		IngestionDelay  string `json:"ingestion_delay"`
		Start           string
		FirstBadEvent   string `json:"first_bad_event"`
		Transitions     []struct{ Alarm, Severity, State, At string }
		Notifications   struct{ Page, Ticket, OK int }
		Sent            []struct {
			Alarm, Severity, State, Changed, At string
			Triggering                          []string
		}
		Detection map[string]*string
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if got.Scenario != "month-one-failure" || got.SLO != "workflow-success" || got.WorkflowsPerDay != 1 || got.IngestionDelay != "2m0s" ||
		got.FirstBadEvent != "2026-03-16T13:35:00Z" {
		t.Errorf("header %+v", got)
	}
	var page, ticket, ok int
	for _, s := range got.Sent {
		switch {
		case s.Alarm != "incident-page" && s.Alarm != "incident-ticket":
			t.Errorf("%s sent a notification; only the incident alarms have actions", s.Alarm)
		case len(s.Triggering) == 0:
			t.Errorf("notification %+v names no triggering child", s)
		case s.State == "ALARM" && s.Severity == "page":
			page++
		case s.State == "ALARM" && s.Severity == "ticket":
			ticket++
		case s.State == "OK":
			ok++
		}
	}
	// One failed workflow in a month: one page, one resolve.
	if n := got.Notifications; n.Page != page || n.Ticket != ticket || n.OK != ok || page != 1 || ticket != 0 || ok != 1 {
		t.Errorf("notifications %+v; sent %d page, %d ticket, %d ok; want 1 page, 1 ok", n, page, ticket, ok)
	}
	if d := got.Detection["page"]; page > 0 && (d == nil || *d == "") {
		t.Errorf("no page detection time: %v", got.Detection)
	}
}

// Bad usage exits 2 with one line naming the value.
func TestSimulateBadUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--slo", "nope", "--scenario", "outage"}, `--slo "nope": no such SLO`},
		{[]string{"--slo", "workflow-success", "--scenario", "nope"}, `no scenario "nope"`},
		{[]string{"--slo", "workflow-success", "--scenario", "outage", "--ingestion-delay", "soon"}, `invalid argument "soon" for "--ingestion-delay"`},
		{[]string{"--slo", "workflow-success", "--scenario", "outage", "--ingestion-delay", "-1m"}, `--ingestion-delay -1m0s`},
		{[]string{"--slo", "workflow-success", "--scenario", "low-traffic", "--workflows-per-day", "0"}, `--workflows-per-day 0`},
		{[]string{"--slo", "workflow-latency", "--scenario", "outage"}, `latency SLI workflow-latency`},
	} {
		_, stderr, code := simulateCLI(c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", c.args, code, stderr, c.want)
		}
	}
}
