// Package bus is the port through which handlers publish workflow events,
// and the claim-check protocol for details too large for an event. It
// links no AWS SDK: the adapters live in packages of their own.
//
// Publisher is the port every handler publishes through. Publish returns
// nil only when every event was accepted; when some were not, a
// *PublishError (errors.Is ErrPartialFailure) names them with the bus's
// error code and whether a retry may help. Implementations:
//
//   - app/bus/eventbridge: PutEvents to a custom bus through aws-sdk-go-v2,
//     in batches within PutEvents' limits, retrying the entries that failed
//     for a reason that may pass (the local stack runs it against its
//     emulated bus);
//   - Recorder: an in-memory test kit that keeps what was published.
//
// Every publisher stamps the source it was built with
// ("alchemiser.<module>"); the event's type is its detail-type.
// StartPublish starts the publish span ("send {bus}", the messaging
// conventions' send span) and writes its W3C trace context and the
// workflow ids (as baggage) into the event's metadata, which an archive
// replay and a redrive keep: their consumers start a new trace linked to
// that context.
//
// A detail too large for an event goes to a ClaimStore (PutClaimCheck);
// the event keeps its metadata and a ClaimCheck (URI, size, SHA-256), and
// consumers call ResolveClaimCheck before decoding. Stores: DirClaims
// (files; the local stack and tests) and app/bus/s3claims (the S3 bucket in
// AWS). A stored detail that does not match its pointer is a
// ClaimCheckError, which no retry fixes.
//
// DeadLettered reads the event out of a dead-lettered message, for a
// redrive (app/bus/dlq).
package bus
