// Package handlers holds the five Lambda handlers of the Alchemiser as
// plain Go values: each decodes its input strictly, calls the domain
// packages, and publishes the next event. They know nothing of Lambda, AWS
// or the local stack; app/compose builds them, with their dependencies as
// fields (Deps and each handler's own), and wraps them in the middleware
// chain, for the Lambda bootstraps (app/functions/*) and the local stack
// (app/local) alike.
//
//   - Scheduler: invoked by EventBridge Scheduler with a ScheduleInput.
//     Trigger "schedule" (or a manual one) publishes WorkflowStarted, the
//     root of the workflow's events and trace, for the New York trading
//     date of the scheduled time; with a Ledger, a scheduled start is
//     claimed per trading date first, so the schedule's retries start one
//     workflow. With a Market it first asks the broker's clock whether the
//     market is open and its calendar when the session closes
//     (events.Workflow.SessionClose); when the market is closed it
//     publishes one WorkflowCompleted, outcome market_closed, instead, and
//     nothing runs. Trigger "watchdog" runs the watchdog instead (below).
//   - Strategy: WorkflowStarted in, SignalGenerated out.
//   - Portfolio: SignalGenerated in, RebalancePlanned out, or
//     WorkflowCompleted (outcome no_trades) when the plan only holds, or
//     (outcome stale_skipped) when the signal is stale.
//   - Execution: RebalancePlanned in; places the orders (sells, then buys)
//     under the kill switch (TradingEnabled), within the session (its
//     context bounded by the workflow's session close; after the close it
//     places nothing and fails the workflow), then publishes TradeExecuted
//     and WorkflowCompleted or WorkflowFailed. A stale plan completes
//     stale_skipped; "false" completes halted; both place no order.
//   - Notifications: WorkflowCompleted and WorkflowFailed in, a summary to
//     the owner out, and the workflow's end in the Ledger; it also turns
//     the CloudWatch alarm messages of the alarm topic (SNS records) into
//     alarm notifications.
//
// Every handler has the signature of Func. Two middlewares wrap the four
// event consumers (not the scheduler, whose input is a schedule):
// ResolvingClaims puts back the detail of an event that travelled as a
// claim check, and Idempotent (given an idempotency store) runs a handler
// at most once per function and metadata.event_id, skipping and counting a duplicate delivery or an
// archive replay. Its in-progress record is a lease of IdempotencyLease
// that the running invocation renews, not the invocation's deadline, so
// Lambda's retry of an invocation whose process died is not turned away.
//
// # Watchdog
//
// EventBridge Scheduler invokes the scheduler every five minutes of the
// session with trigger "watchdog". From the start deadline (09:45 New
// York) on, on a session day of the Market's calendar (on a weekend or a
// holiday it records zeros and logs at DEBUG), each check reads the
// Ledger and records the gauges
// WorkflowsNotStarted and WorkflowsStuck (0 or 1), logging its verdict:
// not started when no scheduled workflow was claimed for the date, stuck
// when the claimed one has no end StuckAfter (15 minutes) after its
// scheduled start. Only the scheduled workflow is watched.
//
// # Error policy
//
//   - An undecodable event, an unknown schema MAJOR, an event of a type the
//     handler does not consume or a schedule input that can never start a
//     workflow returns a permanent error (events.Permanent reports true),
//     logged once as such. Lambda still retries
//     it (it retries every function error); then it lands in the
//     function's on-failure destination with the error in Lambda's record.
//   - A transient failure (broker or market data unavailable after the
//     retries of their clients, publish failed, deadline, an invocation of
//     the same event still running) returns the error, so Lambda's
//     asynchronous retries run again. Every step is idempotent: execution
//     derives client order ids from the correlation id, plan id, symbol and
//     side, so a retried or duplicated delivery never places a second order.
//   - A business failure (no data for a symbol, orders rejected, unfilled
//     or cancelled at the deadline, a kill switch value that is neither
//     "true" nor "false") publishes WorkflowFailed naming the step and
//     returns nil: the workflow has ended, and retrying would fail the
//     same way.
//
// # Stale events and the halt: completions, not failures
//
// A SignalGenerated or RebalancePlanned is acted on only on its own
// trading session, the New York date of Deps.Session (the market's
// clock: Deps.Now in Lambda, the replayed session's time in the local
// stack), and at most StaleAfter (1 h, the template's maximum event age)
// after its occurred_at by Deps.Now. An older one came from a DLQ redrive
// or an archive replay, not from EventBridge's or Lambda's own retries;
// acting on it would trade a plan made from another day's prices and
// positions. It ends the workflow before any broker call with
// WorkflowCompleted, outcome stale_skipped, and one log line ("stale
// event skipped", with the reason). Completed, not failed with a
// stale_plan reason: the operator who redrove or replayed it was already
// paged for that incident, and a WorkflowFailed would page again through
// the workflow-success SLO for a workflow that correctly did nothing. A
// dry run is not checked: it places no order.
//
// The kill switch's "false" is the owner's decision, not a failure: the
// workflow completes with outcome halted, no order, one notification
// that says trading is halted. A value that is neither "true" nor
// "false" halts too (fail-closed) but fails the workflow at step
// kill_switch: a misconfiguration someone must fix.
package handlers
