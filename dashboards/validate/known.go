package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/internal/inputs"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/alchemiser/alchemiser/topology"
)

// Known is what a dashboard may reference.
type Known struct {
	// Metrics: namespace -> metric name -> the dimension-name sets the
	// code (or AWS) emits, each sorted.
	Metrics map[string]map[string][][]string
	// Alarms are alarm names without the stack prefix, e.g.
	// "events-dlq-not-empty".
	Alarms map[string]bool
	// LogGroups are log group names as the template writes them, e.g.
	// "/aws/lambda/${AWS::StackName}-scheduler".
	LogGroups map[string]bool
}

// The template is resolved with its pseudo parameters standing for
// themselves, so resolved names read as the template writes them
// ("${AWS::StackName}-scheduler") and match the dashboards, which keep the
// same placeholders until CloudFormation substitutes them.
const (
	stackRef   = "${AWS::StackName}"
	regionRef  = "${AWS::Region}"
	accountRef = "${AWS::AccountId}"
)

// KnownFromRepo builds Known from the repository: the metric catalogue as
// the EMF exporter publishes it, the log metric filters, the AWS metrics
// of the template's resources, and the template's alarms and log groups.
func KnownFromRepo(templatePath string) (Known, error) {
	src, err := inputs.ReadFile(templatePath, inputs.Config)
	if err != nil {
		return Known{}, fmt.Errorf("could not read the stack's alarms and log groups: %w", err)
	}
	return KnownFromTemplate(templatePath, src)
}

// KnownFromTemplate is KnownFromRepo for a template already read (the
// one built into the binary), named file in errors.
func KnownFromTemplate(file string, src []byte) (Known, error) {
	top, err := topology.Load(file, src, topology.Options{StackName: stackRef, Region: regionRef, Account: accountRef})
	if err != nil {
		return Known{}, fmt.Errorf("could not read the stack's alarms and log groups: %w", err)
	}
	k := Known{Metrics: map[string]map[string][][]string{}, Alarms: map[string]bool{}, LogGroups: map[string]bool{}}
	k.addCatalogue(metrics.Namespace, metrics.All(), telemetry.DefaultDimensions)
	for _, f := range alarms.MetricFilters {
		k.add(metrics.Namespace, f.MetricName) // the filters set no dimensions
	}
	k.addAWS(top)
	for _, r := range top.Resources {
		k.addResource(r)
	}
	return k, nil
}

// add records that namespace/name is published with the dimension names
// dims (in any order).
func (k Known) add(namespace, name string, dims ...string) {
	set := append([]string{}, dims...)
	sort.Strings(set)
	if k.Metrics[namespace] == nil {
		k.Metrics[namespace] = map[string][][]string{}
	}
	for _, s := range k.Metrics[namespace][name] {
		if equalStrings(s, set) {
			return
		}
	}
	k.Metrics[namespace][name] = append(k.Metrics[namespace][name], set)
}

// addCatalogue adds the catalogue's metrics with the dimension sets the
// EMF exporter (telemetry/emf.go) writes: the allowed attribute
// dimensions plus service, and the rollup [service] alone. Attributes the
// exporter does not allow are dropped, so they are no dimension.
func (k Known) addCatalogue(namespace string, c telemetry.Catalogue, allowed []string) {
	for _, m := range c {
		dims := []string{"service"}
		for _, d := range m.Dimensions {
			if contains(allowed, d) && d != "service" {
				dims = append(dims, d)
			}
		}
		k.add(namespace, m.Name, dims...)
		k.add(namespace, m.Name, "service")
	}
}

// addResource adds what one template resource contributes: an alarm's
// name, a log group's name, a metric filter's metrics.
func (k Known) addResource(r topology.Resource) {
	switch r.Type {
	case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
		// Only alarms named after the stack can be written in a dashboard
		// that works for every stack; the template names them all so.
		name, _ := r.Properties["AlarmName"].(string)
		if rest, ok := strings.CutPrefix(name, stackRef+"-"); ok {
			k.Alarms[rest] = true
		}
	case "AWS::Logs::LogGroup":
		if name, ok := r.Properties["LogGroupName"].(string); ok {
			k.LogGroups[name] = true
		}
	case "AWS::Logs::MetricFilter":
		ts, _ := r.Properties["MetricTransformations"].([]any)
		for _, t := range ts {
			k.addTransformation(t)
		}
	}
}

// addTransformation adds a metric filter's metric with its dimensions.
func (k Known) addTransformation(t any) {
	m, _ := t.(map[string]any)
	ns, _ := m["MetricNamespace"].(string)
	name, _ := m["MetricName"].(string)
	if ns == "" || name == "" {
		return
	}
	var dims []string
	for _, d := range asSlice(m["Dimensions"]) {
		if key, ok := d.(map[string]any)["Key"].(string); ok {
			dims = append(dims, key)
		}
	}
	k.add(ns, name, dims...)
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// addAWS adds the AWS metrics of the template's functions, rules, bus,
// queues and log groups.
func (k Known) addAWS(top *topology.Topology) {
	have := map[string][][]string{} // dimension token -> the sets it stands for
	if len(top.Functions) > 0 {
		have["FunctionName"] = [][]string{{"FunctionName"}}
	}
	for _, r := range top.Rules {
		set := []string{"RuleName"}
		if r.Bus != "default" {
			set = []string{"EventBusName", "RuleName"} // a rule on a custom bus
		}
		have["RuleName"] = appendSet(have["RuleName"], set)
	}
	if len(top.Buses) > 0 {
		have["EventBusName"] = [][]string{{"EventBusName"}}
	}
	if len(top.Queues) > 0 {
		have["QueueName"] = [][]string{{"QueueName"}}
	}
	for _, r := range top.Resources {
		if r.Type == "AWS::Logs::LogGroup" {
			have["LogGroupName"] = [][]string{{"LogGroupName"}}
		}
	}
	for _, ns := range awsMetrics {
		k.addNamespace(ns, have)
	}
}

func appendSet(sets [][]string, set []string) [][]string {
	for _, s := range sets {
		if equalStrings(s, set) {
			return sets
		}
	}
	return append(sets, set)
}

// addNamespace adds a namespace's metrics for the dimensions the stack's
// resources give them; "None" (the account-wide aggregate) comes with any
// resource of the namespace.
func (k Known) addNamespace(ns awsNamespace, have map[string][][]string) {
	present := false
	for _, r := range ns.resources {
		present = present || have[r] != nil
	}
	if !present {
		return
	}
	for _, m := range ns.metrics {
		for _, token := range strings.Split(m.dims, ",") {
			if token == "None" {
				k.add(ns.name, m.name)
			}
			for _, set := range have[token] {
				k.add(ns.name, m.name, set...)
			}
		}
	}
}

// awsNamespace is an AWS namespace's metrics, as its documentation lists
// them, and the dimension tokens whose resources make it ours.
type awsNamespace struct {
	name      string
	resources []string
	metrics   []awsMetric
}

// awsMetric is a metric and its documented dimensions: comma-separated
// tokens, "None" for the account-wide aggregate.
type awsMetric struct{ name, dims string }

// awsMetrics are the AWS metrics our resources produce. Only metrics that
// apply to what the template declares are listed (no provisioned
// concurrency, streams, FIFO queues or partner events).
var awsMetrics = []awsNamespace{
	// "Types of metrics for Lambda functions" and "Viewing metrics for
	// Lambda functions" (by FunctionName; "Across All Functions", no
	// dimension):
	// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
	{name: "AWS/Lambda", resources: []string{"FunctionName"}, metrics: []awsMetric{
		{"Invocations", "FunctionName,None"}, {"Errors", "FunctionName,None"}, {"DeadLetterErrors", "FunctionName,None"},
		{"DestinationDeliveryFailures", "FunctionName,None"}, {"Throttles", "FunctionName,None"},
		{"Duration", "FunctionName,None"}, {"PostRuntimeExtensionsDuration", "FunctionName,None"},
		{"ConcurrentExecutions", "FunctionName,None"}, {"UnreservedConcurrentExecutions", "None"},
		{"AsyncEventsReceived", "FunctionName,None"}, {"AsyncEventAge", "FunctionName,None"},
		{"AsyncEventsDropped", "FunctionName,None"},
	}},
	// "Monitoring Amazon EventBridge": "Metrics that specify only the
	// RuleName dimension refer to the default event bus. Metrics that
	// specify both the EventBusName and RuleName dimensions refer to a
	// custom event bus." The page spells two latency metrics
	// "Ingestionto..."; CloudWatch's names have a capital T.
	// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
	{name: "AWS/Events", resources: []string{"RuleName", "EventBusName"}, metrics: []awsMetric{
		{"DeadLetterInvocations", "RuleName"}, {"FailedInvocations", "RuleName"}, {"Invocations", "None,RuleName"},
		{"InvocationAttempts", "EventBusName,None,RuleName"}, {"InvocationsCreated", "None"},
		{"InvocationsFailedToBeSentToDlq", "RuleName"}, {"InvocationsSentToDlq", "RuleName"},
		{"IngestionToInvocationCompleteLatency", "EventBusName,None,RuleName"},
		{"IngestionToInvocationSuccessLatency", "EventBusName,None,RuleName"},
		{"IngestionToInvocationStartLatency", "EventBusName,None,RuleName"},
		{"MatchedEvents", "EventBusName,RuleName"}, {"RetryInvocationAttempts", "EventBusName,None,RuleName"},
		{"SuccessfulInvocationAttempts", "EventBusName,None,RuleName"}, {"ThrottledRules", "EventBusName,None,RuleName"},
		{"TriggeredRules", "EventBusName,None,RuleName"},
		{"PutEventsApproximateCallCount", "None"}, {"PutEventsApproximateFailedCount", "None"},
		{"PutEventsApproximateSuccessCount", "None"}, {"PutEventsApproximateThrottledCount", "None"},
		{"PutEventsEntriesCount", "None"}, {"PutEventsFailedEntriesCount", "None"},
		{"PutEventsLatency", "None"}, {"PutEventsRequestSize", "None"},
	}},
	// "Available CloudWatch metrics for Amazon SQS" (dimension QueueName):
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
	{name: "AWS/SQS", resources: []string{"QueueName"}, metrics: []awsMetric{
		{"ApproximateAgeOfOldestMessage", "QueueName"}, {"ApproximateNumberOfMessagesDelayed", "QueueName"},
		{"ApproximateNumberOfMessagesNotVisible", "QueueName"}, {"ApproximateNumberOfMessagesVisible", "QueueName"},
		{"NumberOfEmptyReceives", "QueueName"}, {"NumberOfMessagesDeleted", "QueueName"},
		{"NumberOfMessagesReceived", "QueueName"}, {"NumberOfMessagesSent", "QueueName"},
		{"SentMessageSize", "QueueName"},
	}},
	// "Monitoring with CloudWatch metrics" of CloudWatch Logs (the
	// ingestion metrics, by LogGroupName; the delivery metrics need
	// subscription filters, which the template has none of):
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html
	{name: "AWS/Logs", resources: []string{"LogGroupName"}, metrics: []awsMetric{
		{"IncomingBytes", "LogGroupName"}, {"IncomingLogEvents", "LogGroupName"},
	}},
}
