// Package sns is the local model of Amazon SNS delivery and of the
// CloudWatch alarm actions that publish to it, built from template.yaml's
// topics, subscriptions and alarms (package topology): an alarm that
// changes state publishes CloudWatch's notification to the SNS topics
// among the actions of its new state (AlarmChanged), and a topic
// delivers each message to every subscription the template gives it
// (Publish).
//
// What it does as AWS documents:
//   - the message is CloudWatch's alarm notification JSON (AlarmName,
//     AlarmDescription, AWSAccountId, NewStateValue, OldStateValue,
//     NewStateReason, StateChangeTime, Region, AlarmArn, the actions, and
//     Trigger for a metric or metric-math alarm, AlarmRule for a
//     composite), the subject `ALARM: "<name>" in <region name>`
//     (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-sns-notification-format.html);
//     actions run on a change of state only
//     (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html);
//   - a lambda subscription invokes its function (the alias the
//     subscription names) asynchronously, with the SNS event (Records of
//     EventSource aws:sns, the message in Sns.Message); once Lambda has
//     queued the event, the function's errors are Lambda's: its
//     EventInvokeConfig's retries, then its on-failure destination
//     (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html,
//     through the emulator's asynchronous invocation);
//   - every other subscription (email, email-json, sms, http, https) is a
//     human's or another system's endpoint: the delivery is recorded
//     (Deliveries, and one JSON line per delivery in <Dir>/sns/deliveries.jsonl)
//     with the endpoint, protocol, subject and message, and nothing is sent;
//   - a subscription whose Condition does not hold for the template's
//     parameters does not exist (topology resolves the Conditions).
//
// Limits: deliveries never fail locally, so SNS's delivery retries
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html:
// for Lambda 100,015 attempts over 23 days, for SMTP and SMS a few
// attempts then the message is discarded unless the subscription has a
// dead-letter queue) are not modelled: a lambda subscription whose function
// is not registered is recorded with its error instead; no filter
// policies, raw message delivery, FIFO topics or subscription
// confirmations; SNS's signature fields are placeholders.
//
// Defaults: no run directory (deliveries in memory only); the wall clock.
// Its methods are safe for concurrent use.
package sns
