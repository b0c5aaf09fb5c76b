package dlq_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/alchemiser/alchemiser/app/bus/dlq"
)

// fakeQueue hands out its messages like SQS with a zero visibility
// timeout, the worst case: every Receive returns the first max messages
// still in the queue, seen or not.
type fakeQueue struct {
	msgs     []dlq.Message
	receives int
	fail     error
}

func (q *fakeQueue) Receive(_ context.Context, max int) ([]dlq.Message, error) {
	q.receives++
	if q.fail != nil {
		return nil, q.fail
	}
	return slices.Clone(q.msgs[:min(max, len(q.msgs))]), nil
}

func (q *fakeQueue) Delete(_ context.Context, m dlq.Message) error {
	q.msgs = slices.DeleteFunc(q.msgs, func(x dlq.Message) bool { return x.Receipt == m.Receipt })
	return nil
}

// fakeBus accepts every entry but those of source "bad".
type fakeBus struct{ put []types.PutEventsRequestEntry }

func (b *fakeBus) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	out := &eventbridge.PutEventsOutput{}
	for _, e := range in.Entries {
		if aws.ToString(e.Source) == "bad" {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, types.PutEventsResultEntry{ErrorCode: aws.String("InternalFailure"), ErrorMessage: aws.String("try again")})
			continue
		}
		b.put = append(b.put, e)
		out.Entries = append(out.Entries, types.PutEventsResultEntry{EventId: aws.String("new")})
	}
	return out, nil
}

func event(source, id string) string {
	return fmt.Sprintf(`{"version":"0","id":"x","detail-type":"RebalancePlanned","source":%q,"detail":{"metadata":{"event_id":%q}}}`, source, id)
}

func TestRedrivePutsEventsBackAndDeletesOnlyWhatTheBusTook(t *testing.T) {
	record := `{"requestPayload":` + event("alchemiser.strategy", "E2") + `,"responsePayload":{"errorType":"KeyError"}}`
	q := &fakeQueue{msgs: []dlq.Message{
		{ID: "m1", Body: event("alchemiser.portfolio", "E1"), Receipt: "r1"},
		{ID: "m2", Body: record, Receipt: "r2"},
		{ID: "m3", Body: "not an event", Receipt: "r3"},
		{ID: "m4", Body: event("bad", "E4"), Receipt: "r4"},
	}}
	b := &fakeBus{}
	var outcomes []string
	sum, err := dlq.Redrive(context.Background(), q, b, "alchemiser-bus", dlq.WithReport(func(o dlq.Outcome) {
		outcomes = append(outcomes, fmt.Sprintf("%s %v", o.Message.ID, o.Err))
	}))
	if err != nil || sum != (dlq.Summary{Redriven: 2, Failed: 2}) {
		t.Fatalf("Redrive = %+v, %v", sum, err)
	}
	want := []string{"m1 <nil>", "m2 <nil>", "m3 the message does not hold an EventBridge event", "m4 PutEvents: try again"}
	if !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %q, want %q", outcomes, want)
	}
	if len(b.put) != 2 || aws.ToString(b.put[0].EventBusName) != "alchemiser-bus" || aws.ToString(b.put[1].Source) != "alchemiser.strategy" ||
		!strings.Contains(aws.ToString(b.put[1].Detail), `"E2"`) || aws.ToString(b.put[0].DetailType) != "RebalancePlanned" {
		t.Errorf("put %+v", b.put)
	}
	// Each event goes back marked with the message it came from, so its
	// consumer starts a new trace linked to the original.
	for i, id := range []string{"m1", "m2"} {
		var d struct {
			Metadata struct {
				Redrive string `json:"redrive"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(b.put[i].Detail)), &d); err != nil || d.Metadata.Redrive != id {
			t.Errorf("entry %d: metadata.redrive %q, want %s (%v)", i, d.Metadata.Redrive, id, err)
		}
	}
	if len(q.msgs) != 2 || q.msgs[0].ID != "m3" || q.msgs[1].ID != "m4" {
		t.Errorf("left in the queue: %+v (the two that failed should stay)", q.msgs)
	}
}

func TestRedriveStopsAtMax(t *testing.T) {
	q := &fakeQueue{}
	for i := range 25 {
		q.msgs = append(q.msgs, dlq.Message{ID: fmt.Sprint(i), Body: event("alchemiser.portfolio", fmt.Sprint(i)), Receipt: fmt.Sprint(i)})
	}
	b := &fakeBus{}
	sum, err := dlq.Redrive(context.Background(), q, b, "bus", dlq.WithMax(12))
	if err != nil || sum.Redriven != 12 || len(b.put) != 12 || len(q.msgs) != 13 {
		t.Errorf("Redrive = %+v, %v; %d put, %d left", sum, err, len(b.put), len(q.msgs))
	}
}

func TestRedriveEndsWhenTheQueueGivesNothingNew(t *testing.T) {
	q := &fakeQueue{msgs: []dlq.Message{{ID: "m1", Body: "not an event", Receipt: "r1"}}}
	sum, err := dlq.Redrive(context.Background(), q, &fakeBus{}, "bus")
	if err != nil || sum.Failed != 1 || q.receives != 2 {
		t.Errorf("Redrive = %+v, %v after %d receives; want one failure and a second receive that ends it", sum, err, q.receives)
	}
}

func TestRedriveFailsWhenTheQueueCannotBeRead(t *testing.T) {
	denied := errors.New("AccessDenied")
	_, err := dlq.Redrive(context.Background(), &fakeQueue{fail: denied}, &fakeBus{}, "bus")
	if !errors.Is(err, denied) || !strings.HasPrefix(err.Error(), "could not receive dead letters") {
		t.Errorf("err = %v", err)
	}
}
