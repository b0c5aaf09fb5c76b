package chaos

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// A redriven event starts a new trace linked to the original, as
// telemetry/doc.go promises: after the dlq-redrive scenario's redrive,
// each consumer invocation of a redriven event is a root span whose link
// (attribute alchemiser.redrive, the dead-letter message) points into
// another trace.
func TestARedrivenEventStartsALinkedTrace(t *testing.T) {
	sc, err := Named("dlq-redrive")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	runInBubble(t, sc, Options{SpecFile: "../alarms/slos.yaml", Dir: dir})
	f, err := os.Open(filepath.Join(dir, "traces.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	lines.Buffer(nil, 1<<24)
	redriven := 0
	for lines.Scan() {
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(lines.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					for _, l := range s.Links().All() {
						if _, ok := l.Attributes().Get("alchemiser.redrive"); !ok {
							continue
						}
						redriven++
						if s.Kind() != ptrace.SpanKindServer || !s.ParentSpanID().IsEmpty() || l.TraceID() == s.TraceID() {
							t.Errorf("span %s: kind %v, parent %v, linked trace %v of its own %v: want a new trace's root linked to the original",
								s.Name(), s.Kind(), s.ParentSpanID(), l.TraceID(), s.TraceID())
						}
					}
				}
			}
		}
	}
	if redriven == 0 {
		t.Error("no invocation span links to a redriven event's original trace")
	}
}
