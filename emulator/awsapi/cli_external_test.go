//go:build external

package awsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
)

// The AWS CLI v2.9 (Debian's awscli, botocore inside) speaks the query
// protocol to SQS and CloudWatch: these tests drive it against toys of
// both.

// runCLI runs the CLI (internal/awsclitest) against endpoint (none when
// empty) with extra in its environment; one attempt, so a failure shows
// at once.
func runCLI(t *testing.T, endpoint string, extra []string, args ...string) (string, string, error) {
	t.Helper()
	return awsclitest.RunEnv(t, append([]string{"AWS_MAX_ATTEMPTS=1"}, extra...), endpoint,
		append([]string{"--cli-connect-timeout", "5"}, args...)...)
}

// cliJSON runs the CLI and decodes its JSON output into out.
func cliJSON(t *testing.T, endpoint string, out any, args ...string) {
	t.Helper()
	stdout, stderr, err := runCLI(t, endpoint, nil, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("aws %s: output %q: %v", strings.Join(args, " "), stdout, err)
	}
}

func serve(t *testing.T, svcs ...awsapi.Service) string {
	t.Helper()
	srv, err := awsapi.NewServer(svcs)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestSQSWithTheCLI(t *testing.T) {
	url := serve(t, sqsService())

	var queues struct{ QueueUrls []string }
	cliJSON(t, url, &queues, "sqs", "list-queues")
	if !reflect.DeepEqual(queues.QueueUrls, []string{queueURL, queueURL + "-dlq"}) {
		t.Errorf("list-queues: %v", queues.QueueUrls)
	}

	var attrs struct{ Attributes map[string]string }
	cliJSON(t, url, &attrs, "sqs", "get-queue-attributes", "--queue-url", queueURL, "--attribute-names", "VisibilityTimeout", "DelaySeconds")
	if !reflect.DeepEqual(attrs.Attributes, map[string]string{"VisibilityTimeout": "value of VisibilityTimeout", "DelaySeconds": "value of DelaySeconds"}) {
		t.Errorf("get-queue-attributes: %v", attrs.Attributes)
	}

	var received struct {
		Messages []struct {
			MessageId, Body   string
			Attributes        map[string]string
			MessageAttributes map[string]struct{ DataType, StringValue string }
		}
	}
	cliJSON(t, url, &received, "sqs", "receive-message", "--queue-url", queueURL, "--max-number-of-messages", "2",
		"--attribute-names", "SentTimestamp", "--message-attribute-names", "trace-id", "tenant")
	if len(received.Messages) != 2 {
		t.Fatalf("receive-message: %+v", received)
	}
	m := received.Messages[1]
	if m.MessageId != "b" || m.Body != `{"order":"<1> & 2"}` || m.Attributes["SentTimestamp"] != "1764945600000" ||
		m.MessageAttributes["tenant"].StringValue != "v-tenant" || m.MessageAttributes["trace-id"].DataType != "String" {
		t.Errorf("receive-message: %+v", m)
	}

	_, stderr, err := runCLI(t, url, nil, "sqs", "get-queue-url", "--queue-name", "nope")
	var exit *exec.ExitError
	// botocore reports the query protocol's code, as AWS's SQS answered
	// query clients (the SDKs' QueueDoesNotExist is the JSON protocol's
	// name for it); "(reached max retries: 0)" may come between.
	notFound := regexp.MustCompile(`An error occurred \(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the GetQueueUrl operation( \(reached max retries: \d+\))?: The specified queue does not exist\.`)
	if !errors.As(err, &exit) || exit.ExitCode() != 254 || !notFound.MatchString(stderr) {
		t.Errorf("get-queue-url of an unknown queue: %v\n%s", err, stderr)
	}
}

// A toy CloudWatch for the query protocol, as the CLI v2.9 calls it.
type cwDimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}
type cwMetric struct {
	Namespace  string        `json:"Namespace"`
	MetricName string        `json:"MetricName"`
	Dimensions []cwDimension `json:"Dimensions,omitempty"`
}
type cwMetricStat struct {
	Metric cwMetric `json:"Metric"`
	Period int32    `json:"Period"`
	Stat   string   `json:"Stat"`
}
type cwQuery struct {
	Id         string        `json:"Id"`
	MetricStat *cwMetricStat `json:"MetricStat,omitempty"`
	Expression string        `json:"Expression,omitempty"`
	ReturnData *bool         `json:"ReturnData,omitempty"`
}
type cwAlarm struct {
	AlarmName             string        `json:"AlarmName"`
	StateValue            string        `json:"StateValue"`
	StateUpdatedTimestamp *awsapi.Time  `json:"StateUpdatedTimestamp,omitempty"`
	Threshold             float64       `json:"Threshold"`
	EvaluationPeriods     int32         `json:"EvaluationPeriods"`
	ActionsEnabled        bool          `json:"ActionsEnabled"`
	AlarmActions          []string      `json:"AlarmActions"`
	Dimensions            []cwDimension `json:"Dimensions"`
	Metrics               []cwQuery     `json:"Metrics,omitempty"`
}
type cwDescribeAlarmsIn struct {
	AlarmNames []string `json:"AlarmNames"`
}
type cwDescribeAlarmsOut struct {
	MetricAlarms []cwAlarm `json:"MetricAlarms"`
}
type cwGetMetricDataIn struct {
	MetricDataQueries []cwQuery   `json:"MetricDataQueries"`
	StartTime         awsapi.Time `json:"StartTime"`
	EndTime           awsapi.Time `json:"EndTime"`
	MaxDatapoints     int32       `json:"MaxDatapoints,omitempty"`
	ScanBy            string      `json:"ScanBy,omitempty"`
}
type cwResult struct {
	Id         string         `json:"Id"`
	Label      string         `json:"Label"`
	Timestamps []*awsapi.Time `json:"Timestamps"`
	Values     []float64      `json:"Values"`
	StatusCode string         `json:"StatusCode"`
}
type cwGetMetricDataOut struct {
	MetricDataResults []cwResult `json:"MetricDataResults"`
}

func cloudWatchQuery(got *cwGetMetricDataIn, mu *sync.Mutex) awsapi.Service {
	return awsapi.Service{SigningName: "monitoring", Protocols: awsapi.Query, XMLNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/",
		Operations: map[string]awsapi.Operation{
			"DescribeAlarms": awsapi.Op(func(_ context.Context, in *cwDescribeAlarmsIn) (*cwDescribeAlarmsOut, error) {
				var out cwDescribeAlarmsOut
				for _, n := range in.AlarmNames {
					out.MetricAlarms = append(out.MetricAlarms, cwAlarm{AlarmName: n, StateValue: "ALARM", StateUpdatedTimestamp: awsapi.At(when),
						Threshold: 0.25, EvaluationPeriods: 3, ActionsEnabled: true, AlarmActions: []string{"arn:aws:sns:us-east-1:000000000000:alerts"},
						Dimensions: []cwDimension{{"FunctionName", "alchemiser-trade"}},
						Metrics: []cwQuery{{Id: "errors", ReturnData: boolPtr(false), MetricStat: &cwMetricStat{Period: 60, Stat: "Sum",
							Metric: cwMetric{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: []cwDimension{{"FunctionName", "alchemiser-trade"}}}}},
							{Id: "rate", Expression: "errors / 60", ReturnData: boolPtr(true)}}})
				}
				return &out, nil
			}),
			"GetMetricData": awsapi.Op(func(_ context.Context, in *cwGetMetricDataIn) (*cwGetMetricDataOut, error) {
				mu.Lock()
				*got = *in
				mu.Unlock()
				var out cwGetMetricDataOut
				for _, q := range in.MetricDataQueries {
					out.MetricDataResults = append(out.MetricDataResults, cwResult{Id: q.Id, Label: q.Id, StatusCode: "Complete",
						Timestamps: []*awsapi.Time{awsapi.At(in.StartTime.Time)}, Values: []float64{1.5}})
				}
				return &out, nil
			}),
		}}
}

func boolPtr(b bool) *bool { return &b }

func TestCloudWatchWithTheCLI(t *testing.T) {
	var got cwGetMetricDataIn
	var mu sync.Mutex
	url := serve(t, cloudWatchQuery(&got, &mu))

	var alarms struct {
		MetricAlarms []struct {
			AlarmName, StateValue string
			StateUpdatedTimestamp string
			Threshold             float64
			EvaluationPeriods     int
			ActionsEnabled        bool
			AlarmActions          []string
			Dimensions            []cwDimension
			Metrics               []cwQuery
		}
	}
	cliJSON(t, url, &alarms, "cloudwatch", "describe-alarms", "--alarm-names", "trade-errors", "trade-latency")
	if len(alarms.MetricAlarms) != 2 {
		t.Fatalf("describe-alarms: %+v", alarms)
	}
	a := alarms.MetricAlarms[1]
	ts, err := time.Parse(time.RFC3339Nano, a.StateUpdatedTimestamp)
	if err != nil || !ts.Equal(when) {
		t.Errorf("describe-alarms: the timestamp %q (%v), want %v", a.StateUpdatedTimestamp, err, when)
	}
	if a.AlarmName != "trade-latency" || a.Threshold != 0.25 || a.EvaluationPeriods != 3 || !a.ActionsEnabled ||
		len(a.AlarmActions) != 1 || !reflect.DeepEqual(a.Dimensions, []cwDimension{{"FunctionName", "alchemiser-trade"}}) ||
		len(a.Metrics) != 2 || a.Metrics[0].MetricStat.Metric.Dimensions[0].Value != "alchemiser-trade" || *a.Metrics[0].ReturnData ||
		a.Metrics[1].Expression != "errors / 60" {
		t.Errorf("describe-alarms: %+v", a)
	}

	var data struct {
		MetricDataResults []struct {
			Id, StatusCode string
			Timestamps     []string
			Values         []float64
		}
	}
	queries := `[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"Alchemiser","MetricName":"OrdersFilled",` +
		`"Dimensions":[{"Name":"Service","Value":"trade"},{"Name":"Stage","Value":"local"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},` +
		`{"Id":"e1","Expression":"m1 * 2"}]`
	cliJSON(t, url, &data, "cloudwatch", "get-metric-data", "--metric-data-queries", queries,
		"--start-time", "2026-12-04T14:00:00Z", "--end-time", "2026-12-04T15:00:00.5Z", "--max-datapoints", "100", "--scan-by", "TimestampAscending")
	start := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	want := cwGetMetricDataIn{
		MetricDataQueries: []cwQuery{
			{Id: "m1", ReturnData: boolPtr(false), MetricStat: &cwMetricStat{Period: 60, Stat: "Sum", Metric: cwMetric{Namespace: "Alchemiser", MetricName: "OrdersFilled",
				Dimensions: []cwDimension{{"Service", "trade"}, {"Stage", "local"}}}}},
			{Id: "e1", Expression: "m1 * 2"},
		},
		MaxDatapoints: 100, ScanBy: "TimestampAscending",
	}
	mu.Lock()
	decoded := got
	mu.Unlock()
	if !decoded.StartTime.Equal(start) || !decoded.EndTime.Equal(start.Add(time.Hour+500*time.Millisecond)) {
		t.Errorf("get-metric-data: times %v, %v", decoded.StartTime, decoded.EndTime)
	}
	decoded.StartTime, decoded.EndTime = awsapi.Time{}, awsapi.Time{}
	if !reflect.DeepEqual(decoded, want) {
		t.Errorf("get-metric-data decoded\n%+v\nwant\n%+v", decoded, want)
	}
	if len(data.MetricDataResults) != 2 || data.MetricDataResults[1].Id != "e1" || data.MetricDataResults[0].Values[0] != 1.5 {
		t.Errorf("get-metric-data: %+v", data)
	}

	_, stderr, err := runCLI(t, url, nil, "cloudwatch", "list-dashboards")
	if err == nil || !strings.Contains(stderr, "An error occurred (InvalidAction) when calling the ListDashboards operation") {
		t.Errorf("an action the toy lacks: %v\n%s", err, stderr)
	}
}

// The CLI takes its endpoint from --endpoint-url; from the environment
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) only from version 2.13,
// which Debian's 2.9 is not. The test finds out and checks that the
// version and the behaviour agree, so the runbooks' tests know which to
// use.
func TestCLIEndpointFromTheEnvironment(t *testing.T) {
	var hits atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<ListQueuesResponse><ListQueuesResult></ListQueuesResult></ListQueuesResponse>`))
	}))
	t.Cleanup(hs.Close)
	stdout, _, err := runCLI(t, "", nil, "--version")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`aws-cli/(\d+)\.(\d+)\.`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("aws --version: %q", stdout)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	wantHonoured := major > 2 || major == 2 && minor >= 13

	for _, variable := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"} {
		before := hits.Load()
		_, stderr, err := runCLI(t, "", []string{variable + "=" + hs.URL}, "sqs", "list-queues", "--cli-connect-timeout", "1")
		honoured := hits.Load() > before
		t.Logf("aws-cli/%s.%s with %s: honoured %v (%v)", m[1], m[2], variable, honoured, err)
		if honoured != wantHonoured {
			t.Errorf("aws-cli/%s.%s: %s honoured %v, want %v\n%s", m[1], m[2], variable, honoured, wantHonoured, stderr)
		}
	}
}
