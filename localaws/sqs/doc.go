// Package sqs serves SQS's API over the local stack's queues (the
// emulator's Queues: the template's dead-letter queues and on-failure
// destinations), so that the dead letters the stack writes can be read,
// and deleted, with the Go SDK (awsJson1_0, target prefix AmazonSQS) and
// the AWS CLI v2.9 (awsQuery, namespace
// http://queue.amazonaws.com/doc/2012-11-05/), signing name sqs. Errors
// carry the query protocol's codes for query-compatible clients
// (QueueDoesNotExist is AWS.SimpleQueueService.NonExistentQueue).
//
// Queue URLs: GetQueueUrl and ListQueues give
// Config.Endpoint/000000000000/<name> (the account is the template's),
// or AWS's https://sqs.<region>.amazonaws.com/<account>/<name> when
// Config.Endpoint is empty. Both SDK and CLI send every request to their
// configured endpoint with the URL as the QueueUrl member, so either
// form works as QueueUrl; the queue is the URL's last path segment.
//
// Served, as the API reference describes them
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/):
//   - GetQueueUrl; ListQueues (QueueNamePrefix, MaxResults 1 to 1000,
//     NextToken, the queues in name order);
//   - GetQueueAttributes: All or the names given (QueueArn,
//     ApproximateNumberOfMessages, ...NotVisible, ...Delayed,
//     CreatedTimestamp, LastModifiedTimestamp, VisibilityTimeout,
//     MessageRetentionPeriod, MaximumMessageSize, DelaySeconds,
//     ReceiveMessageWaitTimeSeconds, SqsManagedSseEnabled), from the
//     template's properties at SQS's defaults;
//   - ReceiveMessage: 1 to 10 visible messages in the order sent, each
//     then invisible for VisibilityTimeout (the queue's, or the request's,
//     0 included) on Config.Now's clock; the system attributes asked for
//     (SenderId, SentTimestamp, ApproximateReceiveCount,
//     ApproximateFirstReceiveTimestamp; All) and the message attributes
//     (All, .*, a name or a name.* prefix) with their MD5 digests;
//   - DeleteMessage by a receipt handle ReceiveMessage gave (any other is
//     ReceiptHandleIsInvalid; a message already deleted is not an error);
//     the message leaves the emulator's queue, as a redrive's deletion
//     does;
//   - ChangeMessageVisibility by a receipt handle, 0 to 12 hours from
//     now, for a message in flight (else MessageNotInflight): how a
//     reader that only looks (dlq list) gives the messages back at once;
//   - SendMessage, with MessageAttributes and DelaySeconds; the answer's
//     MD5OfMessageBody and MD5OfMessageAttributes are computed as SQS
//     does (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
//
// Deviations: WaitTimeSeconds is checked but never waited for (an empty
// receive answers at once); message attributes are kept as strings, so
// they come back with DataType String, and Binary ones are refused;
// visibility, receive counts and delays are kept in memory (a restart
// makes every message visible again; the emulator itself keeps no
// deletion across processes: its file records what was sent); no queue
// is created, deleted or purged; FIFO and batches are not served.
//
// Concurrency: SQS's operations are safe for concurrent use.
package sqs
