package bus

import (
	"encoding/json"
	"errors"
)

// ErrNotAnEvent is a dead-lettered message that holds no EventBridge event.
var ErrNotAnEvent = errors.New("the message does not hold an EventBridge event")

// DeadLettered returns the EventBridge event a dead-lettered message
// carries, for a redrive: the message body (a rule target's DLQ) or the
// record's requestPayload (Lambda's on-failure destination).
func DeadLettered(body string) (source, detailType, detail string, err error) {
	var rec struct {
		RequestPayload json.RawMessage `json:"requestPayload"`
	}
	raw := []byte(body)
	if json.Unmarshal(raw, &rec) == nil && len(rec.RequestPayload) > 0 {
		raw = rec.RequestPayload
	}
	var ev struct {
		Source     string          `json:"source"`
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Source == "" || ev.DetailType == "" || len(ev.Detail) == 0 {
		return "", "", "", ErrNotAnEvent
	}
	return ev.Source, ev.DetailType, string(ev.Detail), nil
}
