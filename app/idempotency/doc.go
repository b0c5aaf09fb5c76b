// Package idempotency runs a handler at most once per key, with the
// semantics of Powertools for AWS Lambda's idempotency utility
// (https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/).
//
// A record per key holds a status (INPROGRESS or COMPLETE), an expiry
// (unix seconds; one hour after completion by default), an in-progress
// expiry (unix milliseconds: the invocation's deadline, or a default when
// the context has none), the handler's response and the SHA-256 of the
// payload. [Guard.Do]:
//
//   - acquires the key with one atomic conditional write of an INPROGRESS
//     record, which succeeds when the key has no record, or its record
//     expired, or it is INPROGRESS and its in-progress expiry passed (so an
//     invocation that crashed does not block retries forever);
//   - when a live COMPLETE record blocks it, returns that record's response
//     without running the handler (replayed), unless the record's payload
//     hash differs: then [ErrPayloadMismatch], which no retry can fix;
//   - when a live INPROGRESS record blocks it, returns [ErrInProgress], a
//     retryable error: the other invocation ends, or its deadline passes;
//   - on the handler's success, stores COMPLETE with the response and the
//     expiry; on its error (or panic), releases the record so a retry runs.
//     Both only while the record is still this call's (the owner token): a
//     holder whose lease lapsed neither completes nor frees a key another
//     invocation now holds.
//
// Leases (Config.Lease) are a difference from Powertools: the
// in-progress expiry is at most a lease away, and the holder renews it
// (Store.Extend, conditional on the record's owner token) every third of
// the lease while the handler runs. An invocation whose process died stops
// renewing, so Lambda's retry a minute later finds the key free, where
// Powertools' rule (the invocation's deadline, 300 s for execution) would
// turn both retries away and dead-letter the event. The functions use
// handlers.IdempotencyLease. The lease is also what lets a delivery that
// meets a running holder succeed ([Guard.Absorbs]): the holder's own
// invocation owns the event, and if it dies its retry finds the key free,
// so the duplicate need not fail (which Lambda would count in the
// function's Errors, and alarms on).
//
// Another difference from Powertools: it compares payloads for any existing
// record, so a reused key is rejected even while the first call runs; here
// only a completed record is compared, and a call that races a running one
// is told to retry (if the first call fails, the retry runs).
//
// Expiry is always checked by the condition, never left to DynamoDB's TTL,
// which may delete an expired item up to days late. The condition is a
// DynamoDB condition expression
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html)
// on PutItem; a failed check reads the blocking record with a consistent
// GetItem.
//
// Stores: [MemoryStore] for the local stack, which [NewFileStore] persists
// to a JSON-lines file so records survive a restart, and the DynamoDB store
// of the functions in AWS (the table of template.yaml), in
// app/idempotency/dynamodb so that this package links no AWS SDK. All make
// the same decision at the same resolution (seconds for the expiry,
// milliseconds for the in-progress expiry); one contract test suite
// (app/idempotency/idempotencytest) runs against each, the DynamoDB store
// on dynalite (app/idempotency/dynalitetest, scripts/dynalite.sh).
package idempotency
