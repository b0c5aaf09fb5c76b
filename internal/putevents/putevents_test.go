package putevents

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

func TestEntrySizeFollowsAWSRule(t *testing.T) {
	e := types.PutEventsRequestEntry{Source: aws.String("é"), DetailType: aws.String("T"), Detail: aws.String("{}"),
		Resources: []string{"ab"}, TraceHeader: aws.String(strings.Repeat("x", 1000))}
	if got := EntrySize(e); got != 2+1+2+2 {
		t.Errorf("size %d, want 7 (UTF-8 bytes; TraceHeader not counted)", got)
	}
	e.Time = aws.Time(time.Now())
	if got := EntrySize(e); got != 21 {
		t.Errorf("size with Time %d, want 21", got)
	}
}
