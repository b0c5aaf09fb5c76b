// Package notify tells the owner how a workflow ended: a Summary rendered
// as plain text and as self-contained HTML, delivered by a Notifier. It
// also turns a CloudWatch alarm's SNS message (ParseAlarm: metric,
// metric-math, anomaly-detection and composite alarms) into a Message with
// one-click console links, the runbook and times in UTC and New York
// (AlarmMessage; golden texts per payload shape in testdata/). A Budget
// is an SLO's error budget over its period (percent remaining, failures
// still allowed): summaries list every SLO's, and an SLO alarm's
// notification its own (AlarmSLO reads which from the description).
//
// Notifiers:
//
//   - Outbox writes <key>.txt, .html and .json into a directory, atomically
//     (temporary file, then rename); used locally and in tests;
//   - app/notify/sns publishes to a topic through aws-sdk-go-v2 (apart, so
//     this package links no AWS SDK), with a JSON message structure so
//     e-mail subscribers get the text and others the default;
//   - Slack posts to an incoming webhook;
//   - Multi fans out to several and joins their errors.
//
// Every Message has a Key (correlation id and status). A notifier that can
// tell returns ErrDuplicate for a key it has already delivered, so a
// duplicated event does not notify twice; SNS and Slack cannot tell and rely
// on the handler's idempotency.
//
// Limits: SNS subjects are at most 100 printable ASCII characters without
// line breaks, and messages at most 256 KiB
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); NewMessage
// keeps subjects within that (Subject), and the SNS notifier truncates an
// oversize text body with a marker rather than fail.
package notify
