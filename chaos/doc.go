// Package chaos runs fault-injection scenarios on the embedded local stack
// (app/local) and checks the system's invariants on each run:
//
//   - accounting: every workflow the scheduler started (its "workflow
//     started" log lines) ended completed or failed (the run's terminal
//     events) or has a message in the run's queues (the events DLQs and the
//     on-failure destinations, attributed by correlation id); nothing is
//     unaccounted for, nothing ended that never started, and the bus and
//     Lambda dropped no event for want of a DLQ or destination (their
//     "event dropped" lines in logs/eventbridge.log);
//   - no duplicate orders: no order of one workflow was accepted twice at
//     the paper exchange, by client order id or by (workflow, symbol, side)
//     under two client order ids, or under ids no plan produced beyond the
//     workflows that planned that symbol and side
//     (local.Stack.DuplicateOrders);
//   - no duplicate notifications: the outbox holds at most one
//     notification per correlation id;
//   - every failure alerted: the scenario's alarms reach ALARM when the
//     generated alarms (alarms.GeneratedStates) are evaluated on the run's
//     metrics once a minute, from the first metric to 20 minutes after the
//     last; a scenario that names no alarm (clean, or a fault the system
//     absorbs) must fire none, and a scenario the system recovers from by
//     itself names the alarms that must stay quiet (Scenario.Quiet);
//   - notifications as declared: what the humans received from those
//     alarm states (alarms.CountNotifications: each alarm's transitions to ALARM
//     by alarms.AlarmSeverity, page or ticket, and back to OK; dashboard-only
//     alarms notify no one) equals the scenario's Notifications, zero for
//     a clean run, an absorbed fault or a holiday; the
//     report carries the counts as alarm_notifications. The declared
//     counts are what the alarms send today (several pages for most
//     incidents); an OK sent after the evaluation's end is not counted;
//   - delivered: before the checks, each alarm state change that notifies
//     runs the alarm's actions from template.yaml (deliverAlarms, package
//     emulator/sns, the template resolved with alertParameters): its
//     topics deliver CloudWatch's message to their human subscriptions
//     (recorded in sns/deliveries.jsonl) and to the notifications
//     function (invoked asynchronously through the emulator); the report
//     carries what reached a human as human_deliveries, and
//     "notifier-broken" (the function fails every invocation) holds that
//     every page and OK still reached the page topic's direct subscriber
//     exactly once;
//   - findable: the incident's saved query returns the affected workflows
//     (exactly, where the scenario knows them; at least one row otherwise);
//     on the clean scenario every incident query returns nothing, and so on
//     an absorbed fault, whose metric (Scenario.Absorbed, e.g.
//     PublishRetries) must show it happened.
//
// A scenario is one incident type of docs/INCIDENTS.md: its stack setup
// (Knobs, duplicates, a hook on the stack before the run, an action
// after it), the alarms that must fire and the saved query that must find
// it. Scenarios lists them: "clean" injects nothing; "market-holiday" runs
// a Saturday and Labor Day, which must end market_closed with no order and
// no alarm (its own Scenario.Invariant); "duplicates-absorbed" delivers
// 30% of the events twice at the real traffic, where every duplicate must
// be skipped without a handler error, an alarm or a notification;
// "broker-retried" fails a quarter of the order requests, which the
// executor's retries absorb; one per
// incident type
// the local stack can produce, with variants (broker 503, 429 and hung
// requests; publishing throttled for good or absorbed by retries); then the
// recoveries: "redelivery-after-timeout" (the first execution attempt
// times out, Lambda's retry trades once), "crash-after-order" (the
// execution runtime dies between placing its orders and publishing; at
// AWS's proportions its idempotency lease lapses before Lambda's retry,
// which finds the orders by client order id, with no dead letter and no
// on-failure page: Scenario.Quiet), "crash-dead-lettered" (the same
// without the lease: the retries meet the dead attempt's in-progress
// record, the event is dead-lettered and redriven once it expires), "dlq-redrive" (dead letters
// put back on the bus once the fault is gone; both redrives run dlq.Redrive, the
// code of alchemiser dlq redrive, over the local queues) and "archive-replay" (a
// clean run's archive replayed: nothing may trade or notify twice).
//
// Terminal statuses come from the run's report, completed by the outbox's
// notifications (<correlation id>-<status>) for workflows that ended after
// the run, e.g. on a redrive. A workflow that both ended and was
// dead-lettered counts once, as ended.
//
// Options.Unguarded (the idempotency store forgets everything),
// Options.Unprotect (a stack without a protection: no per-call broker
// timeout, no publish retries, fresh client order ids per attempt, no
// claim store, no on-failure destinations, no watchdog, no breaker, no
// idempotency lease), Options.Tamper and Options.SpecEdit exist so tests
// can show each invariant failing when its protection is missing;
// chaos/protections_test.go does so for every scenario.
//
// NewStack builds a scenario's stack: the local stack (app/local) with
// Knobs turned into its options and hooks a Setup may set after it is
// built (SetPutFailure, CrashOnPublish). AlarmStates and FiredAlarms
// evaluate the template's generated alarms on a run directory's metrics,
// with the symptoms' dimensions resolved to the local names: how the
// scenarios and the incident proofs (incidents_test.go) tell that an
// incident was alerted.
//
// Defaults: a scenario's own workflow count (2 or 3) when Options.Workflows
// is zero; a temporary run directory, removed after the checks unless
// Options.Dir or Options.Keep is set; the SLO spec built into the binary
// (alarms.DefaultSpec). Limits: runs are sequential and take
// a few seconds each; timing scenarios (workflow-slow, lambda-timeout,
// cold-start-spike, redelivery-after-timeout, the crashes) inject
// latencies, timeouts and leases of a few hundred milliseconds, so a run
// on the wall clock (the CLI) assumes a machine that is not overloaded.
// The package's tests run every scenario in a testing/synctest bubble,
// the paper exchange on an in-memory network (Options.Network,
// internal/memnet): there every wait is virtual and a timeout always
// beats a longer latency, whatever the machine's load.
// The clean scenario's "no alarm" and "nothing found" cover every
// generated alarm and the incident queries listed in cleanQueries.
package chaos
