package events

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SchemaVersion is the version every event of this build is written with.
// 1.1 added workflow.dry_run, 1.2 workflow.session_close.
const SchemaVersion = "1.2"

// supportedMajor is the schema MAJOR this build reads.
const supportedMajor = 1

// Trace carrier keys in Metadata.Trace.
const (
	TraceParent = "traceparent"
	TraceState  = "tracestate"
	Baggage     = "baggage"
)

// Metadata is carried by every event's detail under "metadata".
type Metadata struct {
	EventID       string            `json:"event_id"`
	CorrelationID string            `json:"correlation_id"`
	CausationID   string            `json:"causation_id"`
	SchemaVersion string            `json:"schema_version"`
	OccurredAt    time.Time         `json:"occurred_at"`
	Trace         map[string]string `json:"trace,omitempty"`
}

// Meta returns m itself; embedding Metadata gives every event this method.
func (m *Metadata) Meta() *Metadata { return m }

// Root returns the metadata of a workflow's first event: its own
// correlation and cause.
func Root(id string, now time.Time) Metadata {
	return Metadata{
		EventID:       id,
		CorrelationID: id,
		CausationID:   id,
		SchemaVersion: SchemaVersion,
		OccurredAt:    now.UTC(),
	}
}

// Child returns the metadata of an event caused by the event m describes:
// same correlation, causation = m's event id.
func (m Metadata) Child(id string, now time.Time) Metadata {
	return Metadata{
		EventID:       id,
		CorrelationID: m.CorrelationID,
		CausationID:   m.EventID,
		SchemaVersion: SchemaVersion,
		OccurredAt:    now.UTC(),
	}
}

// parseMajor returns the MAJOR of a "MAJOR.MINOR" version.
func parseMajor(v string) (int, error) {
	major, minor, ok := strings.Cut(v, ".")
	if !ok {
		return 0, fmt.Errorf("%q is not MAJOR.MINOR", v)
	}
	n, err := strconv.Atoi(major)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q has no numeric MAJOR", v)
	}
	if m, err := strconv.Atoi(minor); err != nil || m < 0 {
		return 0, fmt.Errorf("%q has no numeric MINOR", v)
	}
	return n, nil
}
