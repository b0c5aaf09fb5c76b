// Package putevents holds EventBridge's PutEvents limits and its entry size
// rule, shared by the publisher (app/bus/eventbridge), which must stay under
// them, and the emulator, which enforces them as AWS does.
//
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
package putevents

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// MaxEntries is the limit on entries per PutEvents call.
const MaxEntries = 10

// MaxEntrySize is the limit on an entry, and on a call: both must be
// smaller than 256 KB.
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
