package topology

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Finding is one policy the template breaks.
type Finding struct {
	Resource string
	Line     int
	Msg      string
}

func (f Finding) String() string { return fmt.Sprintf("line %d: %s: %s", f.Line, f.Resource, f.Msg) }

// secretName is an environment variable name that would hold a secret.
var secretName = regexp.MustCompile(`(?i)(secret|password|token|api_?key|private_?key|credential)`)

// Check reports what breaks the kit's template policies: every function
// logs JSON through LoggingConfig, is traced, and has an on-failure
// destination; every rule target has a retry policy and a DLQ; no IAM
// statement allows a wildcard action; queues, table and bucket are
// encrypted; no secret is a plaintext environment value (only its ARN or
// parameter name is); every log group has a retention; every resource
// that holds data (statefulTypes) sets DeletionPolicy and
// UpdateReplacePolicy, to Retain or Snapshot unless disposable says why
// its data may go; and gradual deploys hold (checkDeploys): every function
// has an alias and a DeploymentPreference watching alarms of the template,
// and every rule, schedule and invoke permission names the alias.
func Check(t *Topology) []Finding {
	var out []Finding
	add := func(id string, format string, args ...any) {
		out = append(out, Finding{Resource: id, Line: t.Resources[id].Line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		p := r.Properties
		switch r.Type {
		case "AWS::Serverless::Function", "AWS::Lambda::Function":
			checkFunction(id, r, add)
		case "AWS::SQS::Queue":
			if p["SqsManagedSseEnabled"] != true && p["KmsMasterKeyId"] == nil {
				add(id, "queue is not encrypted (SqsManagedSseEnabled or KmsMasterKeyId)")
			}
		case "AWS::DynamoDB::Table":
			if dig(p, "SSESpecification", "SSEEnabled") != true {
				add(id, "table is not encrypted with a KMS key (SSESpecification.SSEEnabled)")
			}
			if dig(p, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
				add(id, "table has no point-in-time recovery")
			}
		case "AWS::S3::Bucket":
			if dig(p, "BucketEncryption", "ServerSideEncryptionConfiguration") == nil {
				add(id, "bucket has no default encryption")
			}
		case "AWS::Logs::LogGroup":
			if p["RetentionInDays"] == nil {
				add(id, "log group keeps logs forever (no RetentionInDays)")
			}
		}
		checkRetention(id, r, add)
		for _, a := range wildcardActions(p) {
			add(id, "IAM statement allows wildcard action %q", a)
		}
	}
	for _, r := range t.Rules {
		for _, tg := range r.Targets {
			if tg.DLQ == "" {
				out = append(out, Finding{Resource: r.LogicalID, Line: r.Line, Msg: fmt.Sprintf("target %s has no dead-letter queue", tg.ID)})
			}
		}
	}
	out = append(out, checkDeploys(t)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func checkFunction(id string, r Resource, add func(string, string, ...any)) {
	p := r.Properties
	if dig(p, "LoggingConfig", "LogFormat") != "JSON" {
		add(id, "LoggingConfig.LogFormat is not JSON (Lambda filters levels only on JSON logs)")
	}
	if dig(p, "LoggingConfig", "ApplicationLogLevel") == nil {
		add(id, "LoggingConfig has no ApplicationLogLevel")
	}
	if p["Tracing"] != "Active" && dig(p, "TracingConfig", "Mode") != "Active" {
		add(id, "tracing is not Active")
	}
	if r.Type == "AWS::Serverless::Function" && dig(p, "EventInvokeConfig", "DestinationConfig", "OnFailure", "Destination") == nil {
		add(id, "no on-failure destination for asynchronous invocations (EventInvokeConfig)")
	}
	vars, _ := dig(p, "Environment", "Variables").(map[string]any)
	for _, k := range sortedKeys(vars) {
		v := str(vars[k])
		if secretName.MatchString(k) && !strings.HasSuffix(k, "_ARN") && !strings.HasSuffix(k, "_PARAMETER") {
			add(id, "environment variable %s looks like a plaintext secret; pass its Secrets Manager ARN or SSM parameter name instead", k)
		}
		if strings.HasPrefix(v, "AKIA") || strings.HasPrefix(v, "PK") && len(v) == 20 {
			add(id, "environment variable %s holds what looks like an access key", k)
		}
	}
}

// wildcardActions finds IAM actions with a wildcard anywhere in a
// resource's properties (inline policies, role policies, queue and topic
// policies). "*" and "s3:*" are both wildcards.
func wildcardActions(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if k == "Action" || k == "NotAction" {
					for _, a := range actions(c) {
						if strings.Contains(a, "*") {
							out = append(out, a)
						}
					}
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	sort.Strings(out)
	return out
}

func actions(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, a := range x {
			out = append(out, str(a))
		}
		return out
	}
	return nil
}

// statefulTypes are the resource types whose deletion or replacement
// loses data: messages, objects, items, a secret's value, logs.
// CloudFormation deletes a resource without DeletionPolicy when it leaves
// the stack, and the old one after a replacement without
// UpdateReplacePolicy
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html).
var statefulTypes = map[string]bool{
	"AWS::SQS::Queue": true, "AWS::S3::Bucket": true, "AWS::DynamoDB::Table": true,
	"AWS::SecretsManager::Secret": true, "AWS::Logs::LogGroup": true,
}

// disposable are the stateful resources whose data may be deleted with
// them, and why.
var disposable = map[string]string{
	"LoadTestResultsQueue": "a load test's workflow ends, read during the test",
	"LoadTestResultsDLQ":   "a load test's undeliverable workflow ends",
}

func checkRetention(id string, r Resource, add func(string, string, ...any)) {
	if !statefulTypes[r.Type] {
		return
	}
	for _, a := range []struct{ name, value string }{{"DeletionPolicy", r.DeletionPolicy}, {"UpdateReplacePolicy", r.UpdateReplacePolicy}} {
		switch {
		case a.value == "":
			add(id, "%s holds data but has no %s (CloudFormation would delete it)", r.Type, a.name)
		case a.value != "Retain" && a.value != "Snapshot" && disposable[id] == "":
			add(id, "%s is %s, which loses the data; Retain or Snapshot, or list the resource as disposable", a.name, a.value)
		}
	}
}
