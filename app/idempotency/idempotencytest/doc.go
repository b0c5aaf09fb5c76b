// Package idempotencytest is the test kit of idempotency stores: Run, the
// contract suite every idempotency.Store passes (the memory and file
// stores here, in testing/synctest bubbles with RunInBubbles; the DynamoDB
// store in app/idempotency/dynamodb on dynalite, on the wall clock), and
// the clock, handlers and records its tests are written with. Its waits
// are bounded: a broken store fails the suite, never hangs it.
package idempotencytest
