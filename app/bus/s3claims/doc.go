// Package s3claims is the claim-check store of the functions in AWS: a
// bus.ClaimStore over an S3 bucket (template.yaml's ClaimCheckBucket,
// CLAIM_CHECK_BUCKET in the functions' environment).
//
// The EventBridge publisher (app/bus/eventbridge) puts an event's detail
// here when the entry would reach PutEvents' 256 KB limit; consumers
// (handlers.ResolvingClaims) get it back. It is a package of its own,
// apart from the publisher, because both sides use it and each adapter
// package links one AWS service's SDK.
//
// Put writes the object with PutObject under the key the publisher gives
// (claim-checks/<event type>/<event id>.json) and returns
// s3://<bucket>/<key>; Get reads any s3:// URI with GetObject. An object
// is read whole into memory: details are at most a few megabytes. The
// bucket's lifecycle rule expires objects after 14 days, as long as the
// dead-letter queues keep a message, so a redriven event still resolves;
// a replay from the bus archive (90 days) of an older claim-checked event
// does not.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
package s3claims
