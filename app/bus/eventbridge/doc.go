// Package eventbridge is the bus.Publisher of the functions in AWS: it
// publishes to an EventBridge custom bus with PutEvents through
// aws-sdk-go-v2. The local stack runs the same publisher against its
// emulated bus (New takes any PutEventsAPI).
//
// Batching follows PutEvents' limits: at most 10 entries per call, and a
// call under 256 KB, where an entry's size is putevents.EntrySize (AWS's rule: the
// UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for
// Time; the TraceHeader does not count).
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
//
// PutEvents succeeds as a call even when some of its entries fail: its
// result has one entry per request entry, in the same order, each with an
// EventId or an ErrorCode, and FailedEntryCount says how many failed
// ("Handling failures with PutEvents"). The publisher reads
// every result entry, retries alone those whose code may pass
// (ThrottlingException, InternalFailure, InternalException,
// ServiceUnavailable, RequestTimeout) and returns a *bus.PublishError
// naming those still failing; the others were accepted.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html
//
// Defaults (WithRetry): 5 attempts in all, with exponential backoff and
// full jitter from 50 ms to 2 s (app/internal/retry), within the context's
// deadline: when the deadline comes, what is pending keeps its last error.
// The SDK's own retryer has retried transport errors and throttled calls
// before the publisher sees them.
//
// An event whose entry would reach 256 KB is claim-checked when
// WithClaimCheck gives a store (bus.PutClaimCheck): the detail goes to the
// store and the entry carries the event's metadata and a pointer. Without
// a store such an event is an error and nothing is published.
//
// Every publish is a PRODUCER span (bus.StartPublish) whose context is in
// the event's metadata and, as an X-Ray header, in the entry's
// TraceHeader, so X-Ray's service map links producer and consumer. An
// Observer (WithObserver; the metrics recorder) hears retries and claim
// checks.
package eventbridge
