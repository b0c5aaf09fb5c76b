// Package dynamodb is the idempotency.Store of the functions in AWS: the
// records live in a DynamoDB table (template.yaml's IdempotencyTable,
// IDEMPOTENCY_TABLE in the functions' environment) through aws-sdk-go-v2.
//
// The table has partition key "id" (S) and TTL on "expiration". Items
// carry Powertools for AWS Lambda's attributes, so its documentation
// describes the table and its clients read the records: id, status,
// expiration (N, unix seconds), in_progress_expiration (N, unix
// milliseconds), data (B, the response) and validation (S, the payload
// hash); plus owner (S), the acquisition's token, which is this kit's own.
//
// Each Store operation is one request:
//
//   - Acquire is a conditional PutItem (no record, an expired one, or an
//     in-progress one whose in-progress expiry passed); when the condition
//     fails, a strongly consistent GetItem reads the blocking record, so it
//     sees the write that won. ReturnValuesOnConditionCheckFailure would
//     save that read, but dynalite, which the tests run on, ignores it.
//   - Complete is an UpdateItem of the fields completion changes, and
//     Extend an UpdateItem of the in-progress expiry, both conditional on
//     the owner; Release is a DeleteItem conditional on the owner, Delete
//     an unconditional one; Get is a strongly consistent GetItem.
//
// Expiry is always compared by the condition, never left to DynamoDB's
// TTL, which may delete an expired item days late.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
//
// A failed condition is idempotency.ErrExists (Acquire) or
// idempotency.ErrLeaseLost (Complete, Extend); any other DynamoDB error is
// returned wrapped, naming the key and the table. The tests run the
// contract suite (idempotencytest.Run) on dynalite
// (app/idempotency/dynalitetest), which needs Node.
package dynamodb
