//go:build external

package events_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
	"github.com/alchemiser/alchemiser/localaws/events"
)

// cliServed is a local stack and its EventBridge API on loopback.
func cliServed(t *testing.T) (*local.Stack, *events.Events, string) {
	t.Helper()
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	e, err := events.New(events.Config{Bus: s.Bus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	srv, err := awsapi.NewServer([]awsapi.Service{e.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return s, e, hs.URL
}

func TestTheAWSCLIPutsListsAndReplays(t *testing.T) {
	s, e, url := cliServed(t)
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := awsclitest.Run(t, url, append([]string{"events"}, args...)...)
		if err != nil {
			t.Fatalf("events %v: %v\n%s", args, err, stderr)
		}
		return out
	}

	entries := `[{"EventBusName":"alchemiser-bus","Source":"alchemiser.execution","DetailType":"WorkflowFailed",` +
		`"Detail":"{\"metadata\":{\"event_id\":\"01CLI\"}}","Time":"2026-03-02T14:35:00Z"},` +
		`{"EventBusName":"alchemiser-bus","Source":"alchemiser.execution","Detail":"{}"}]`
	var put struct {
		FailedEntryCount int
		Entries          []struct{ EventId, ErrorCode string }
	}
	if err := json.Unmarshal([]byte(run("put-events", "--entries", entries)), &put); err != nil {
		t.Fatal(err)
	}
	if put.FailedEntryCount != 1 || len(put.Entries) != 2 || put.Entries[0].EventId == "" || put.Entries[1].ErrorCode != "InvalidArgument" {
		t.Errorf("put-events: %+v", put)
	}
	s.Bus.Wait()

	// The CLI follows NextToken itself: pages of two give every rule.
	var rules struct {
		Rules []struct{ Name, State string }
	}
	if err := json.Unmarshal([]byte(run("list-rules", "--event-bus-name", busName, "--page-size", "2")), &rules); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, r := range s.Top.Rules {
		if r.Bus == "Bus" {
			want = append(want, r.Name)
		}
	}
	for _, r := range rules.Rules {
		got = append(got, r.Name)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("list-rules: %v, want %v", got, want)
	}

	var arc struct {
		EventCount int64
		State      string
	}
	if err := json.Unmarshal([]byte(run("describe-archive", "--archive-name", archive)), &arc); err != nil || arc.EventCount != 1 || arc.State != "ENABLED" {
		t.Errorf("describe-archive: %+v, %v", arc, err)
	}
	run("start-replay", "--replay-name", "cli", "--event-source-arn", archiveARN, "--destination", "Arn="+busARN,
		"--event-start-time", "2026-03-02T14:00:00Z", "--event-end-time", "2026-03-02T15:00:00Z")
	_ = e.Close()
	var rep struct{ State, EventLastReplayedTime string }
	if err := json.Unmarshal([]byte(run("describe-replay", "--replay-name", "cli")), &rep); err != nil || rep.State != "COMPLETED" ||
		!strings.HasPrefix(rep.EventLastReplayedTime, "2026-03-02T14:35:00") {
		t.Errorf("describe-replay: %+v, %v", rep, err)
	}
	_, stderr, err := awsclitest.Run(t, url, "events", "describe-event-bus", "--name", "nope")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("an unknown bus: %v\n%s", err, stderr)
	}
}

// aws events test-event-pattern gets the emulator's matcher, and its
// InvalidEventPatternException names what is wrong.
func TestTheAWSCLITestsEventPatterns(t *testing.T) {
	_, _, url := cliServed(t)
	const event = `{"id":"1","account":"0","source":"s","time":"2026-03-02T14:35:00Z","region":"us-east-1","resources":[],` +
		`"detail-type":"t","detail":{"e":[{"f":"Anna","l":"Smith"},{"f":"Peter","l":"Jones"}]}}`
	for pattern, want := range map[string]string{
		`{"detail":{"e":{"f":["Anna"],"l":["Smith"]}}}`: "true",
		`{"detail":{"e":{"f":["Anna"],"l":["Jones"]}}}`: "false",
	} {
		out, stderr, err := awsclitest.Run(t, url, "events", "test-event-pattern", "--event-pattern", pattern, "--event", event)
		var res struct{ Result bool }
		if err != nil || json.Unmarshal([]byte(out), &res) != nil || (res.Result && want != "true") || (!res.Result && want != "false") {
			t.Errorf("test-event-pattern %s: %s, %v\n%s; want %s", pattern, out, err, stderr, want)
		}
	}
	_, stderr, err := awsclitest.Run(t, url, "events", "test-event-pattern", "--event-pattern", `{"$or":[{"prefix":["a"]},{"b":["c"]}]}`, "--event", event)
	if err == nil || !strings.Contains(stderr, "InvalidEventPatternException") || !strings.Contains(stderr, `"prefix" is an operator name`) {
		t.Errorf("a reserved word inside $or: %v\n%s", err, stderr)
	}
}
