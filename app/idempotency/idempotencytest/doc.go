// Package idempotencytest is the test kit of idempotency stores: Run, the
// contract suite every idempotency.Store passes (the memory and file
// stores here, the DynamoDB store in app/idempotency/dynamodb on
// dynalite), and the clock, handlers and records its tests are written
// with.
package idempotencytest
