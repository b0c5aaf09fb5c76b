package chaos

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// Scenarios are the chaos scenarios: clean, one per incident type of
// docs/INCIDENTS.md that the local stack can produce (built as the proofs in
// incidents_test.go build them), then the recoveries.
func Scenarios() []Scenario {
	return append(incidentScenarios(), recoveryScenarios()...)
}

// The scenarios' Notifications are what the incident alarms send
// (alarms.Notices): one page or one ticket for an incident, whatever chain
// of alarms it trips (a handler failing every attempt trips handler-error,
// then event-dead-lettered and workflow-stuck: one page, the ticket
// suppressed), and its resolve when the run sees it resolve (a workflow
// left stuck, a dead-letter queue left full or a log spike still in its
// hour stay open: no OK). Clean runs and absorbed faults send nothing. The
// objectives' burn-rate tiers are not deployed at the template's defaults
// and their minimum volume is far above a chaos run's, so they send
// nothing here.

func incidentScenarios() []Scenario {
	return []Scenario{
		{Name: "clean", Description: "no fault: every workflow completes, no alarm fires, no incident query finds anything",
			Workflows: 3, Seed: 31},
		{Name: "market-holiday", Description: "the schedule fires on a Saturday and on Labor Day (2026-09-05 and 2026-09-07): " +
			"the broker's clock says the market is closed, so each workflow ends market_closed with no order, and the watchdog, " +
			"reading the same calendar, raises no alarm",
			Workflows: 2, Seed: 31, Chaos: constant(Knobs{Dates: []time.Time{date("2026-09-05"), date("2026-09-07")}}),
			Invariant: marketClosed},
		{Name: "workflow-failed", Incident: "workflow-failed", Description: "the exchange rejects every order; workflows end in WorkflowFailed",
			Notifications: Notifications{Page: 1, OK: 1},
			Workflows:     3, Seed: 31, Setup: rejectAll, Alarms: []string{"workflow-failed"},
			Query: "workflow-failed", Column: "correlation_id", Affected: failed},
		{Name: "order-rejected", Incident: "order-rejected", Description: "the exchange rejects every order",
			Notifications: Notifications{Page: 1, OK: 1},
			Workflows:     3, Seed: 31, Setup: rejectAll, Alarms: []string{"workflow-failed"},
			Query: "order-rejected", Column: "correlation_id", Affected: failed},
		{Name: "handler-error", Incident: "handler-error", Description: "GET /v2/account fails with 500: the portfolio function errors on every attempt",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: accountDown, Alarms: []string{"handler-error"}, Query: "handler-error"},
		{Name: "event-dead-lettered", Incident: "event-dead-lettered", Description: "the portfolio function fails all async retries; its event goes to the on-failure destination",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: accountDown, Alarms: []string{"event-dead-lettered"},
			Query: "event-dead-lettered", Column: "correlation_id", Affected: stuck},
		{Name: "workflow-stuck", Incident: "workflow-stuck", Description: "started workflows never end (their event was dead-lettered)",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: accountDown, Alarms: []string{"workflow-stuck"},
			Query: "workflow-stuck", Column: "correlation_id", Affected: stuck},
		{Name: "broker-degraded", Incident: "broker-degraded", Description: "the broker answers 503 to everything once the plan is made; the breaker opens",
			Notifications: Notifications{Page: 1},
			Workflows:     1, Seed: 31, Setup: brokerAfterPlan(503), Alarms: []string{"broker-degraded"}, Query: "broker-degraded"},
		{Name: "broker-rate-limited", Incident: "broker-degraded", Description: "the broker answers 429 to everything once the plan is made; retries, then the breaker opens",
			Notifications: Notifications{Page: 1},
			Workflows:     1, Seed: 31, Setup: brokerAfterPlan(429), Alarms: []string{"broker-degraded"}, Query: "broker-degraded"},
		{Name: "broker-timeouts", Incident: "broker-degraded", Description: "the broker holds every request open once the plan is made; " +
			"each attempt ends at the 100 ms call timeout and is retried, then the breaker opens",
			Notifications: Notifications{Page: 1},
			Workflows:     1, Seed: 31, Chaos: constant(Knobs{BrokerCallTimeout: 100 * time.Millisecond}), Setup: brokerHangsAfterPlan,
			Alarms: []string{"broker-degraded"}, Query: "broker-degraded"},
		{Name: "duplicate-delivery", Incident: "duplicate-delivery", Description: "EventBridge delivers 30% of the events twice",
			Workflows: 3, Seed: 21, Duplicates: 0.3, Query: "duplicate-delivery"},
		{Name: "broker-retried", Description: "once the plan is made the broker answers 503 to a quarter of the order requests: " +
			"the executor's retries place every order, the breaker stays closed",
			Workflows: 2, Seed: 31, Setup: brokerFlaky, Query: "broker-degraded", Invariant: counted(BrokerRetried, "BrokerErrors")},
		{Name: "duplicates-absorbed", Description: "EventBridge delivers 30% of the events twice at the real traffic " +
			"(alchemiser run --workflows 2 --duplicates 0.3): every duplicate is skipped, none is a handler error, no alarm fires",
			Workflows: 2, Seed: 1, Duplicates: 0.3, Query: "duplicate-delivery", Invariant: counted(DuplicatesSkipped, "DuplicateEvents")},
		{Name: "publish-failed", Incident: "publish-failed", Description: "PutEvents throttles every SignalGenerated",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Setup: throttleSignals, Alarms: []string{"publish-failed"},
			Query: "publish-failed", Column: "correlation_id", Affected: started},
		{Name: "publish-throttled", Description: "PutEvents throttles two of every three entries of each event type: " +
			"the publishers' retries carry every event through",
			Workflows: 2, Seed: 31, Setup: throttleBursts, Absorbed: "PublishRetries"},
		{Name: "oversize-payload", Description: "the account holds 1,200 dust positions (0.001 share each, too small to sell): " +
			"the plan and the workflow's end list them all, exceed PutEvents' 256 KB entry limit and travel as claim checks",
			Workflows: 2, Seed: 31, Dust: 1200, Absorbed: "ClaimChecks"},
		{Name: "poison-event", Incident: "poison-event", Description: "a SignalGenerated of unsupported schema major version 9 is put on the bus",
			Notifications: Notifications{Page: 1, OK: 1},
			Workflows:     1, Seed: 32, Setup: poison, Alarms: []string{"handler-error"}, Query: "poison-event"},
		{Name: "lambda-timeout", Incident: "lambda-timeout", Description: "execution's timeout is 40 ms and order POSTs take 100 ms",
			Notifications: Notifications{Page: 1},
			Workflows:     2, Seed: 31, Chaos: constant(Knobs{Timeouts: map[string]time.Duration{"execution": 40 * time.Millisecond}}),
			Setup: orderLatency(100 * time.Millisecond), Alarms: []string{"lambda-timeout"}, Query: "lambda-timeout"},
		{Name: "cold-start-spike", Incident: "cold-start-spike", Description: "the strategy function's init takes 200 ms over the baseline",
			Workflows: 1, Seed: 31, Chaos: constant(Knobs{InitDelay: map[string]time.Duration{"strategy": (alarms.InitBaselineMs + 200) * time.Millisecond}}),
			Query: "cold-start-spike", Params: map[string]string{"init_ms": fmt.Sprint(alarms.InitBaselineMs)}},
		{Name: "log-volume-spike", Incident: "log-volume-spike", Description: "the portfolio function logs 1500 extra lines per invocation",
			Notifications: Notifications{Ticket: 1},
			Workflows:     2, Seed: 31, Chaos: constant(Knobs{LogNoise: map[string]int{"portfolio": 1500}}),
			Alarms: []string{"log-volume-spike"}, Query: "log-volume-spike", Column: "correlation_id", Affected: all},
		{Name: "workflow-slow", Incident: "workflow-slow", Description: "order POSTs take 150 ms; the latency threshold is 1 s (the deployed 120 s cannot be reached locally)",
			Notifications: Notifications{Ticket: 1, OK: 1},
			Workflows:     2, Seed: 31, Setup: orderLatency(150 * time.Millisecond), Spec: latencyThreshold(1000),
			Alarms: []string{"workflow-slow"}, Query: "workflow-slow", Params: map[string]string{"threshold_ms": "1000"},
			Column: "correlation_id", Affected: slowerThan(1000)},
		{Name: "workflow-not-started", Incident: "workflow-not-started", Description: "the schedule does not fire on the second of three sessions",
			Notifications: Notifications{Page: 1},
			Workflows:     3, Seed: 31, Chaos: skipSecondLast, Alarms: []string{"workflow-not-started"},
			Query: "workflow-not-started", Column: "trading_date", Affected: notStarted, Found: unstartedDates},
		{Name: "notifier-broken", Incident: "handler-error", Description: "the notifications function fails every invocation (a bad deploy) " +
			"and the exchange rejects every order: the failed workflow's summary and every enriched alarm message are lost to the " +
			"on-failure queue, and the page still reaches the page topic's direct human subscription",
			Notifications: Notifications{Page: 1},
			Workflows:     1, Seed: 31, Chaos: constant(Knobs{Failing: []string{"notifications"}}), Setup: rejectAll,
			Alarms: []string{"handler-error"}, Query: "handler-error", Invariant: pagedWithoutTheNotifier},
	}
}

// MarketClosed is the market-holiday scenario's invariant.
const MarketClosed = "market closed: no order"

// marketClosed checks that every workflow ended market_closed and that
// the exchange accepted no order.
func marketClosed(o *Observed) Check {
	var other []string
	for _, r := range o.Results {
		if r.Status != "completed" || r.Outcome != events.OutcomeMarketClosed || r.OrdersSubmitted != 0 {
			other = append(other, fmt.Sprintf("%s %s %s", r.TradingDate, r.Status, r.Outcome))
		}
	}
	c := Check{Name: MarketClosed, Pass: len(other) == 0 && o.Orders == 0 && len(o.Results) > 0,
		Detail: fmt.Sprintf("%d workflows ended %s, %d orders at the exchange", len(o.Results)-len(other), events.OutcomeMarketClosed, o.Orders)}
	if len(other) > 0 {
		c.Detail += fmt.Sprintf("; not market_closed: %v", other)
	}
	return c
}

// The invariants of the faults absorbed where their saved query still
// lists them (duplicates-absorbed, broker-retried): the fault happened,
// so the scenario's "no alarm, no notification" is not vacuous.
const (
	DuplicatesSkipped = "duplicates skipped"
	BrokerRetried     = "broker errors retried"
)

// counted is the invariant name: the run's metric counted the fault.
func counted(name, metric string) func(o *Observed) Check {
	return func(o *Observed) Check {
		n, err := metricSum(o.Dir, metric)
		c := Check{Name: name, Pass: err == nil && n > 0, Detail: fmt.Sprintf("%s counted %g", metric, n)}
		if err != nil {
			c.Detail = err.Error()
		}
		return c
	}
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // a typo in a scenario
	}
	return d
}

func constant(c Knobs) func([]time.Time) Knobs {
	return func([]time.Time) Knobs { return c }
}

func rejectAll(s *Stack) { s.Exchange.RejectSymbols(s.Dataset.Symbols()...) }

func accountDown(s *Stack) {
	s.Exchange.SetFaults(paper.Faults{ErrorRates: map[int]float64{500: 1}, Paths: []string{"/v2/account"}})
}

// brokerAfterPlan makes the broker answer status to every request once
// a plan is on the bus: the orders meet it, not the planning.
func brokerAfterPlan(status int) func(s *Stack) {
	return func(s *Stack) {
		s.Bus.Tap(func(d emulator.Delivered) {
			if strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
				s.Exchange.SetFaults(paper.Faults{ErrorRates: map[int]float64{status: 1}})
			}
		})
	}
}

// brokerFlaky makes the broker answer 503 to a quarter of the order
// requests once a plan is on the bus (the exchange's seeded randomness).
func brokerFlaky(s *Stack) {
	s.Bus.Tap(func(d emulator.Delivered) {
		if strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
			s.Exchange.SetFaults(paper.Faults{ErrorRates: map[int]float64{503: 0.25}, Paths: []string{"/v2/orders"}})
		}
	})
}

// brokerHangsAfterPlan makes the broker hold every request open, until
// the client gives up, once a plan is on the bus.
func brokerHangsAfterPlan(s *Stack) {
	s.Bus.Tap(func(d emulator.Delivered) {
		if strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
			s.Exchange.SetFaults(paper.Faults{TimeoutRate: 1})
		}
	})
}

func throttleSignals(s *Stack) {
	s.SetPutFailure(func(_, detailType string) (string, string) {
		if detailType == "SignalGenerated" {
			return "ThrottlingException", "Rate exceeded"
		}
		return "", ""
	})
}

// throttleBursts throttles two of every three PutEvents entries of each
// detail type: each entry's first two attempts while workflows run one at
// a time.
func throttleBursts(s *Stack) {
	var mu sync.Mutex
	seen := map[string]int{}
	s.SetPutFailure(func(_, detailType string) (string, string) {
		mu.Lock()
		defer mu.Unlock()
		seen[detailType]++
		if seen[detailType]%3 != 0 {
			return "ThrottlingException", "Rate exceeded"
		}
		return "", ""
	})
}

// poisonEvent is a producer on a newer schema: MAJOR 9 is not supported.
const poisonEvent = `{"version":"0","id":"p1","detail-type":"SignalGenerated","source":"alchemiser.strategy","account":"000000000000",` +
	`"time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],"detail":{"metadata":{"event_id":"01POISON","correlation_id":"01POISON",` +
	`"causation_id":"01POISON","schema_version":"9.0","occurred_at":"2026-11-20T14:35:00Z"}}}`

func poison(s *Stack) {
	s.Bus.Inject("Bus", []byte(poisonEvent), "p1")
	s.Bus.Wait()
}

func orderLatency(d time.Duration) func(*Stack) {
	return func(s *Stack) {
		s.Exchange.SetFaults(paper.Faults{Latency: d, Paths: []string{"/v2/orders"}})
	}
}

func latencyThreshold(ms float64) func(*alarms.Spec) {
	return func(spec *alarms.Spec) {
		for i := range spec.SLOs {
			if spec.SLOs[i].Latency != nil {
				spec.SLOs[i].Latency.ThresholdMs = ms
			}
		}
	}
}

// skipSecondLast skips the second-last session (the only one of a
// one-workflow run), so a later workflow shows the schedule is back.
func skipSecondLast(days []time.Time) Knobs {
	day := days[max(len(days)-2, 0)]
	return Knobs{SkipDays: map[string]bool{day.Format(time.DateOnly): true}}
}

func failed(o *Observed) []string  { return affectedIDs(o, "failed") }
func stuck(o *Observed) []string   { return affectedIDs(o, "stuck") }
func all(o *Observed) []string     { return affectedIDs(o, "completed", "failed", "stuck") }
func started(o *Observed) []string { return slices.Clone(o.Started) }

func slowerThan(ms float64) func(*Observed) []string {
	return func(o *Observed) []string {
		var out []string
		for _, r := range o.Results {
			if r.Status == "completed" && r.DurationMs > ms {
				out = append(out, r.CorrelationID)
			}
		}
		return uniq(out)
	}
}

// notStarted are the trading dates of the workflows that did not start.
func notStarted(o *Observed) []string {
	var out []string
	for _, r := range o.Results {
		if r.Status == "not_started" {
			out = append(out, r.TradingDate)
		}
	}
	return out
}

// unstartedDates are the workflow-not-started rows with no start.
func unstartedDates(r *insights.Result) []string {
	date, n := slices.Index(r.Columns, "trading_date"), slices.Index(r.Columns, "started")
	var out []string
	for _, row := range r.Rows {
		if date >= 0 && n >= 0 && row[n] == "0" && row[date] != "" {
			out = append(out, row[date])
		}
	}
	return uniq(out)
}
