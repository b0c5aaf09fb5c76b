// Package dlq redrives dead-lettered events: it drains a dead-letter
// queue (a rule target's DLQ, whose messages are the events, or a
// function's on-failure destination, whose messages are Lambda's
// invocation records) and puts each event back on the bus with PutEvents,
// deleting the message only once the bus accepted it. It is what
// `alchemiser dlq redrive` runs against SQS and EventBridge, and what the
// chaos scenarios run against the local stack's queues and emulator.
//
// The event goes back with its source, detail-type and detail, marked as
// redriven (events.MarkRedriven: metadata.redrive, the dead-letter
// message's id), and EventBridge gives it a new id. Its consumer's
// invocation span starts a new trace linked to the original, as for an
// archive replay. Handlers are idempotent on the detail's event id and
// hash the detail without the mark, so redriving an event that was in
// fact handled does nothing. The mark adds about 50 bytes: a detail
// within as much of PutEvents' 256 KB limit fails to go back, and stays
// in the queue.
//
// Defaults: at most 1000 messages a redrive (WithMax), received ten at a
// time; a message seen twice (SQS hands a message out again once its
// visibility timeout passes) is redriven once. A message whose event
// cannot be put back, or that holds no event, stays in the queue and is
// counted as failed; only a queue that cannot be read ends a redrive with
// an error.
package dlq
