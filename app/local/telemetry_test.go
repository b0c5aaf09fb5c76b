package local

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"

	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
)

type span struct {
	fn, name, trace, id, parent, correlation string
}

// traceDoc is one line of traces.jsonl (OTLP/JSON).
type traceDoc struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes []kv `json:"attributes"`
		} `json:"resource"`
		ScopeSpans []struct {
			Spans []struct {
				Name         string `json:"name"`
				TraceID      string `json:"traceId"`
				SpanID       string `json:"spanId"`
				ParentSpanID string `json:"parentSpanId"`
				Attributes   []kv   `json:"attributes"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

func readTraces(t *testing.T, path string) []traceDoc {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []traceDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var doc traceDoc
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("traces.jsonl: %v", err)
		}
		out = append(out, doc)
	}
	return out
}

func readSpans(t *testing.T, path string) []span {
	t.Helper()
	var out []span
	for _, doc := range readTraces(t, path) {
		for _, rs := range doc.ResourceSpans {
			fn := value(rs.Resource.Attributes, "faas.name")
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					out = append(out, span{fn, s.Name, s.TraceID, s.SpanID, s.ParentSpanID, value(s.Attributes, "alchemiser.correlation_id")})
				}
			}
		}
	}
	return out
}

type kv struct {
	Key   string `json:"key"`
	Value struct {
		StringValue string `json:"stringValue"`
		IntValue    string `json:"intValue"` // OTLP/JSON writes 64-bit integers as strings
	} `json:"value"`
}

func value(attrs []kv, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value.StringValue
		}
	}
	return ""
}

// TestEachWorkflowIsOneTraceAndEveryLineIsCorrelated is the telemetry
// layer's acceptance test: per workflow, one trace id and one span tree from strategy to
// notifications; every log line valid, carrying the workflow's correlation
// id and trace id; every EMF line valid EMF with a level.
func TestEachWorkflowIsOneTraceAndEveryLineIsCorrelated(t *testing.T) {
	synctest.Test(t, testEachWorkflowIsOneTraceAndEveryLineIsCorrelated)
}

func testEachWorkflowIsOneTraceAndEveryLineIsCorrelated(t *testing.T) {
	rep, err := Run(context.Background(), Config{Workflows: 3, Seed: 11, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()))
	if err != nil || !rep.AllCompleted() {
		t.Fatalf("%v %+v", err, rep)
	}
	spans := readSpans(t, filepath.Join(rep.RunDir, "traces.jsonl"))
	traded := 0
	for _, r := range rep.Results {
		if r.Outcome == "rebalanced" {
			traded++
		}
	}
	if traded == 0 {
		t.Fatal("no workflow traded; the test would not cover execution")
	}
	traceOf := map[string]string{}
	for _, r := range rep.Results {
		var mine []span
		for _, s := range spans {
			if s.correlation == r.CorrelationID {
				mine = append(mine, s)
			}
		}
		traces, fns, ids := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, s := range mine {
			traces[s.trace], fns[s.fn], ids[s.id] = true, true, true
		}
		if len(traces) != 1 {
			t.Errorf("workflow %s spans %d traces", r.CorrelationID, len(traces))
		}
		for _, fn := range functionNames(t) {
			if fn == "execution" && r.Outcome == "no_trades" {
				continue // nothing to trade: portfolio completes the workflow
			}
			if !fns[fn] {
				t.Errorf("workflow %s has no %s span", r.CorrelationID, fn)
			}
		}
		roots := 0
		for _, s := range mine {
			if s.parent == "" {
				roots++
			} else if !ids[s.parent] {
				t.Errorf("span %s (%s) has a parent outside the workflow's tree", s.name, s.fn)
			}
		}
		if roots != 1 {
			t.Errorf("workflow %s has %d root spans", r.CorrelationID, roots)
		}
		for tr := range traces {
			traceOf[r.CorrelationID] = tr
		}
	}
	checkLogs(t, rep.RunDir, traceOf)
}

func checkLogs(t *testing.T, dir string, traceOf map[string]string) {
	t.Helper()
	for _, fn := range functionNames(t) {
		f, err := os.Open(filepath.Join(dir, "logs", fn+".log"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		emf, logs := 0, 0
		for sc.Scan() {
			line := sc.Bytes()
			if telemetrytest.IsEMF(line) {
				if _, err := telemetrytest.ValidateEMF(line); err != nil {
					t.Fatalf("%s: %v: %s", fn, err, line)
				}
				emf++
				continue
			}
			m, err := telemetrytest.ValidateLog(line)
			if err != nil {
				t.Fatalf("%s: %v: %s", fn, err, line)
			}
			logs++
			if m["operation"] == "watchdog" {
				continue // a check of the schedule, part of no workflow
			}
			corr, _ := m["correlation_id"].(string)
			if traceOf[corr] == "" || m["trace_id"] != traceOf[corr] {
				t.Errorf("%s: line without its workflow's ids: %s", fn, line)
			}
		}
		f.Close()
		if emf == 0 || logs == 0 {
			t.Errorf("%s: %d EMF lines, %d log lines", fn, emf, logs)
		}
	}
}
