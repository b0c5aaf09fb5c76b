package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/topology"
)

// The redrive the chaos scenarios run is dlq.Redrive over the local
// stack's queues and emulator: a failed invocation's record goes back on
// the bus as its event, the function handles it, the queue is empty.
func TestRedriveDrainsTheLocalQueuesOntoTheEmulator(t *testing.T) {
	ctx := context.Background()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(top)
	if err != nil {
		t.Fatal(err)
	}
	queues := e.Queues()
	for id := range top.Functions {
		_ = e.Register(id, func(context.Context, json.RawMessage) error { return nil })
	}
	var down atomic.Bool
	var handled atomic.Int32
	down.Store(true)
	_ = e.Register(topology.LogicalID("portfolio"), func(_ context.Context, raw json.RawMessage) error {
		if down.Load() {
			return errors.New("account endpoint down")
		}
		if strings.Contains(string(raw), `"event_id":"E1"`) {
			handled.Add(1)
		}
		return nil
	})
	busName := top.Functions[topology.LogicalID("scheduler")].Env["EVENT_BUS_NAME"]
	out, err := e.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{EventBusName: aws.String(busName),
		Source: aws.String("alchemiser.strategy"), DetailType: aws.String("SignalGenerated"), Detail: aws.String(`{"metadata":{"event_id":"E1"}}`)}}})
	if err != nil || out.FailedEntryCount > 0 {
		t.Fatalf("PutEvents: %v %+v", err, out)
	}
	e.Wait()
	if queues.Count() != 1 {
		t.Fatalf("%d dead letters, want the failed invocation's record", queues.Count())
	}
	down.Store(false)
	if err := redriveQueues(ctx, queues, slices.Sorted(maps.Keys(top.Queues)), e, busName); err != nil {
		t.Fatal(err)
	}
	e.Wait()
	if handled.Load() != 1 || queues.Count() != 0 {
		t.Errorf("after the redrive: handled %d time(s), %d dead letter(s) left; want 1 and 0", handled.Load(), queues.Count())
	}
}
