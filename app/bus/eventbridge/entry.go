package eventbridge

import (
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"go.opentelemetry.io/otel/trace"
)

// maxEntries is the PutEvents limit on entries per call.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
const maxEntries = 10

// MaxEntrySize is PutEvents' limit on an entry, and on a call.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
const MaxEntrySize = 256 * 1024

// EntrySize is an entry's size by AWS's rule: 14 bytes for Time if set,
// plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
// TraceHeader does not count.
func EntrySize(e types.PutEventsRequestEntry) int {
	n := len(aws.ToString(e.Source)) + len(aws.ToString(e.DetailType)) + len(aws.ToString(e.Detail))
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

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
		if len(cur) == maxEntries || len(cur) > 0 && size+e.size >= MaxEntrySize {
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
