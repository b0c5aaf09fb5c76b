package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// TestLatencyAgreesWithSpansAndLogs runs the smoke profile on the local
// stack and checks every completed workflow's measurement against what
// the workflow itself recorded, by correlation id:
//   - the notifications function's "workflow ended" log line has
//     duration_ms, WorkflowStarted.StartedAt to the terminal event: the
//     harness's Ended − Started must equal it plus the time Start took to
//     reach the scheduler (never less);
//   - the trace's first span starts after the harness called Start, and
//     the span publishing the terminal event starts when the harness says
//     the workflow ended.
//
// The harness's own latency (from the intended start) is then at least
// the logged duration. The test runs in a testing/synctest bubble, where
// Start's path to the scheduler takes no time: the measurements must
// agree exactly (to the log's rounding of milliseconds).
func TestLatencyAgreesWithSpansAndLogs(t *testing.T) {
	synctest.Test(t, testLatencyAgreesWithSpansAndLogs)
}

func testLatencyAgreesWithSpansAndLogs(t *testing.T) {
	p, err := LoadProfile("profiles/smoke.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := newLocal(t, LocalConfig{})
	res, err := Run(context.Background(), p, l, Options{Spin: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Completed == 0 || res.Stats.RunDir == "" {
		t.Fatalf("nothing to cross-check: %d completed, run dir %q", res.Completed, res.Stats.RunDir)
	}
	logged := loggedDurations(t, filepath.Join(res.Stats.RunDir, "logs", "notifications.log"))
	first, published := spanTimes(t, filepath.Join(res.Stats.RunDir, "traces.jsonl"))
	const slack = 0 // Start's own path to the scheduler: none in virtual time
	checked := 0
	for _, s := range res.Samples {
		if s.Status != StatusCompleted {
			continue
		}
		checked++
		d, ok := logged[s.CorrelationID]
		if !ok {
			t.Errorf("%s: no \"workflow ended\" log line", s.CorrelationID)
			continue
		}
		service := s.Ended.Sub(s.Started)
		if gap := service - d; gap < -time.Millisecond || gap > slack {
			t.Errorf("%s: harness %v from Start to end, the log says %v", s.CorrelationID, service, d)
		}
		if lat := time.Duration(s.LatencyMs * float64(time.Millisecond)); lat < d-time.Millisecond {
			t.Errorf("%s: latency %v is less than the logged duration %v", s.CorrelationID, lat, d)
		}
		f, ok1 := first[s.CorrelationID]
		pub, ok2 := published[s.CorrelationID]
		if !ok1 || !ok2 {
			t.Errorf("%s: spans missing (first %v, terminal publish %v)", s.CorrelationID, ok1, ok2)
			continue
		}
		if f.Before(s.Started.Add(-time.Millisecond)) || f.After(s.Started.Add(slack)) {
			t.Errorf("%s: trace starts %v after Start was called", s.CorrelationID, f.Sub(s.Started))
		}
		if diff := pub.Sub(s.Ended); math.Abs(float64(diff)) > float64(slack) {
			t.Errorf("%s: the terminal event's publish span starts %v from the measured end", s.CorrelationID, diff)
		}
	}
	if checked != res.Completed {
		t.Errorf("checked %d samples of %d completed workflows", checked, res.Completed)
	}
}

// loggedDurations reads duration_ms of each "workflow ended" line.
func loggedDurations(t *testing.T, file string) map[string]time.Duration {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]time.Duration{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Message       string  `json:"message"`
			CorrelationID string  `json:"correlation_id"`
			DurationMs    float64 `json:"duration_ms"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "workflow ended" {
			out[line.CorrelationID] = time.Duration(line.DurationMs * float64(time.Millisecond))
		}
	}
	return out
}

// spanTimes reads traces.jsonl (OTLP/JSON) and returns, by correlation
// id, the start of the trace's first span and of the span publishing the
// terminal event.
func spanTimes(t *testing.T, file string) (first, published map[string]time.Time) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		TraceID    string `json:"traceId"`
		Name       string `json:"name"`
		Kind       int    `json:"kind"` // OTLP/JSON: an integer
		Start      string `json:"startTimeUnixNano"`
		Attributes []struct {
			Key   string `json:"key"`
			Value struct {
				String string `json:"stringValue"`
			} `json:"value"`
		} `json:"attributes"`
	}
	var spans []span
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var doc struct {
			ResourceSpans []struct {
				ScopeSpans []struct {
					Spans []span `json:"spans"`
				} `json:"scopeSpans"`
			} `json:"resourceSpans"`
		}
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		for _, rs := range doc.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				spans = append(spans, ss.Spans...)
			}
		}
	}
	traceOf, start := map[string]string{}, map[string]time.Time{}
	published = map[string]time.Time{}
	at := func(s span) time.Time { ns, _ := strconv.ParseInt(s.Start, 10, 64); return time.Unix(0, ns) }
	for _, s := range spans {
		if st, ok := start[s.TraceID]; !ok || at(s).Before(st) {
			start[s.TraceID] = at(s)
		}
		var corr, eventType string
		for _, a := range s.Attributes {
			switch a.Key {
			case "alchemiser.correlation_id":
				corr = a.Value.String
			case "alchemiser.event_type":
				eventType = a.Value.String
			}
		}
		if corr == "" {
			continue
		}
		traceOf[corr] = s.TraceID
		if s.Kind == int(tracepb.Span_SPAN_KIND_PRODUCER) && (eventType == "WorkflowCompleted" || eventType == "WorkflowFailed") {
			published[corr] = at(s)
		}
	}
	first = map[string]time.Time{}
	for corr, tr := range traceOf {
		first[corr] = start[tr]
	}
	return first, published
}
