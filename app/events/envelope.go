package events

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// SourcePrefix starts every source this system publishes.
const SourcePrefix = "alchemiser."

// Source returns the EventBridge source of a module, e.g. "alchemiser.strategy".
func Source(module string) string { return SourcePrefix + module }

// Envelope is the EventBridge event that carries a detail.
// See https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
type Envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
	ReplayName string          `json:"replay-name,omitempty"`
}

// Module returns the publishing module named by the source, or "".
func (e Envelope) Module() string {
	m, ok := strings.CutPrefix(e.Source, SourcePrefix)
	if !ok {
		return ""
	}
	return m
}

// Wrap encodes ev as the detail of a new envelope. The envelope's id is
// EventBridge's, not the event's: it is set here to the event id so local
// deliveries are traceable, and AWS assigns its own.
func Wrap(ev Event, source, account, region string) (Envelope, error) {
	detail, err := json.Marshal(ev)
	if err != nil {
		return Envelope{}, fmt.Errorf("could not encode %s: %w", ev.EventType(), err)
	}
	m := ev.Meta()
	return Envelope{
		Version:    "0",
		ID:         m.EventID,
		DetailType: ev.EventType(),
		Source:     source,
		Account:    account,
		Time:       m.OccurredAt.UTC().Truncate(time.Second),
		Region:     region,
		Resources:  []string{},
		Detail:     detail,
	}, nil
}
