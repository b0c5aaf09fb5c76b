package eventbridge

import (
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/internal/putevents"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"go.opentelemetry.io/otel/trace"
)

// entry is one event on its way to PutEvents.
type entry struct {
	ev   events.Event
	req  types.PutEventsRequestEntry
	size int
	span trace.Span
	err  *bus.FailedEvent
}

// batches groups entries into PutEvents calls: at most ten entries, and
// under 256 KB in all.
func batches(entries []*entry) [][]*entry {
	var out [][]*entry
	var cur []*entry
	size := 0
	for _, e := range entries {
		if len(cur) == putevents.MaxEntries || len(cur) > 0 && size+e.size >= putevents.MaxEntrySize {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, e)
		size += e.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// retryableCode is a PutEvents entry error a later attempt may not get.
func retryableCode(code string) bool {
	switch code {
	case "ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable", "RequestTimeout":
		return true
	}
	return false
}
