package topology

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// resourceless are the actions AWS documents as not supporting
// resource-level permissions: a statement granting only these may say
// Resource "*". Each is listed, with its page, in "Actions, resources, and
// condition keys for AWS services"
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
// where its "Resource types" column is empty.
var resourceless = map[string]bool{
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
	"cloudwatch:PutMetricData": true,
	"cloudwatch:GetMetricData": true, // the notifications function reads the SLOs' events
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
	// (what the AWSXRayDaemonWriteAccess managed policy grants on "*")
	"xray:PutTraceSegments":              true,
	"xray:PutTelemetryRecords":           true,
	"xray:GetSamplingRules":              true,
	"xray:GetSamplingTargets":            true,
	"xray:GetSamplingStatisticSummaries": true,
}

// unencryptedTopics are the SNS topics allowed without KmsMasterKeyId,
// with the reason the comment above each in the template must give.
var unencryptedTopics = map[string]string{
	"AlarmTopic":  "CloudWatch alarms cannot publish to a topic under an AWS managed key",
	"PageTopic":   "CloudWatch alarms cannot publish to a topic under an AWS managed key",
	"TicketTopic": "CloudWatch alarms cannot publish to a topic under an AWS managed key",
}

// secretParam is a parameter or variable name that would hold a secret.
var secretParam = regexp.MustCompile(`(?i)(key|secret|token|password|passwd|webhook|credential)`)

// statement is one IAM policy statement and where it was found.
type statement struct {
	Resource, Where string
	Doc             map[string]any
}

// CheckSecurity reports what breaks the template's security policies,
// beyond Check: no identity statement allows a wildcard action or
// Resource "*" (bar resourceless actions), and no function or role
// attaches a managed policy or SAM policy template, whose statements
// cannot be checked here; every SNS topic is encrypted
// unless unencryptedTopics documents why; buckets block public access;
// resource policies and Lambda permissions that name a service or "*"
// are scoped by a source condition, and so are role trust policies, which
// trust no other account; no parameter is named like a secret;
// an environment variable named like a secret holds an ARN or a parameter
// name, never a literal; no ARN names the partition "aws" (it comes from
// AWS::Partition, so the stack deploys to aws-cn and aws-us-gov too).
// src is the template text, for the comments and the ARNs as written.
func CheckSecurity(src []byte, t *Topology) []Finding {
	var out []Finding
	add := func(id string, format string, args ...any) {
		out = append(out, Finding{Resource: id, Line: t.Resources[id].Line, Msg: fmt.Sprintf(format, args...)})
	}
	comments, params := templateComments(src)
	for _, s := range identityStatements(t) {
		checkIdentity(s, add)
	}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		for _, m := range managedPolicies(r) {
			add(id, "attaches managed policy %s, whose statements this check cannot see; grant inline statements", m)
		}
		checkResource(id, r, comments[id], add)
	}
	for _, p := range params {
		out = append(out, Finding{Resource: p.Value, Line: p.Line, Msg: "parameter is named like a secret; keep secrets in Secrets Manager, not parameters"})
	}
	for _, id := range hardCodedPartitions(src) {
		if _, ok := t.Resources[id]; ok {
			add(id, "an ARN hard-codes the partition aws; write arn:${AWS::Partition}:")
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func checkResource(id string, r Resource, comment string, add func(string, string, ...any)) {
	p := r.Properties
	switch r.Type {
	case "AWS::SNS::Topic":
		checkTopic(id, p, comment, add)
	case "AWS::S3::Bucket":
		for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
			if dig(p, "PublicAccessBlockConfiguration", k) != true {
				add(id, "bucket does not set PublicAccessBlockConfiguration.%s", k)
			}
		}
	case "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::S3::BucketPolicy":
		for _, st := range statementsOf(dig(p, "PolicyDocument", "Statement")) {
			checkGrant(id, st, add)
		}
	case "AWS::Events::EventBusPolicy":
		if s, ok := p["Statement"].(map[string]any); ok {
			checkGrant(id, s, add)
		} else {
			checkGrant(id, map[string]any{"Principal": p["Principal"], "Condition": p["Condition"]}, add)
		}
	case "AWS::Lambda::Permission":
		checkPermission(id, p, add)
	case "AWS::IAM::Role":
		for _, st := range statementsOf(dig(p, "AssumeRolePolicyDocument", "Statement")) {
			checkTrust(id, st, add)
		}
	case "AWS::Serverless::Function", "AWS::Lambda::Function":
		checkSecretEnv(id, p, add)
	}
}

func checkTopic(id string, p map[string]any, comment string, add func(string, string, ...any)) {
	if p["KmsMasterKeyId"] != nil {
		return
	}
	reason, ok := unencryptedTopics[id]
	switch {
	case !ok:
		add(id, "topic is not encrypted (KmsMasterKeyId)")
	case !strings.Contains(comment, reason):
		add(id, "topic is left unencrypted but the comment above it does not say why (%q)", reason)
	}
}

func checkIdentity(s statement, add func(string, string, ...any)) {
	if s.Doc["Effect"] == "Deny" {
		return
	}
	if s.Doc["NotAction"] != nil || s.Doc["NotResource"] != nil {
		add(s.Resource, "%s: statement uses NotAction or NotResource", s.Where)
	}
	acts := actions(s.Doc["Action"])
	for _, a := range acts {
		if strings.Contains(a, "*") {
			add(s.Resource, "%s: statement allows wildcard action %q", s.Where, a)
		}
	}
	for _, r := range actions(s.Doc["Resource"]) {
		if r == "*" && !allResourceless(acts) {
			add(s.Resource, "%s: statement allows %v on Resource \"*\"", s.Where, acts)
		}
	}
}

func allResourceless(acts []string) bool {
	for _, a := range acts {
		if !resourceless[a] {
			return false
		}
	}
	return len(acts) > 0
}

// checkGrant checks one statement of a resource policy: "*" must be
// limited to the account, a service to a source.
func checkGrant(id string, st map[string]any, add func(string, string, ...any)) {
	if st["Effect"] == "Deny" {
		return
	}
	keys := conditionKeys(st["Condition"])
	switch kind := principalKind(st["Principal"]); {
	case kind == "*" && !keys["aws:sourceaccount"] && !keys["aws:principalaccount"] && !keys["aws:principalorgid"] && !keys["aws:sourceowner"]:
		add(id, "statement %v grants Principal \"*\" without a condition limiting it to the account", st["Sid"])
	case kind == "service" && !keys["aws:sourcearn"] && !keys["aws:sourceaccount"]:
		add(id, "statement %v grants a service without an aws:SourceArn or aws:SourceAccount condition", st["Sid"])
	}
}

// checkTrust checks a role's trust policy statement as a resource policy
// (checkGrant: a service needs a source condition against the confused
// deputy), and that an AWS principal is this account: a role another
// account can assume is a door this template should not open.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
func checkTrust(id string, st map[string]any, add func(string, string, ...any)) {
	checkGrant(id, st, add)
	if st["Effect"] == "Deny" {
		return
	}
	switch principalKind(st["Principal"]) {
	case "*":
		add(id, "trust policy statement %v trusts Principal \"*\"; name the principal that assumes the role", st["Sid"])
		return
	case "service", "":
		return
	}
	who := fmt.Sprint(st["Principal"])
	if m, ok := st["Principal"].(map[string]any); ok {
		who = fmt.Sprint(m["AWS"])
	}
	if !strings.Contains(who, "AWS::AccountId") {
		add(id, "trust policy statement %v lets principal %s assume the role; only this account's principals may", st["Sid"], who)
	}
}

func checkPermission(id string, p map[string]any, add func(string, string, ...any)) {
	principal := str(p["Principal"])
	scoped := p["SourceArn"] != nil || p["SourceAccount"] != nil
	switch {
	case principal == "*" && p["SourceAccount"] == nil && p["PrincipalOrgID"] == nil:
		add(id, "permission grants Principal \"*\" without SourceAccount or PrincipalOrgID")
	case strings.HasSuffix(principal, ".amazonaws.com") && !scoped:
		add(id, "permission grants service %s without SourceArn or SourceAccount", principal)
	}
}

func checkSecretEnv(id string, p map[string]any, add func(string, string, ...any)) {
	vars, _ := dig(p, "Environment", "Variables").(map[string]any)
	for _, k := range sortedKeys(vars) {
		v := str(vars[k])
		if secretParam.MatchString(k) && !isReference(v) {
			add(id, "environment variable %s is named like a secret and holds a literal; pass a Secrets Manager ARN or SSM parameter name", k)
		}
	}
}

// isReference is a Secrets Manager or SSM ARN, or an SSM parameter name.
func isReference(v string) bool {
	return strings.HasPrefix(v, "arn:aws:secretsmanager:") || strings.HasPrefix(v, "arn:aws:ssm:") || strings.HasPrefix(v, "/")
}

// principalKind is "*", "service", "aws" or "" (none).
func principalKind(v any) string {
	switch x := v.(type) {
	case string:
		if x == "*" {
			return "*"
		}
		return "aws"
	case map[string]any:
		if aws, ok := x["AWS"]; ok && contains(actions(aws), "*") {
			return "*"
		}
		if x["Service"] != nil {
			return "service"
		}
		return "aws"
	}
	return ""
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// conditionKeys are the condition keys of a Condition block, lower case
// (keys are case-insensitive), whatever the operator.
func conditionKeys(v any) map[string]bool {
	out := map[string]bool{}
	ops, _ := v.(map[string]any)
	for _, op := range ops {
		m, _ := op.(map[string]any)
		for k := range m {
			out[strings.ToLower(k)] = true
		}
	}
	return out
}

// managedPolicies are the managed policies a function or role attaches:
// a function's Policies given by name or ARN, a SAM policy template, a
// role's ManagedPolicyArns.
func managedPolicies(r Resource) []string {
	var out []string
	switch r.Type {
	case "AWS::Serverless::Function":
		pols, _ := r.Properties["Policies"].([]any)
		if name, ok := r.Properties["Policies"].(string); ok {
			pols = []any{name}
		}
		for _, p := range pols {
			switch x := p.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				if x["Statement"] == nil {
					out = append(out, strings.Join(sortedKeys(x), ","))
				}
			}
		}
	case "AWS::IAM::Role":
		arns, _ := r.Properties["ManagedPolicyArns"].([]any)
		for _, a := range arns {
			out = append(out, str(a))
		}
	}
	return out
}

// identityStatements are the statements of every inline identity policy:
// a function's Policies, a role's Policies, an IAM policy's document.
func identityStatements(t *Topology) []statement {
	var out []statement
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		var docs []any
		switch r.Type {
		case "AWS::Serverless::Function":
			pols, _ := r.Properties["Policies"].([]any)
			docs = append(docs, pols...)
		case "AWS::IAM::Role":
			pols, _ := r.Properties["Policies"].([]any)
			for _, p := range pols {
				docs = append(docs, dig(p, "PolicyDocument"))
			}
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
			docs = append(docs, r.Properties["PolicyDocument"])
		}
		for i, d := range docs {
			for j, st := range statementsOf(dig(d, "Statement")) {
				out = append(out, statement{Resource: id, Where: fmt.Sprintf("policy %d statement %d", i, j), Doc: st})
			}
		}
	}
	return out
}

func statementsOf(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, s := range x {
			if m, ok := s.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// templateComments returns the comment above each resource, with the
// comment markers and line breaks folded to single spaces, and the
// parameters named like secrets.
func templateComments(src []byte) (map[string]string, []*yaml.Node) {
	var doc yaml.Node
	comments := map[string]string{}
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return comments, nil
	}
	root := doc.Content[0]
	res := mapping(root, "Resources")
	for i := 0; res != nil && i+1 < len(res.Content); i += 2 {
		k := res.Content[i]
		c := strings.ReplaceAll(k.HeadComment, "#", " ")
		comments[k.Value] = strings.Join(strings.Fields(c), " ")
	}
	var params []*yaml.Node
	ps := mapping(root, "Parameters")
	for i := 0; ps != nil && i+1 < len(ps.Content); i += 2 {
		if secretParam.MatchString(ps.Content[i].Value) {
			params = append(params, ps.Content[i])
		}
	}
	return comments, params
}

// hardCodedPartitions are the resources of template src with a string
// that holds "arn:aws:", in file order.
func hardCodedPartitions(src []byte) []string {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	res := mapping(doc.Content[0], "Resources")
	var out []string
	for i := 0; res != nil && i+1 < len(res.Content); i += 2 {
		if holds(res.Content[i+1], "arn:aws:") {
			out = append(out, res.Content[i].Value)
		}
	}
	return out
}

// holds reports whether a scalar under n contains s.
func holds(n *yaml.Node, s string) bool {
	if n.Kind == yaml.ScalarNode {
		return strings.Contains(n.Value, s)
	}
	for _, c := range n.Content {
		if holds(c, s) {
			return true
		}
	}
	return false
}
