package topology

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// securityOptions are the deployments the security policies hold for:
// the defaults, and the load-test queue with an alert subscription.
var securityOptions = map[string]Options{
	"defaults":           {},
	"loadtest and email": {Parameters: map[string]string{"EnableLoadTest": "true", "AlertEmail": "ops@example.com"}},
}

func readTemplate(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// securityFindings are Check's and CheckSecurity's findings, each as
// file:line:col: resource: message.
func securityFindings(t *testing.T, src []byte, opts Options) []string {
	t.Helper()
	top, err := Load(templatePath, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range append(Check(top), CheckSecurity(src, top)...) {
		col := top.Resources[f.Resource].Col
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", templatePath, f.Line, col, f.Resource, f.Msg))
	}
	return out
}

func TestTemplateIsSecure(t *testing.T) {
	src := readTemplate(t)
	for name, opts := range securityOptions {
		t.Run(name, func(t *testing.T) {
			for _, f := range securityFindings(t, src, opts) {
				t.Error(f)
			}
		})
	}
}

// TestEveryStatementIsListed logs every identity and resource policy
// statement with its resource and position, so a review sees them all,
// and checks that the walk finds the ones the template is known to have.
func TestEveryStatementIsListed(t *testing.T) {
	top, err := Load(templatePath, readTemplate(t), securityOptions["loadtest and email"])
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, s := range identityStatements(top) {
		r := top.Resources[s.Resource]
		t.Logf("%s:%d:%d: %s %s: %v on %v", templatePath, r.Line, r.Col, s.Resource, s.Where, s.Doc["Action"], s.Doc["Resource"])
		per[s.Resource]++
	}
	for _, id := range sortedKeys(top.Resources) {
		r := top.Resources[id]
		switch r.Type {
		case "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::Events::EventBusPolicy", "AWS::S3::BucketPolicy":
			for _, st := range statementsOf(dig(r.Properties, "PolicyDocument", "Statement")) {
				t.Logf("%s:%d:%d: %s grants %v %v if %v", templatePath, r.Line, r.Col, id, st["Principal"], st["Action"], st["Condition"])
				per[id]++
			}
		case "AWS::Lambda::Permission":
			t.Logf("%s:%d:%d: %s grants %v %v if SourceArn %v", templatePath, r.Line, r.Col, id, r.Properties["Principal"], r.Properties["Action"], r.Properties["SourceArn"])
			per[id]++
		}
	}
	for id, n := range map[string]int{"SchedulerFunction": 4, "StrategyFunction": 5, "PortfolioFunction": 5, "ExecutionFunction": 6,
		"NotificationsFunction": 5, "ScheduleRole": 2, "EventsDLQPolicy": 1, "LoadTestResultsQueuePolicy": 1,
		"WorkflowCompletedPermission": 1, "WorkflowFailedPermission": 1} {
		if per[id] != n {
			t.Errorf("%s: %d statements found, the template has %d", id, per[id], n)
		}
	}
}

// Each rule must catch its violation: the template with one change.
func TestSecurityRulesCatchViolations(t *testing.T) {
	src := string(readTemplate(t))
	loadtest := securityOptions["loadtest and email"]
	for _, c := range []struct{ name, old, new, want string }{
		{"wildcard action", "              Action: [events:PutEvents]\n              Resource: !GetAtt Bus.Arn\n            # The workflow ledger",
			"              Action: \"*\"\n              Resource: !GetAtt Bus.Arn\n            # The workflow ledger", `SchedulerFunction: policy 0 statement 0: statement allows wildcard action "*"`},
		{"service wildcard in a role", "                Action: [lambda:InvokeFunction]", "                Action: [lambda:*]", `ScheduleRole: policy 0 statement 0: statement allows wildcard action "lambda:*"`},
		{"resource wildcard", "              Action: [sns:Publish]\n              Resource: !Ref NotificationTopic",
			"              Action: [sns:Publish]\n              Resource: \"*\"", `NotificationsFunction: policy 0 statement 0: statement allows [sns:Publish] on Resource "*"`},
		{"resource wildcard beside a resourceless action", "              Action: [sns:Publish]\n              Resource: !Ref NotificationTopic",
			"              Action: [sns:Publish, cloudwatch:PutMetricData]\n              Resource: \"*\"", `on Resource "*"`},
		{"NotAction", "              Action: [sns:Publish]\n              Resource: !Ref NotificationTopic",
			"              NotAction: [iam:*]\n              Resource: !Ref NotificationTopic", "NotificationsFunction: policy 0 statement 0: statement uses NotAction"},
		{"managed policy on a function", "      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: [sns:Publish]",
			"      Policies:\n        - AdministratorAccess\n        - Statement:\n            - Effect: Allow\n              Action: [sns:Publish]", "NotificationsFunction: attaches managed policy AdministratorAccess"},
		{"SAM policy template", "      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: [sns:Publish]",
			"      Policies:\n        - S3FullAccessPolicy: {BucketName: x}\n        - Statement:\n            - Effect: Allow\n              Action: [sns:Publish]", "NotificationsFunction: attaches managed policy S3FullAccessPolicy"},
		{"managed policy on a role", "      AssumeRolePolicyDocument:", "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n      AssumeRolePolicyDocument:",
			"ScheduleRole: attaches managed policy arn:aws:iam::aws:policy/AdministratorAccess"},
		{"unencrypted queue", "      MessageRetentionPeriod: 86400\n      SqsManagedSseEnabled: true\n\n  LoadTestResultsDLQ:",
			"      MessageRetentionPeriod: 86400\n\n  LoadTestResultsDLQ:", "LoadTestResultsQueue: queue is not encrypted"},
		{"unencrypted topic", "      KmsMasterKeyId: alias/aws/sns\n", "", "NotificationTopic: topic is not encrypted"},
		{"undocumented unencrypted alarm topic", "  # Not encrypted with aws/sns: CloudWatch alarms cannot publish to a topic\n  # under an AWS managed key",
			"  # Not encrypted\n  # for now", "AlarmTopic: topic is left unencrypted but the comment above it does not say why"},
		{"unencrypted table", "      SSESpecification:\n        SSEEnabled: true\n", "", "IdempotencyTable: table is not encrypted"},
		{"unencrypted bucket", "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}\n", "", "ClaimCheckBucket: bucket has no default encryption"},
		{"public bucket", "        RestrictPublicBuckets: true\n", "        RestrictPublicBuckets: false\n", "ClaimCheckBucket: bucket does not set PublicAccessBlockConfiguration.RestrictPublicBuckets"},
		{"queue policy without a source", "            Condition:\n              ArnLike:\n                aws:SourceArn: !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${AWS::StackName}-bus/*\n", "",
			"EventsDLQPolicy: statement EventBridgeRulesSendFailedDeliveries grants a service without an aws:SourceArn"},
		{"queue policy open to everyone", "            Principal: {Service: events.amazonaws.com}\n            Action: sqs:SendMessage\n            Resource: [", "            Principal: \"*\"\n            Action: sqs:SendMessage\n            Resource: [",
			"LoadTestResultsQueuePolicy: statement LoadTestResultsRuleSends grants Principal \"*\" without a condition"},
		{"permission without a source", "      Principal: events.amazonaws.com\n      SourceArn: !GetAtt WorkflowFailedRule.Arn\n", "      Principal: events.amazonaws.com\n",
			"WorkflowFailedPermission: permission grants service events.amazonaws.com without SourceArn"},
		{"permission open to everyone", "      Principal: events.amazonaws.com\n      SourceArn: !GetAtt WorkflowFailedRule.Arn\n", "      Principal: \"*\"\n",
			"WorkflowFailedPermission: permission grants Principal \"*\""},
		{"secret parameter", "  LogRetentionDays:\n", "  AlpacaApiKey:\n    Type: String\n    NoEcho: true\n    Default: x\n  LogRetentionDays:\n", "AlpacaApiKey: parameter is named like a secret"},
		{"plaintext secret in a function", "          ALPACA_SECRET_ARN: !Ref AlpacaCredentials\n      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n        MaximumEventAgeInSeconds: 3600\n        DestinationConfig:\n          OnFailure: {Type: SQS, Destination: !GetAtt FailedInvocationsQueue.Arn}\n      Events:\n        WorkflowStarted",
			"          ALPACA_SECRET_ARN: !Ref AlpacaCredentials\n          ALPACA_SECRET_KEY: abc\n      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n        MaximumEventAgeInSeconds: 3600\n        DestinationConfig:\n          OnFailure: {Type: SQS, Destination: !GetAtt FailedInvocationsQueue.Arn}\n      Events:\n        WorkflowStarted",
			"StrategyFunction: environment variable ALPACA_SECRET_KEY is named like a secret and holds a literal"},
		{"trust policy without a source", "            Condition:\n              StringEquals:\n                aws:SourceAccount: !Ref AWS::AccountId\n      Policies:", "      Policies:",
			"ScheduleRole: statement <nil> grants a service without an aws:SourceArn or aws:SourceAccount condition"},
		{"trust policy open to everyone", "            Principal: {Service: scheduler.amazonaws.com}", "            Principal: {AWS: \"*\"}",
			`ScheduleRole: trust policy statement <nil> trusts Principal "*"`},
		{"trust policy of another account", "            Principal: {Service: scheduler.amazonaws.com}", "            Principal: {AWS: \"arn:aws:iam::111122223333:root\"}",
			"ScheduleRole: trust policy statement <nil> lets principal arn:aws:iam::111122223333:root assume the role"},
		{"stateful resource without a deletion policy", "  IdempotencyTable:\n    Type: AWS::DynamoDB::Table\n    DeletionPolicy: Retain\n", "  IdempotencyTable:\n    Type: AWS::DynamoDB::Table\n",
			"IdempotencyTable: AWS::DynamoDB::Table holds data but has no DeletionPolicy"},
		{"stateful resource replaced without a policy", "  AlpacaCredentials:\n    Type: AWS::SecretsManager::Secret\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n", "  AlpacaCredentials:\n    Type: AWS::SecretsManager::Secret\n    DeletionPolicy: Retain\n",
			"AlpacaCredentials: AWS::SecretsManager::Secret holds data but has no UpdateReplacePolicy"},
		{"dead-letter queue deleted with the stack", "  EventsDLQ:\n    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n", "  EventsDLQ:\n    Type: AWS::SQS::Queue\n    DeletionPolicy: Delete\n",
			"EventsDLQ: DeletionPolicy is Delete, which loses the data"},
		{"log group without policies", "  ExecutionLogGroup:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n", "  ExecutionLogGroup:\n    Type: AWS::Logs::LogGroup\n",
			"ExecutionLogGroup: AWS::Logs::LogGroup holds data but has no DeletionPolicy"},
		{"hard-coded partition", "aws:SourceArn: !Sub arn:${AWS::Partition}:events:", "aws:SourceArn: !Sub arn:aws:events:",
			"EventsDLQPolicy: an ARN hard-codes the partition aws"},
		{"plaintext secret in Globals", "        POWERTOOLS_SERVICE_NAME: alchemiser\n", "        POWERTOOLS_SERVICE_NAME: alchemiser\n        SLACK_WEBHOOK: https://hooks.example.com/x\n",
			"ExecutionFunction: environment variable SLACK_WEBHOOK is named like a secret and holds a literal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(src, c.old) {
				t.Fatalf("the template no longer contains %q; update this test", c.old)
			}
			mutated := strings.Replace(src, c.old, c.new, 1)
			all := strings.Join(securityFindings(t, []byte(mutated), loadtest), "\n")
			if !strings.Contains(all, c.want) {
				t.Errorf("violation %q not reported; findings:\n%s", c.want, all)
			}
		})
	}
}

// Findings name the resource and its position.
func TestSecurityFindingsArePositioned(t *testing.T) {
	src := strings.Replace(string(readTemplate(t)), "      KmsMasterKeyId: alias/aws/sns\n", "", 1)
	all := strings.Join(securityFindings(t, []byte(src), Options{}), "\n")
	line := strings.Count(src[:strings.Index(src, "\n  NotificationTopic:\n")+1], "\n") + 2 // its Type, where the mapping starts
	if !strings.Contains(all, fmt.Sprintf("%s:%d:5: NotificationTopic: topic is not encrypted", templatePath, line)) {
		t.Errorf("finding not positioned at the resource:\n%s", all)
	}
}

// The allow-list lets actions without resource-level permissions, and
// only those, use Resource "*".
func TestResourcelessActionsMayUseStar(t *testing.T) {
	src := strings.Replace(string(readTemplate(t)), "              Action: [sns:Publish]\n              Resource: !Ref NotificationTopic",
		"              Action: [sns:Publish]\n              Resource: !Ref NotificationTopic\n            - Effect: Allow\n              Action: [cloudwatch:PutMetricData, xray:PutTraceSegments]\n              Resource: \"*\"", 1)
	top, err := Load(templatePath, []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(identityStatements(top)); n != 28 {
		t.Fatalf("%d statements, want the template's 27 and the added one", n)
	}
	for _, f := range securityFindings(t, []byte(src), Options{}) {
		t.Error(f)
	}
}
