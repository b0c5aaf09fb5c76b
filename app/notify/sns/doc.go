// Package sns is the notify.Notifier of the functions in AWS: it publishes
// each message to an SNS topic (template.yaml's NotificationTopic,
// NOTIFY_TOPIC_ARN in the notifications function's environment) through
// aws-sdk-go-v2.
//
// A message is published with MessageStructure json: e-mail subscribers
// get the text, every other protocol the default (the text as well; SNS
// e-mail subscriptions do not render HTML). SNS limits a subject to 100
// printable ASCII characters without line breaks and a message to 256 KiB
// (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): the
// subject is cut by notify.Subject, and an oversize text is cut, with a
// marker that the full summary is in the workflow's logs, rather than
// fail.
//
// SNS cannot tell a repeated message from a new one, so the notifier never
// returns notify.ErrDuplicate: the handler's idempotency keeps a
// duplicated event from notifying twice.
package sns
