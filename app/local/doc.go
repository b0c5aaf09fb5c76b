// Package local is the embedded stack: the five functions, composed as in
// Lambda (app/compose), in one process, connected by the emulated AWS
// services built from template.yaml (package emulator), trading through
// the real Alpaca adapter against the paper exchange on 127.0.0.1, with
// market data from the bundled synthetic data set. WithNetwork serves the
// exchange on an in-memory network instead (internal/memnet), so that a
// testing/synctest bubble can hold the whole stack and its waits run on
// the bubble's virtual clock.
//
// New assembles a Stack from a Config and Options; Run runs Config.Workflows
// workflows on the last sessions of the data set, one after another on one
// paper account, and writes a run directory:
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
// Config is the one configuration (run directory, seed, workflows or one
// date, time scale, duplicates); the options are what other harnesses change, each
// with its default: the load test (loadtest's local target: per-workflow
// accounts through WithHTTPClient, an in-memory counted store through
// WithIdempotencyStore, a scheduler middleware through
// WithHandlerMiddleware, WithDay, WithAccount) and the chaos scenarios
// (package chaos: WithTopology, WithoutDestinations, WithExecutorConfig,
// WithPublisherOptions, WithEmulatorOptions, WithInitDelay,
// WithoutSchedule, WithoutWatchdog, WithIdempotencyLease, WithDataset,
// WithDates: any dates, weekends and holidays included)
// and the local AWS endpoint (package localaws: WithTradingEnabled, the
// kill switch read from its SSM parameter). WithBudgets gives the
// notifications function the SLOs' error budgets, read from the metrics
// the run has written so far (alchemiser run, chaos and the local
// endpoint pass app/budgets'; the load test does not, as reading the
// period at every workflow's end would slow a run of thousands).
// Stack.Chain names each function's middleware, the same as in Lambda.
//
// Defaults: one workflow; the run directory a new one under runs/; time
// scale DefaultTimeScale (Lambda's one-minute retry wait takes 100 ms);
// no duplicate deliveries; the file idempotency store. The context given
// to New bounds the emulator: when it ends, retries stop waiting and
// invocations in flight are cancelled.
//
// Determinism: the seed fixes the starting portfolio, the workflows'
// correlation ids (ULIDs stamped 09:35 New York of their session, with
// seeded randomness), and the emulator's jitter and duplicate choices, so
// the same seed gives the same plans and client order ids. Wall-clock
// times (occurred_at, durations) naturally differ.
package local
