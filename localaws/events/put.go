package events

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

type putEventsIn struct {
	Entries    []entryIn `json:"Entries"`
	EndpointID string    `json:"EndpointId,omitempty"`
}

type entryIn struct {
	Time         *awsapi.Time `json:"Time,omitempty"`
	Source       *string      `json:"Source,omitempty"`
	Resources    []string     `json:"Resources,omitempty"`
	DetailType   *string      `json:"DetailType,omitempty"`
	Detail       *string      `json:"Detail,omitempty"`
	EventBusName *string      `json:"EventBusName,omitempty"`
	TraceHeader  *string      `json:"TraceHeader,omitempty"`
}

type putEventsOut struct {
	FailedEntryCount int32      `json:"FailedEntryCount"`
	Entries          []entryOut `json:"Entries"`
}

type entryOut struct {
	EventID      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

// putEvents is PutEvents through the emulator, which validates as AWS
// does and routes each event by the template's rules
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
// a failed entry is reported in its place and counted, the others go on.
func (e *Events) putEvents(ctx context.Context, in *putEventsIn) (*putEventsOut, error) {
	req := &eventbridge.PutEventsInput{}
	for _, en := range in.Entries {
		entry := types.PutEventsRequestEntry{Source: en.Source, Resources: en.Resources, DetailType: en.DetailType,
			Detail: en.Detail, EventBusName: en.EventBusName, TraceHeader: en.TraceHeader}
		if en.Time != nil {
			entry.Time = aws.Time(en.Time.Time)
		}
		req.Entries = append(req.Entries, entry)
	}
	res, err := e.bus.PutEvents(ctx, req)
	if err != nil {
		// The emulator names a call-level failure by its AWS code.
		if msg, ok := strings.CutPrefix(err.Error(), awsapi.CodeValidation+": "); ok {
			return nil, awsapi.Validationf("%s", msg)
		}
		return nil, err
	}
	out := &putEventsOut{FailedEntryCount: res.FailedEntryCount, Entries: make([]entryOut, 0, len(res.Entries))}
	for _, r := range res.Entries {
		out.Entries = append(out.Entries, entryOut{EventID: aws.ToString(r.EventId), ErrorCode: aws.ToString(r.ErrorCode),
			ErrorMessage: aws.ToString(r.ErrorMessage)})
	}
	return out, nil
}
