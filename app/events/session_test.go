package events

import (
	"bytes"
	"testing"
	"time"
)

// workflow.session_close (schema 1.2) travels with the workflow; an event
// written before it (1.1) still decodes, with no close.
func TestSessionCloseIsOptional(t *testing.T) {
	ev := samplePlanned(sampleIDs())
	ev.SessionClose = time.Date(2025, 11, 28, 18, 0, 0, 0, time.UTC)
	_, got, err := Decode(envelopeJSON(t, ev))
	if err != nil || !got.(*RebalancePlanned).SessionClose.Equal(ev.SessionClose) {
		t.Fatalf("session_close %v %v, want %v", got, err, ev.SessionClose)
	}
	ev.SessionClose = time.Time{}
	raw := envelopeJSON(t, ev)
	if bytes.Contains(raw, []byte("session_close")) {
		t.Fatal("a zero session_close is written")
	}
	old := mutate(t, raw, func(e map[string]any) { meta(e)["schema_version"] = "1.1" })
	if _, got, err := Decode(old); err != nil || !got.(*RebalancePlanned).SessionClose.IsZero() {
		t.Fatalf("1.1 event: %v %v", got, err)
	}
}
