// Package emulator runs, in one process, the AWS services the workflow
// uses, built from template.yaml's model (package topology): EventBridge
// (buses, rules, targets, archive and replay), Lambda's asynchronous
// invocation, EventBridge Scheduler's schedules, SQS queues, the
// functions' CloudWatch log groups with Lambda's platform lines, and the
// platform's metrics. The local stack (app/local) registers the functions'
// handlers with it and publishes through the real EventBridge publisher.
//
// What it does as AWS documents:
//   - PutEvents validates as AWS does: 1 to 10 entries, entry and call
//     under 256 KB by AWS's size rule, Source and DetailType present,
//     DetailType of at most 128 characters, Detail a JSON object, a bus of
//     the template
//     (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html);
//   - rules match with package eventpattern, and targets get the event, or
//     their Input, InputPath or InputTransformer
//     (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html);
//   - delivery is at least once: WithDuplicates delivers a share twice;
//   - a target that cannot be invoked is retried with exponential backoff
//     and jitter until its policy's attempts or event age run out, then the
//     event goes to the target's DLQ with RULE_ARN, TARGET_ARN, ERROR_CODE
//     and ERROR_MESSAGE attributes; a missing function is not retried
//     (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
//   - a function's error is retried by Lambda's asynchronous invocation
//     (MaximumRetryAttempts, about 1 and 2 minutes apart, within
//     MaximumEventAgeInSeconds), then the invocation record goes to the
//     on-failure destination
//     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
//     Lambda retries every function error, whatever its cause;
//   - a target or schedule naming a function's alias (its AutoPublishAlias)
//     invokes the function, with the alias's ARN as the Lambda context's
//     InvokedFunctionArn (there is one version: nothing is shifted);
//   - an invocation runs with the function's timeout and a Lambda context;
//     Crash ends one as a dying runtime does (Runtime.ExitError, retried;
//     the next invocation is a cold start);
//   - archived events can be replayed (Replay); a replayed event carries
//     replay-name and is not archived again;
//   - log groups get Lambda's START/END/REPORT lines, or their JSON
//     platform records, by the function's LogFormat
//     (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html);
//     ReadUsage bills a run's REPORT lines;
//   - the platform's metrics (AWS/Events, AWS/Lambda, AWS/SQS, AWS/Logs)
//     are written as EMF lines to WithMetrics' writer
//     (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html,
//     https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html);
//   - FireSchedule invokes a schedule's target asynchronously with its
//     Input and context attributes filled in
//     (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
//
// Time: every wait (EventBridge's retry backoff, Lambda's retry waits)
// goes through the Clock (WithClock). The default, ScaledClock, is the
// real clock with waits scaled by WithTimeScale; it uses package time
// only, so inside a testing/synctest bubble its waits are virtual. Event
// age is the sum of the waits, in unscaled time; a function's timeout is
// not scaled, nor is the backoff of throttled events (see Concurrency).
//
// Defaults: no waiting (time scale 0), no duplicates, a fixed seed for
// jitter and duplicate choices (WithSeed), queues and archives in memory
// and no log groups (WithDir keeps them in files), logs discarded
// (WithLogger), no metrics (WithMetrics).
//
// Concurrency: New configures the emulator once; it has no exported
// fields. Register handlers before the first event; Tap, SetUnavailable,
// PutEvents, Inject, InvokeSync, FireSchedule, Replay and Wait are safe
// for concurrent use. Stop ends the waits and cancels what is in flight;
// Close also closes the log groups, then lets the invocations Crash
// parked exit (no goroutine of the emulator outlives it, as a
// testing/synctest bubble requires).
//
// Concurrency: a function with ReservedConcurrentExecutions runs at most
// that many invocations at once; one beyond it is throttled (the
// AWS/Lambda Throttles metric). A synchronous invocation then fails with a
// *ThrottledError. An asynchronous one stays in Lambda's queue and is
// tried again after 1 s, 2 s, 4 s ... at most 5 minutes apart until a slot
// is free or the event's age would pass MaximumEventAgeInSeconds (6 hours
// by default), when its record goes to the on-failure destination with
// condition EventAgeExceeded; throttles do not count against
// MaximumRetryAttempts
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
// Those waits are on the throttle clock (WithThrottleClock), unscaled by
// default: they race the invocations holding the slots, which take real
// time. Queueing reports, per function, the throttles and how long each
// event waited.
//
// Limits: one execution environment per concurrent invocation, no
// account-level concurrency limit; nothing polls the queues:
// a message stays until Queues.Delete (a redrive) removes it; AWS replays in one-minute windows of event time, not
// necessarily in order, the emulator in archive order; the jitter's base
// and cap are ours (AWS documents the policy, not the constants).
package emulator
