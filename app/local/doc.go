// Package local is the embedded stack: the five functions' handlers in one
// process, connected by an EventBridge emulator built from template.yaml
// (EventBridge: rules, targets with retry policies and DLQs, Lambda's
// asynchronous invocation with on-failure destinations, archive and
// replay), trading through the real Alpaca adapter against the paper
// exchange on 127.0.0.1, with market data from the bundled synthetic data
// set.
//
// Run executes N workflows on the last N sessions of the data set, one
// after another on one paper account, and writes a run directory:
//
//	<out>/<UTC time>-seed<S>/
//	  logs/<function>.log   one JSON object per line (logs and EMF)
//	  logs/eventbridge.log  what the bus did: retries, dead letters
//	  traces.jsonl          every span, OTLP/JSON
//	  queues/<queue>.jsonl  the template's SQS queues (absent when empty)
//	  archive/<id>.jsonl    the bus archive, for replay
//	  idempotency.json      which function handled which event
//	  claim-checks/         details too large for PutEvents
//	  outbox/               the notifications (.txt, .html, .json)
//	  cloudwatch/<group>.jsonl  the log groups as CloudWatch Logs holds them
//	  dashboard.html        the dashboards' preview (written by the CLI)
//	  run.json              the results and the bus's counters
//
// After each workflow the watchdog schedule fires at 09:45, 09:50 and 09:55
// of its session (handlers.Scheduler.watch).
//
// Two other entry points drive the same stack: NewLoadStack (the load
// test's local target: many workflows at once, started as EventBridge
// Scheduler would with trigger loadtest, per-workflow paper accounts by
// default, counted usage) and NewChaosStack (the chaos scenarios: the
// incident proofs' setups, event injection, a runtime crash before a
// publish (Crash, CrashOnPublish), an account with dust positions whose
// events need claim checks, and modes without a protection — idempotency,
// the per-call broker timeout, publish retries, derived client order ids,
// the claim store, on-failure destinations — to show what each protects).
//
// AlarmStates and FiredAlarms evaluate the template's generated alarms on
// a run directory's metrics, with the symptoms' dimensions resolved to the
// local names: how the chaos scenarios and the incident proofs tell that an
// incident was alerted.
//
// Crash ends an invocation as a dying runtime process would: the handler's
// goroutine is parked forever (no deferred code, no telemetry flush, no
// publish), the log group gets platform.runtimeDone with status "error" and
// errorType Runtime.ExitError, the next invocation is a cold start, and
// Lambda's asynchronous retries follow as after any function error.
//
// Determinism: the seed fixes the starting portfolio, the workflows'
// correlation ids (ULIDs stamped 09:35 New York of their session, with
// seeded randomness), and the emulator's jitter and duplicate choices, so
// the same seed gives the same plans and client order ids. Wall-clock
// times (occurred_at, durations) naturally differ.
package local
