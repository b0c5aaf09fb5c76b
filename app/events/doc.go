// Package events is the event contract of the Alchemiser workflow: the six
// workflow events as typed Go structs, their metadata, the EventBridge
// envelope that carries them, and a strict decoder.
//
// # Envelope
//
// An event travels as an EventBridge envelope: source "alchemiser.<module>"
// (the publishing module), detail-type = the event name, detail = the event
// as JSON. Replayed events carry "replay-name", which aws-lambda-go's
// events.EventBridgeEvent lacks, so this package decodes envelopes itself.
//
// # Metadata
//
// Every detail has a "metadata" object: event_id (a ULID, so ids sort by
// creation time), correlation_id (the workflow; equal to the WorkflowStarted
// event_id), causation_id (always the parent event's event_id; a workflow's
// first event is its own cause), schema_version "MAJOR.MINOR", occurred_at
// (RFC 3339) and trace (W3C traceparent, tracestate, baggage). A redriven
// event also has redrive (MarkRedriven: the dead-letter message it came
// from), first in the metadata; Unmarked gives the detail as published.
//
// # Decoding rules
//
// Decode is strict where a mistake would corrupt a trade and lenient where
// schemas evolve:
//
//   - every field whose JSON tag lacks omitempty is required; a missing or
//     null required field is ErrMissingField, naming its JSON path;
//   - a value of the wrong JSON type is ErrWrongType, naming its path;
//     decimals (money, quantities, weights) must be JSON strings, so they
//     round-trip exactly; times must be RFC 3339 strings;
//   - a schema MAJOR other than the one this build supports is
//     ErrUnsupportedSchema, checked before the rest of the detail is read;
//   - unknown fields are ignored: a MINOR version may add fields.
//
// All decode errors are *DecodeError, which is not retryable: a consumer
// returns it as a permanent error (Permanent reports true), which no retry
// fixes; Lambda still retries the invocation, then sends the event to the
// function's on-failure destination.
//
// # Limits
//
// Decode reads at most MaxEventBytes (4 MiB: an event resolved from a claim
// check can exceed the 256 KiB EventBridge entry limit).
package events
