// Package events serves EventBridge's API (awsJson1_1, target prefix
// AWSEvents, signing name events) over the local stack's emulated bus
// (package emulator), for the Go SDK and the AWS CLI pointed at the local
// endpoint.
//
// Served, each as its API reference page describes it
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/):
//   - PutEvents, through the emulator's PutEvents, so the template's rules
//     route each event to their targets and the archive keeps it; the
//     emulator validates as AWS does, a call-level failure (no entries,
//     over 10, over 256 KB) is a ValidationException and an entry's
//     failure its ErrorCode and ErrorMessage, counted in FailedEntryCount;
//   - DescribeEventBus and ListRules (EventBusName, NamePrefix, Limit
//     1 to 100, NextToken) from the template: every rule is ENABLED;
//   - ListArchives and DescribeArchive: the template's archives, ENABLED,
//     with EventCount and SizeBytes (the bytes of the events' JSON) of
//     what the emulator archived while this process ran;
//   - StartReplay, DescribeReplay and ListReplays: a replay runs the
//     emulator's Replay in the background over the archived events whose
//     time (the event's own "time", as EventBridge replays by event
//     time) is in [EventStartTime, EventEndTime); its state goes STARTING,
//     RUNNING, then COMPLETED (or FAILED with a StateReason).
//     EventSourceArn must be an archive's ARN, Destination.Arn the ARN of
//     the bus the archive is on, EventStartTime before EventEndTime, and
//     the name new (ResourceAlreadyExistsException);
//   - TestEventPattern with the emulator's matcher (package
//     eventpattern, the rules' own): a pattern it refuses is
//     InvalidEventPatternException, "Event pattern is not valid. Reason: "
//     and what is wrong where; an Event that is not valid JSON, not an
//     object or without id, account, source, time, region, resources and
//     detail-type is a ValidationException naming the problem.
//
// An unknown bus, archive or replay is ResourceNotFoundException, a
// broken request ValidationException. NextToken is opaque (the next
// item's name); a token that was not given out is a ValidationException.
//
// Deviations: the template's buses, rules and archives are fixed (no
// Put/Delete of rules, targets or archives); Destination.FilterArns is
// refused (the emulator replays to every rule of the bus); replays and
// their states are kept in memory; AWS replays in one-minute windows,
// not necessarily in order, the emulator in archive order; CreationTime
// of the archives is when New ran; TestEventPattern takes patterns
// of at most 2048 characters, the rules' limit, where the API allows 4096.
//
// Concurrency: Events' methods and operations are safe for concurrent
// use; Close waits for the replays running.
package events
