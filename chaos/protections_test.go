package chaos

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/internal/memnet"
)

// Each invariant can fail: a protection is disabled, or a count
// tampered with, and the invariant's check catches it.

func run(t *testing.T, name string, o Options) *Report {
	t.Helper()
	sc, err := Named(name)
	if err != nil {
		t.Fatal(err)
	}
	o.SpecFile = "../alarms/slos.yaml"
	return runInBubble(t, sc, o)
}

// runInBubble runs sc in a testing/synctest bubble, the paper exchange on
// an in-memory network: every wait, timeout, latency and lease of the
// scenario runs on the bubble's virtual clock, so no fault races the
// machine's speed.
func runInBubble(t *testing.T, sc Scenario, o Options) *Report {
	t.Helper()
	var rep *Report
	synctest.Test(t, func(t *testing.T) {
		o.Network = memnet.Listen()
		var err error
		if rep, err = Run(context.Background(), sc, o); err != nil {
			t.Fatal(err)
		}
	})
	if rep == nil {
		t.FailNow()
	}
	return rep
}

// unprotected runs each scenario with unprotect applied and asserts that
// the checks named fail.
func unprotected(t *testing.T, scenarios []string, unprotect func(*StackConfig), checks ...string) {
	t.Helper()
	for _, name := range scenarios {
		t.Run(name, func(t *testing.T) {
			assertFails(t, run(t, name, Options{Unprotect: unprotect}), checks...)
		})
	}
}

func assertFails(t *testing.T, rep *Report, names ...string) {
	t.Helper()
	if rep.Pass {
		t.Errorf("%s passed every invariant", rep.Scenario)
	}
	for _, name := range names {
		c := rep.Check(name)
		t.Log(c)
		if c.Pass {
			t.Errorf("%s did not catch it: %s", name, c)
		}
	}
}

// A replay of the archive without the idempotency guard trades again:
// the replayed signals are planned on today's positions, under new client
// order ids for the same workflows. (The earlier session's are also stale,
// and refused as such: that check is off too, to show the guard's part.)
func TestReplayWithoutIdempotencyTradesTwice(t *testing.T) {
	rep := run(t, "archive-replay", Options{Unguarded: true, Unprotect: func(c *StackConfig) { c.Knobs.AcceptStale = true }})
	assertFails(t, rep, NoDuplicateOrders)
}

// Without the guard, concurrent duplicate deliveries may or may not trade
// twice (it depends on which copy plans first), but the duplicates are no
// longer seen at all: the guard is what logs and counts them, so the
// incident is neither alerted nor findable.
func TestDuplicateDeliveryWithoutIdempotencyIsInvisible(t *testing.T) {
	rep := run(t, "duplicate-delivery", Options{Unguarded: true})
	assertFails(t, rep, EveryFailureAlert, Findable)
	t.Log(rep.Check(NoDuplicateOrders), "; ", rep.Check(NoDuplicateNotices))
}

func TestAccountingCatchesAMissingDeadLetter(t *testing.T) {
	rep := run(t, "handler-error", Options{Tamper: func(o *Observed) { o.DeadLettered = o.DeadLettered[1:] }})
	assertFails(t, rep, Accounting)
}

func TestAccountingCatchesAnEndWithoutAStart(t *testing.T) {
	rep := run(t, "clean", Options{Workflows: 2, Tamper: func(o *Observed) { o.Started = o.Started[1:] }})
	assertFails(t, rep, Accounting)
}

func TestDuplicateNotificationsAreCaught(t *testing.T) {
	rep := run(t, "clean", Options{Workflows: 1, Tamper: func(o *Observed) {
		for id := range o.Notifications {
			o.Notifications[id]++ // a second notification, e.g. -failed after -completed
		}
	}})
	assertFails(t, rep, NoDuplicateNotices)
}

func TestDuplicateOrdersAreCaught(t *testing.T) {
	rep := run(t, "clean", Options{Workflows: 1, Tamper: func(o *Observed) { o.DuplicateOrders = 1 }})
	assertFails(t, rep, NoDuplicateOrders)
}

func TestAlertCatchesARemovedAlarm(t *testing.T) {
	rep := run(t, "workflow-failed", Options{Workflows: 2, SpecEdit: func(s *alarms.Spec) {
		s.Incidents["workflow-failed"] = alarms.SeverityDashboard // no alarm of its own
	}})
	assertFails(t, rep, EveryFailureAlert)
}

func TestFindableCatchesAMissedWorkflow(t *testing.T) {
	rep := run(t, "workflow-failed", Options{Workflows: 2, Tamper: func(o *Observed) {
		o.Results = append(o.Results, o.Results[0])
		o.Results[len(o.Results)-1].CorrelationID = strings.Repeat("Z", 26) // a failure the query cannot see
	}})
	assertFails(t, rep, Findable)
}

// Without the executor's per-call timeout a hung broker holds each
// execution attempt until its Lambda timeout: the breaker never sees a
// failure, so the broker alarm the incident needs stays quiet (the
// timeouts alarm fires instead, pointing the operator at the wrong runbook).
func TestBrokerTimeoutsWithoutACallTimeoutAreNotAlerted(t *testing.T) {
	rep := run(t, "broker-timeouts", Options{Unprotect: func(c *StackConfig) {
		c.Knobs.BrokerCallTimeout = -1
		c.Knobs.Timeouts = map[string]time.Duration{"execution": time.Second}
	}})
	assertFails(t, rep, EveryFailureAlert)
}

// Without the publishers' retries, throttling the bus absorbed becomes
// failed publishes: alarms fire and the publish-failed query finds them.
func TestThrottlingWithoutPublishRetriesFails(t *testing.T) {
	rep := run(t, "publish-throttled", Options{Unprotect: func(c *StackConfig) { c.Knobs.PublishAttempts = 1 }})
	assertFails(t, rep, EveryFailureAlert, Findable)
}

// Without the idempotency lease a crashed invocation's record stays in
// progress until its deadline, longer than Lambda's retries wait: the
// event is dead-lettered and the on-failure alarm pages for what the
// lease lets the system recover from by itself.
func TestCrashWithoutTheLeaseIsDeadLettered(t *testing.T) {
	rep := run(t, "crash-after-order", Options{Workflows: 1, Unprotect: func(c *StackConfig) { c.Knobs.Lease = -1 }})
	assertFails(t, rep, EveryFailureAlert)
}

// The crash's retry re-executes the plan; only the client order ids,
// derived from the workflow and the plan, make the broker answer with the
// orders already placed. With a fresh id per attempt the retry trades
// again.
func TestCrashRetryWithoutDerivedOrderIDsTradesTwice(t *testing.T) {
	unprotected(t, []string{"crash-after-order", "crash-dead-lettered"}, func(c *StackConfig) { c.Knobs.RandomOrderIDs = true }, NoDuplicateOrders)
}

// Without a claim-check store an oversize event cannot be published: the
// portfolio function fails on every attempt, its event is dead-lettered
// and the workflow never ends.
func TestOversizeWithoutAClaimStoreStopsTheWorkflow(t *testing.T) {
	rep := run(t, "oversize-payload", Options{Workflows: 1, Unprotect: func(c *StackConfig) { c.Knobs.NoClaimCheck = true }})
	assertFails(t, rep, EveryFailureAlert, Findable)
}

// The on-failure destination is what keeps an event that failed every
// attempt: without it the event is dropped and its workflow is neither
// ended nor dead-lettered (a poison event, of no workflow, simply
// vanishes), which accounting catches.
func TestFailedEventsWithoutADestinationAreLost(t *testing.T) {
	unprotected(t, []string{"handler-error", "event-dead-lettered", "workflow-stuck", "publish-failed", "poison-event", "lambda-timeout", "dlq-redrive"},
		func(c *StackConfig) { c.Knobs.NoDestinations = true }, Accounting)
}

// The stale-event check is what keeps a redriven event of an earlier
// session from trading on today's account: without it the old plan and
// signal are acted on, and the workflows they end are not skipped.
func TestRedrivenStaleEventsWithoutTheCheckTrade(t *testing.T) {
	unprotected(t, []string{"dlq-redrive", "stale-plan-redrive"}, func(c *StackConfig) { c.Knobs.AcceptStale = true }, NoFailedOrders)
}

// The retry after a timeout re-executes the plan while the first
// attempt's orders may already be at the exchange; fresh client order ids
// per attempt trade them twice.
func TestRedeliveryWithoutDerivedOrderIDsTradesTwice(t *testing.T) {
	rep := run(t, "redelivery-after-timeout", Options{Unprotect: func(c *StackConfig) { c.Knobs.RandomOrderIDs = true }})
	assertFails(t, rep, NoDuplicateOrders)
}

// workflow-slow's alarm reads the latency objective's series and
// threshold: without the objective, slowness goes unalerted.
func TestSLOIncidentsWithoutTheirSLOAreNotAlerted(t *testing.T) {
	for _, c := range []struct {
		scenario string
		slos     []string
	}{
		{"workflow-slow", []string{"workflow-latency"}},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			rep := run(t, c.scenario, Options{Workflows: 2, SpecEdit: func(s *alarms.Spec) {
				s.SLOs = slices.DeleteFunc(s.SLOs, func(slo alarms.SLO) bool { return slices.Contains(c.slos, slo.Name) })
			}})
			assertFails(t, rep, EveryFailureAlert)
		})
	}
}

// The watchdog is what notices a workflow that never started or never
// ended: nothing else emits a metric for something that did not happen.
func TestMissingWorkflowsWithoutTheWatchdogAreNotAlerted(t *testing.T) {
	unprotected(t, []string{"workflow-stuck", "workflow-not-started"}, func(c *StackConfig) { c.Knobs.NoWatchdog = true }, EveryFailureAlert)
}

// Without the breaker, a broker outage is retried call after call: no
// breaker alarm names the broker, and the exchange takes every request.
func TestBrokerOutageWithoutTheBreakerIsNotAlerted(t *testing.T) {
	unprotected(t, []string{"broker-degraded", "broker-rate-limited"}, func(c *StackConfig) { c.Knobs.NoBreaker = true }, EveryFailureAlert)
}

// Lambda's platform lines are the only record of a timeout or a crash:
// without the template's metric filters on them, no metric exists and
// the incident goes unalerted.
func TestPlatformIncidentsWithoutTheirMetricFilterAreNotAlerted(t *testing.T) {
	for _, c := range []struct{ scenario, filter string }{
		{"crash-after-order", "InvocationFailures"}, {"lambda-timeout", "Timeouts"},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			kept := alarms.MetricFilters
			t.Cleanup(func() { alarms.MetricFilters = kept })
			alarms.MetricFilters = slices.DeleteFunc(slices.Clone(kept), func(f alarms.MetricFilter) bool { return f.Name == c.filter })
			if len(alarms.MetricFilters) != len(kept)-1 {
				t.Fatalf("no metric filter %s", c.filter)
			}
			assertFails(t, run(t, c.scenario, Options{}), EveryFailureAlert)
		})
	}
}

// The log-volume alarm's budget is what separates a spike from a busy
// day: above what the spike writes, it lets it through.
func TestLogVolumeSpikeAboveItsBudgetIsNotAlerted(t *testing.T) {
	rep := run(t, "log-volume-spike", Options{SpecEdit: func(s *alarms.Spec) { s.Symptoms.LogEventsPerHour = 1 << 40 }})
	assertFails(t, rep, EveryFailureAlert)
}

// The market-holiday scenario runs on a Saturday and Labor Day, and its
// invariant catches an order placed on either.
func TestMarketClosedCatchesAnOrder(t *testing.T) {
	rep := run(t, "market-holiday", Options{})
	if !rep.Pass {
		t.Fatalf("market-holiday failed: %+v", rep.Checks)
	}
	rep = run(t, "market-holiday", Options{Tamper: func(o *Observed) { o.Orders = 1 }})
	assertFails(t, rep, MarketClosed)
}

// Without the executor's retries the broker errors it absorbed fail
// orders: the workflows fail and the SLOs page.
func TestBrokerErrorsWithoutRetriesPage(t *testing.T) {
	rep := run(t, "broker-retried", Options{Unprotect: func(c *StackConfig) { c.Knobs.BrokerAttempts = 1 }})
	assertFails(t, rep, EveryFailureAlert, NotifiedAsDeclared)
}

// Without the idempotency lease a delivery that meets its first copy
// still running cannot succeed (a crashed holder's retry would meet its
// own record and lose the event), so it fails: the functions' errors
// alarms page for a harmless duplicate.
func TestDuplicatesWithoutTheLeaseAreHandlerErrors(t *testing.T) {
	unprotected(t, []string{"duplicate-delivery", "duplicates-absorbed"}, func(c *StackConfig) { c.Knobs.Lease = -1 },
		EveryFailureAlert, NotifiedAsDeclared)
}

// The page topic's direct subscription is what carries a page past a
// broken notifications function: without it the page topic's only
// subscriber is the function, every alarm message ends in its on-failure
// queue, and no human hears of the incident.
func TestPagesWithoutTheDirectSubscriptionAreLost(t *testing.T) {
	rep := run(t, "notifier-broken", Options{Unprotect: func(c *StackConfig) { c.Knobs.NoPageSubscriptions = true }})
	assertFails(t, rep, PagedWithoutTheNotifier)
	if h := rep.HumanDeliveries; h.Page != 0 || h.Enriched != 0 {
		t.Errorf("human deliveries %+v without a direct subscription and with the notifier broken", h)
	}
}
