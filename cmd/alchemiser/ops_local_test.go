package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/localaws"
)

// scenarioEndpoint is the local endpoint (localaws.Up, in process)
// running a chaos scenario's fault, its workflows run, and the CLI
// pointed at it with AWS_ENDPOINT_URL.
type scenarioEndpoint struct {
	ep     *localaws.Endpoint
	rep    *local.Report
	frozen atomic.Pointer[time.Time] // the APIs' time once set; the wall clock's before
	cli    func(args ...string) (string, string, int)
}

func upScenario(t *testing.T, scenario string) *scenarioEndpoint {
	t.Helper()
	sc, err := chaos.Named(scenario)
	if err != nil {
		t.Fatal(err)
	}
	s := &scenarioEndpoint{}
	s.ep, err = localaws.Up(context.Background(), localaws.Config{Addr: "127.0.0.1:0", Trading: true, RunDir: filepath.Join(t.TempDir(), "run"),
		Scenario: scenario, Seed: sc.Seed, NoSchedules: true,
		Now: func() time.Time {
			if at := s.frozen.Load(); at != nil {
				return *at
			}
			return time.Now()
		}})
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

// The dead letters of event-dead-lettered (the portfolio function failed
// every attempt) on the local endpoint's SQS: listed, shown, alarmed on,
// and redriven onto its EventBridge.
func TestDLQAndAlarmsOnTheLocalEndpoint(t *testing.T) {
	s := upScenario(t, "event-dead-lettered")
	stack := s.ep.Stack.Top.StackName
	if s.rep.DeadLettered == 0 {
		t.Fatalf("the scenario dead-lettered nothing: %+v", s.rep)
	}

	var stuck []string
	for _, r := range s.rep.Results {
		if r.Status == "stuck" {
			stuck = append(stuck, r.CorrelationID)
		}
	}
	stdout, stderr, code := s.cli("dlq", "list", "--stack", stack, "--json")
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var m dlqMessage
		// Each message names its event and workflow, read from the
		// on-failure record's requestPayload.
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Queue != stack+"-failed-invocations" ||
			m.EventType != "SignalGenerated" || !slices.Contains(stuck, m.CorrelationID) {
			t.Errorf("dlq list: %q (%v)", line, err)
		}
		ids = append(ids, m.ID)
	}
	if code != exitOK || len(ids) != s.rep.DeadLettered {
		t.Fatalf("dlq list: exit %d, %d messages, the run dead-lettered %d\n%s", code, len(ids), s.rep.DeadLettered, stderr)
	}
	if stdout, _, code := s.cli("dlq", "list", "--stack", stack, "--queue", "on-failure"); code != exitOK ||
		!strings.Contains(stdout, "  SignalGenerated  "+stuck[0]+"\n") {
		t.Errorf("dlq list's line names the event and workflow: exit %d %q", code, stdout)
	}
	if stdout, _, code := s.cli("dlq", "list", "--stack", stack, "--queue", "events"); code != exitOK || stdout != "0 message(s)\n" {
		t.Errorf("the events DLQ: exit %d %q", code, stdout)
	}
	if stdout, stderr, code := s.cli("dlq", "show", ids[0], "--stack", stack); code != exitOK || !strings.Contains(stdout, "SignalGenerated") {
		t.Errorf("dlq show: exit %d %s\n%s", code, stderr, stdout)
	}

	// Two minutes after the run (the APIs' clock stops there, however
	// long the test takes), the alarm on the destination's depth, over
	// five minutes, is in ALARM.
	at := time.Now().Add(2 * time.Minute)
	s.frozen.Store(&at)
	stdout, stderr, code = s.cli("alarms", "status", "--stack", stack, "--alarm", "event-dead-lettered", "--expect", "ALARM")
	if code != exitOK || !strings.Contains(stdout, "ALARM             "+stack+"-event-dead-lettered  (metric") ||
		!strings.Contains(stdout, "runbooks/event-dead-lettered.md") {
		t.Errorf("alarms status --expect ALARM: exit %d %s\n%s", code, stderr, stdout)
	}
	if stdout, _, code := s.cli("alarms", "status", "--stack", stack); code != exitOK || !strings.Contains(stdout, stack+"-event-dead-lettered") {
		t.Errorf("alarms status: exit %d\n%s", code, stdout)
	}

	// The redrive puts every event back on the bus and deletes its
	// message; the fault still holds, so the events may fail again, as
	// new messages.
	stdout, stderr, code = s.cli("dlq", "redrive", "--stack", stack)
	if code != exitOK || !strings.Contains(stdout, "redriven "+ids[0]+" from "+stack+"-failed-invocations") || !strings.Contains(stdout, ", 0 failed") {
		t.Fatalf("dlq redrive: exit %d %s\n%s", code, stderr, stdout)
	}
	s.ep.Stack.Bus.Wait()
	stdout, _, _ = s.cli("dlq", "list", "--stack", stack, "--json")
	for _, id := range ids {
		if strings.Contains(stdout, `"`+id+`"`) {
			t.Errorf("message %s is still in the queue after the redrive", id)
		}
	}
}

// The failed workflows of workflow-failed, found on the local endpoint's
// CloudWatch Logs by the saved query and traced: exactly the run's.
func TestQueryAndTraceOnTheLocalEndpoint(t *testing.T) {
	s := upScenario(t, "workflow-failed")
	stack := s.ep.Stack.Top.StackName
	var failed []string
	for _, r := range s.rep.Results {
		if r.Status == "failed" {
			failed = append(failed, r.CorrelationID)
		}
	}
	if len(failed) == 0 {
		t.Fatalf("no failed workflow: %+v", s.rep.Results)
	}
	stdout, stderr, code := s.cli("query", "workflow-failed", "--stack", stack, "--format", "json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(stdout), &rows); code != exitOK || err != nil {
		t.Fatalf("query: exit %d %v %s", code, err, stderr)
	}
	var found []string
	for _, r := range rows {
		found = append(found, r["correlation_id"])
	}
	if slices.Sort(found); !slices.Equal(found, slices.Sorted(slices.Values(failed))) {
		t.Errorf("workflow-failed finds %v, the run failed %v", found, failed)
	}

	stdout, stderr, code = s.cli("trace", failed[0], "--stack", stack, "--format", "json")
	if err := json.Unmarshal([]byte(stdout), &rows); code != exitOK || err != nil {
		t.Fatalf("trace: exit %d %v %s", code, err, stderr)
	}
	if !slices.ContainsFunc(rows, func(r map[string]string) bool {
		return r["function"] == "scheduler" && r["message"] == "workflow started"
	}) ||
		!slices.ContainsFunc(rows, func(r map[string]string) bool {
			return r["function"] == "notifications" && r["message"] == "workflow ended"
		}) {
		t.Errorf("the trace of %s lacks its start or its end:\n%s", failed[0], stdout)
	}
}
