package chaos

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/topology"
)

// recoveryScenarios are the operator's recoveries after an incident: a
// redrive of the dead letters, a replay of the archive.
func recoveryScenarios() []Scenario {
	return []Scenario{
		{Name: "redelivery-after-timeout", Incident: "lambda-timeout", Description: "on a cash-only account, the first execution " +
			"attempt times out (the exchange places its first buy but holds the answer for 1 s; the timeout is 300 ms); Lambda " +
			"retries it once the exchange is back, finds the order by its client order id, and buys once",
			Notifications: Notifications{Ticket: 1, OK: 1},
			Workflows:     1, Seed: 31, CashOnly: true, TimeScale: 1.0 / 60, // Lambda's first retry wait is 1 s
			Chaos: constant(Knobs{Timeouts: map[string]time.Duration{"execution": 300 * time.Millisecond}}),
			Setup: hangOrdersOnce, Alarms: []string{"lambda-timeout"}, Query: "lambda-timeout"},
		{Name: "crash-after-order", Incident: "handler-error", Description: "the execution function's process dies after placing its " +
			"orders, before TradeExecuted is published; at AWS's proportions (timeout 3 s for 300 s, idempotency lease 200 ms for " +
			"20 s, Lambda's first retry 600 ms for 1 min) the dead invocation's lease has lapsed when Lambda retries: the retry " +
			"finds every order by its client order id and the workflow ends once, with nothing dead-lettered",
			Notifications: Notifications{Ticket: 1, OK: 1},
			Workflows:     2, Seed: 31, TimeScale: 1.0 / 100,
			Chaos: constant(Knobs{Timeouts: map[string]time.Duration{"execution": 3 * time.Second}, Lease: 200 * time.Millisecond}),
			Setup: func(s *Stack) { s.CrashOnPublish("TradeExecuted", 1) }, Alarms: []string{"handler-error"},
			Quiet: []string{"event-dead-lettered", "workflow-stuck"},
			Query: "handler-error", Column: "record.errorType", Affected: func(*Observed) []string { return []string{"Runtime.ExitError"} }},
		{Name: "crash-dead-lettered", Incident: "event-dead-lettered", Description: "the same crash without the idempotency lease " +
			"(Powertools' rule: in progress until the invocation's deadline, 3 s here for 300 s): both of Lambda's retries find " +
			"the dead invocation's record in progress, the event goes to the on-failure destination and, once the deadline has " +
			"passed, is redriven; every order is found by its client order id",
			Notifications: Notifications{Page: 1},
			Workflows:     1, Seed: 31, Chaos: constant(Knobs{Timeouts: map[string]time.Duration{"execution": 3 * time.Second}, Lease: -1}),
			Setup: func(s *Stack) { s.CrashOnPublish("TradeExecuted", 1) }, After: redriveAfter(3 * time.Second),
			Alarms: []string{"event-dead-lettered", "handler-error"},
			Query:  "event-dead-lettered", Column: "correlation_id", Affected: redriven},
		{Name: "dlq-redrive", Incident: "event-dead-lettered", Description: "the account endpoint fails and the portfolio events are dead-lettered; " +
			"once it is back, the queues are redriven onto the bus (as alchemiser dlq redrive does) and the workflows end: the last " +
			"session's plans and trades, the earlier session's is stale and ends stale_skipped, and no order fails",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: accountDown, After: redrive, Alarms: []string{"event-dead-lettered"},
			Query: "event-dead-lettered", Column: "correlation_id", Affected: redriven, NoFailedOrders: true, Stale: redrivenBefore},
		{Name: "stale-plan-redrive", Incident: "event-dead-lettered", Description: "the kill switch cannot be read once the first " +
			"session's plan is made: its RebalancePlanned fails all of Lambda's attempts and is dead-lettered; the next session trades; " +
			"then the queues are redriven and the old plan is refused before any order (stale_skipped): no order fails, no workflow " +
			"fails, no SLO pages",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: killSwitchDownFirstPlan, After: redrive,
			Alarms: []string{"event-dead-lettered", "handler-error"},
			Query:  "event-dead-lettered", Column: "correlation_id", Affected: redriven, NoFailedOrders: true, Stale: redrivenBefore},
		{Name: "archive-replay", Incident: "duplicate-delivery", Description: "after a clean run the whole archive is replayed onto the bus: " +
			"the handlers skip what they already handled, nothing trades or notifies twice",
			Workflows: 2, Seed: 31, After: replayArchive, Query: "duplicate-delivery"},
	}
}

// hangOrdersOnce makes the exchange hold its answers to order requests
// (the orders are placed) from the first plan for 700 ms: long enough to
// time out the first execution attempt (300 ms) after it placed an order
// it never heard of, over before Lambda's retry (1 s later).
func hangOrdersOnce(s *Stack) {
	var once sync.Once
	s.Bus.Tap(func(d emulator.Delivered) {
		if !strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
			return
		}
		once.Do(func() {
			s.Exchange.SetFaults(paper.Faults{AnswerDelay: time.Second, Paths: []string{"/v2/orders"}})
			time.AfterFunc(700*time.Millisecond, func() { s.Exchange.SetFaults(paper.Faults{}) })
		})
	})
}

// redrive clears the exchange's faults and drains every queue onto the
// bus, as alchemiser dlq redrive drains one (dlq.Redrive: a new event id,
// the same detail; the message deleted once the bus took it).
func redrive(ctx context.Context, s *Stack) error {
	s.Exchange.SetFaults(paper.Faults{})
	bus := s.Top.Functions[topology.LogicalID("scheduler")].Env["EVENT_BUS_NAME"]
	return redriveQueues(ctx, s.Queues, slices.Sorted(maps.Keys(s.Top.Queues)), s.Bus, bus)
}

// redriveAfter waits out d (an in-progress lease) before redriving, as
// the runbook tells the operator to.
func redriveAfter(d time.Duration) func(context.Context, *Stack) error {
	return func(ctx context.Context, s *Stack) error {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		return redrive(ctx, s)
	}
}

// replayArchive replays every archive's events, in archive order.
func replayArchive(ctx context.Context, s *Stack) error {
	for _, a := range s.Top.Archives {
		if _, err := s.Bus.Replay(ctx, "chaos-replay", s.Archive.Events(a.LogicalID)); err != nil {
			return fmt.Errorf("could not replay %s: %w", a.LogicalID, err)
		}
	}
	return nil
}

// redriven are the workflows that were dead-lettered, then ended (a
// redriven event of an earlier session may fail on today's exchange).
func redriven(o *Observed) []string {
	var out []string
	for _, id := range o.DeadLettered {
		if slices.Contains(affectedIDs(o, "completed", "failed"), id) {
			out = append(out, id)
		}
	}
	return out
}
