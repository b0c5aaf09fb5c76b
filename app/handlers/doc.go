// Package handlers holds the four Lambda handlers of the workflow as plain
// Go values: each decodes its EventBridge event strictly, calls the domain
// packages, and publishes the next event. They know nothing of Lambda, AWS
// or the local stack; app/functions/*/main.go and app/local wire them.
//
// Every handler has the signature of Func. Error policy, shared by all:
//
//   - an event that cannot be decoded, or of a type the handler does not
//     consume, returns a permanent error (events.Permanent reports true):
//     the invoker must dead-letter it without retrying;
//   - a transient failure (broker unavailable, publish failed, deadline)
//     returns the error so Lambda's asynchronous retries run again; every
//     step is idempotent, so a retry repeats nothing already done;
//   - a business failure (no data for a symbol, orders rejected) publishes
//     WorkflowFailed naming the step and returns nil: the workflow has
//     ended, and retrying would fail the same way.
package handlers
