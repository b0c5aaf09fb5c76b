package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// fakeAWS is a small AWS account for the ops commands' tests: a deployed
// stack of template.yaml, its queues, a bus that takes events and
// replays, Logs Insights queries whose results a test sets, and alarms.
// Its services are typed operations on emulator/awsapi, speaking the
// protocols the SDK speaks (JSON 1.0 for SQS, JSON 1.1 for Logs and
// EventBridge, rpcv2 CBOR for CloudWatch); CloudFormation's awsQuery is
// answered by cfnQuery until awsapi serves that protocol.
type fakeAWS struct {
	mu     sync.Mutex
	stacks map[string]*fakeStack
	queues map[string][]sqsMessage // by URL
	hidden map[string]bool         // receipt handles in flight: received, not given back
	put    []putEventsEntry
	// replays by name
	replays map[string]*describeReplayOut
	// queries started, and how each ends
	queries   []startQueryIn
	stopped   []string
	polls     int // GetQueryResults answers Running this many times first
	endStatus string
	rows      [][]resultField
	alarms    []fakeAlarm
	alarmReqs []describeAlarmsIn
	// describeAll makes DescribeStackResources answer every resource, not
	// the first 100; listed counts ListStackResources' pages
	describeAll bool
	listed      int
	// logsService replaces the fake Logs service (with localaws/logs)
	logsService *awsapi.Service
	// scopes are the SigV4 credential scopes of the requests
	scopes []string
}

// fakeStack is a deployed stack: its id, parameters and outputs, and its
// resources' physical ids by logical id.
type fakeStack struct {
	ID       string
	Params   map[string]string
	Outputs  map[string]string
	Physical map[string]string
	Types    map[string]string
}

const (
	fakeAccount = "123456789012"
	fakeRegion  = "eu-west-1"
)

// deploy adds stack name, deployed from template.yaml with params: every
// resource the template declares, named as CloudFormation names them
// (queue URLs on base, the endpoint), alarms with their descriptions.
func (f *fakeAWS) deploy(t *testing.T, name, base string, params map[string]string) *fakeStack {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{StackName: name, Region: fakeRegion, Account: fakeAccount, Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	st := &fakeStack{ID: fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/0f1e2d3c", fakeRegion, fakeAccount, name),
		Params: params, Outputs: map[string]string{}, Physical: map[string]string{}, Types: map[string]string{}}
	for id, r := range top.Resources {
		st.Types[id] = r.Type
		phys, err := top.Resolve("!Ref " + id)
		if err != nil {
			t.Fatalf("!Ref %s: %v", id, err)
		}
		switch r.Type {
		case "AWS::SQS::Queue":
			q, _ := top.Resolve("!GetAtt " + id + ".QueueName")
			phys = base + "/" + fakeAccount + "/" + q
		case "AWS::Logs::QueryDefinition":
			phys = "qd-" + strings.ToLower(id)
		case "AWS::Events::Archive": // CloudFormation names it, with a suffix of its own
			phys = id + "-7F3A9C"
		case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
			desc, _ := r.Properties["AlarmDescription"].(string)
			f.alarms = append(f.alarms, fakeAlarm{Name: phys, Composite: r.Type == "AWS::CloudWatch::CompositeAlarm", Description: desc, State: "OK"})
		}
		st.Physical[id] = phys
	}
	for _, b := range top.Buses {
		st.Outputs["BusName"] = b.Name
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stacks == nil {
		f.stacks = map[string]*fakeStack{}
	}
	f.stacks[name] = st
	return st
}

// serve starts the endpoint and returns its URL.
func (f *fakeAWS) serve(t *testing.T) string {
	t.Helper()
	f.queues, f.hidden = map[string][]sqsMessage{}, map[string]bool{}
	logs := f.logs()
	if f.logsService != nil {
		logs = *f.logsService
	}
	srv, err := awsapi.NewServer([]awsapi.Service{f.sqs(), f.events(), logs, f.cloudwatch()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			f.scopes = append(f.scopes, m[1])
		}
		f.mu.Unlock()
		if strings.Contains(r.Header.Get("Authorization"), "/cloudformation/aws4_request") {
			f.cfnQuery(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

var scopeRE = regexp.MustCompile(`Credential=([^,\s]+)`)

// awsEndpoint is the endpoint the ops commands' tests call: f's, with
// its stack "prod" deployed.
func awsEndpoint(t *testing.T, f *fakeAWS) string {
	t.Helper()
	u := f.serve(t)
	f.deploy(t, "prod", u, nil)
	return u
}

// awsCLI points the SDK's default chain at endpoint, away from this
// machine's AWS configuration, and returns a runner of the CLI that
// gives stdout, stderr and the exit status.
func awsCLI(t *testing.T, endpoint string) func(args ...string) (string, string, int) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": fakeRegion, "AWS_ACCESS_KEY_ID": "AKIDTEST",
		"AWS_SECRET_ACCESS_KEY": "secret", "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")} {
		t.Setenv(k, v)
	}
	os.Unsetenv("AWS_PROFILE")
	return func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := exitCode(run(context.Background(), args, nil, &out, &errb), &errb)
		return out.String(), errb.String(), code
	}
}

// fakeClock is a clock whose Sleep moves it on at once.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func useClock(t *testing.T, now time.Time) *fakeClock {
	c := &fakeClock{now: now}
	old := clock
	clock = c
	t.Cleanup(func() { clock = old })
	return c
}

// ---------------------------------------------------------------- CloudFormation

type describeStacksIn struct {
	StackName string `json:"StackName"`
}
type cfnParameter struct {
	ParameterKey   string `json:"ParameterKey"`
	ParameterValue string `json:"ParameterValue"`
}
type cfnOutput struct {
	OutputKey   string `json:"OutputKey"`
	OutputValue string `json:"OutputValue"`
}
type cfnStack struct {
	StackName    string         `json:"StackName"`
	StackId      string         `json:"StackId"`
	StackStatus  string         `json:"StackStatus"`
	CreationTime *awsapi.Time   `json:"CreationTime"`
	Parameters   []cfnParameter `json:"Parameters" xml:"Parameters>member"`
	Outputs      []cfnOutput    `json:"Outputs" xml:"Outputs>member"`
}
type describeStacksOut struct {
	Stacks []cfnStack `json:"Stacks" xml:"Stacks>member"`
}
type describeStackResourcesIn struct {
	StackName string `json:"StackName"`
}
type stackResource struct {
	StackName          string       `json:"StackName"`
	LogicalResourceId  string       `json:"LogicalResourceId"`
	PhysicalResourceId string       `json:"PhysicalResourceId"`
	ResourceType       string       `json:"ResourceType"`
	ResourceStatus     string       `json:"ResourceStatus"`
	Timestamp          *awsapi.Time `json:"Timestamp"`
}
type describeStackResourcesOut struct {
	StackResources []stackResource `json:"StackResources" xml:"StackResources>member"`
}
type listStackResourcesIn struct {
	StackName string `json:"StackName"`
	NextToken string `json:"NextToken,omitempty"`
}
type stackResourceSummary struct {
	LogicalResourceId    string       `json:"LogicalResourceId"`
	PhysicalResourceId   string       `json:"PhysicalResourceId"`
	ResourceType         string       `json:"ResourceType"`
	ResourceStatus       string       `json:"ResourceStatus"`
	LastUpdatedTimestamp *awsapi.Time `json:"LastUpdatedTimestamp"`
}
type listStackResourcesOut struct {
	StackResourceSummaries []stackResourceSummary `json:"StackResourceSummaries" xml:"StackResourceSummaries>member"`
	NextToken              string                 `json:"NextToken,omitempty" xml:",omitempty"`
}

var deployedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// stackNamed is the stack, or CloudFormation's error for one that does
// not exist
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
func (f *fakeAWS) stackNamed(name string) (*fakeStack, error) {
	st, ok := f.stacks[name]
	if !ok {
		return nil, awsapi.Errorf("ValidationError", "Stack with id %s does not exist", name)
	}
	return st, nil
}

func (f *fakeAWS) describeStacks(_ context.Context, in *describeStacksIn) (*describeStacksOut, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.stackNamed(in.StackName)
	if err != nil {
		return nil, err
	}
	s := cfnStack{StackName: in.StackName, StackId: st.ID, StackStatus: "UPDATE_COMPLETE", CreationTime: awsapi.At(deployedAt)}
	for k, v := range st.Params {
		s.Parameters = append(s.Parameters, cfnParameter{k, v})
	}
	for k, v := range st.Outputs {
		s.Outputs = append(s.Outputs, cfnOutput{k, v})
	}
	return &describeStacksOut{Stacks: []cfnStack{s}}, nil
}

// describeStackResources returns the first 100 resources, as
// CloudFormation does, or all of them with describeAll (as the local
// endpoint does).
func (f *fakeAWS) describeStackResources(_ context.Context, in *describeStackResourcesIn) (*describeStackResourcesOut, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.stackNamed(in.StackName)
	if err != nil {
		return nil, err
	}
	ids := st.logicalIDs()
	if !f.describeAll {
		ids = ids[:min(100, len(ids))]
	}
	out := &describeStackResourcesOut{}
	for _, id := range ids {
		out.StackResources = append(out.StackResources, stackResource{StackName: in.StackName, LogicalResourceId: id,
			PhysicalResourceId: st.Physical[id], ResourceType: st.Types[id], ResourceStatus: "CREATE_COMPLETE", Timestamp: awsapi.At(deployedAt)})
	}
	return out, nil
}

func (st *fakeStack) logicalIDs() []string {
	ids := make([]string, 0, len(st.Physical))
	for id := range st.Physical {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// listStackResources pages by 40, so a stack of template.yaml takes
// several pages.
func (f *fakeAWS) listStackResources(_ context.Context, in *listStackResourcesIn) (*listStackResourcesOut, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.stackNamed(in.StackName)
	if err != nil {
		return nil, err
	}
	f.listed++
	ids := st.logicalIDs()
	from, _ := strconv.Atoi(in.NextToken)
	out := &listStackResourcesOut{}
	for _, id := range ids[from:min(from+40, len(ids))] {
		out.StackResourceSummaries = append(out.StackResourceSummaries, stackResourceSummary{LogicalResourceId: id,
			PhysicalResourceId: st.Physical[id], ResourceType: st.Types[id], ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: awsapi.At(deployedAt)})
	}
	if from+40 < len(ids) {
		out.NextToken = strconv.Itoa(from + 40)
	}
	return out, nil
}

// cfnQuery answers CloudFormation's awsQuery requests: form in, XML out
// (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). Once
// awsapi serves the query protocol, the two operations become an
// awsapi.Service and this goes.
func (f *fakeAWS) cfnQuery(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	var out any
	var err error
	switch action := form.Get("Action"); action {
	case "DescribeStacks":
		out, err = f.describeStacks(r.Context(), &describeStacksIn{StackName: form.Get("StackName")})
	case "DescribeStackResources":
		out, err = f.describeStackResources(r.Context(), &describeStackResourcesIn{StackName: form.Get("StackName")})
	case "ListStackResources":
		out, err = f.listStackResources(r.Context(), &listStackResourcesIn{StackName: form.Get("StackName"), NextToken: form.Get("NextToken")})
	default:
		err = awsapi.Errorf("InvalidAction", "no action %s", action)
	}
	w.Header().Set("Content-Type", "text/xml")
	if err != nil {
		e := err.(*awsapi.Error)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>", e.Code, e.Message)
		return
	}
	action := form.Get("Action")
	fmt.Fprintf(w, `<%sResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">`, action)
	_ = xml.NewEncoder(w).EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}})
	fmt.Fprintf(w, "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>", action)
}

// ---------------------------------------------------------------- SQS

type sqsAttribute struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
}
type sqsMessage struct {
	MessageId         string                  `json:"MessageId"`
	ReceiptHandle     string                  `json:"ReceiptHandle"`
	Body              string                  `json:"Body"`
	MessageAttributes map[string]sqsAttribute `json:"MessageAttributes,omitempty"`
}
type receiveMessageIn struct {
	QueueUrl            string `json:"QueueUrl"`
	MaxNumberOfMessages int    `json:"MaxNumberOfMessages"`
	VisibilityTimeout   *int   `json:"VisibilityTimeout"`
}
type changeMessageVisibilityIn struct {
	QueueUrl          string `json:"QueueUrl"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout int    `json:"VisibilityTimeout"`
}
type receiveMessageOut struct {
	Messages []sqsMessage `json:"Messages,omitempty"`
}
type deleteMessageIn struct {
	QueueUrl      string `json:"QueueUrl"`
	ReceiptHandle string `json:"ReceiptHandle"`
}
type empty struct{}

func (f *fakeAWS) sqs() awsapi.Service {
	return awsapi.Service{SigningName: "sqs", Protocols: awsapi.JSON, TargetPrefix: "AmazonSQS", JSONVersion: "1.0",
		Operations: map[string]awsapi.Operation{
			"ReceiveMessage": awsapi.Op(func(_ context.Context, in *receiveMessageIn) (*receiveMessageOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				msgs, ok := f.queues[in.QueueUrl]
				if !ok {
					return nil, awsapi.Errorf("QueueDoesNotExist", "The specified queue does not exist.")
				}
				out := &receiveMessageOut{}
				for _, m := range msgs {
					if len(out.Messages) == max(in.MaxNumberOfMessages, 1) || f.hidden[m.ReceiptHandle] {
						continue
					}
					out.Messages = append(out.Messages, m)
					// The queue's timeout (30 s) unless the request's is 0;
					// the fake's clock never reaches its end.
					if in.VisibilityTimeout == nil || *in.VisibilityTimeout > 0 {
						f.hidden[m.ReceiptHandle] = true
					}
				}
				return out, nil
			}),
			"ChangeMessageVisibility": awsapi.Op(func(_ context.Context, in *changeMessageVisibilityIn) (*empty, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				if !f.hidden[in.ReceiptHandle] {
					return nil, awsapi.Errorf("MessageNotInflight", "Message does not exist or is not available for visibility timeout change.")
				}
				f.hidden[in.ReceiptHandle] = in.VisibilityTimeout > 0
				return &empty{}, nil
			}),
			"DeleteMessage": awsapi.Op(func(_ context.Context, in *deleteMessageIn) (*empty, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				kept := []sqsMessage{}
				for _, m := range f.queues[in.QueueUrl] {
					if m.ReceiptHandle != in.ReceiptHandle {
						kept = append(kept, m)
					}
				}
				f.queues[in.QueueUrl] = kept
				return &empty{}, nil
			}),
		}}
}

// ---------------------------------------------------------------- EventBridge

type putEventsEntry struct {
	Source       string `json:"Source"`
	DetailType   string `json:"DetailType"`
	Detail       string `json:"Detail"`
	EventBusName string `json:"EventBusName"`
}
type putEventsIn struct {
	Entries []putEventsEntry `json:"Entries"`
}
type putEventsResult struct {
	EventId string `json:"EventId"`
}
type putEventsOut struct {
	FailedEntryCount int               `json:"FailedEntryCount"`
	Entries          []putEventsResult `json:"Entries"`
}
type replayDestination struct {
	Arn string `json:"Arn"`
}
type startReplayIn struct {
	ReplayName     string            `json:"ReplayName"`
	EventSourceArn string            `json:"EventSourceArn"`
	EventStartTime *awsapi.Time      `json:"EventStartTime"`
	EventEndTime   *awsapi.Time      `json:"EventEndTime"`
	Destination    replayDestination `json:"Destination"`
}
type startReplayOut struct {
	ReplayArn string `json:"ReplayArn"`
	State     string `json:"State"`
}
type describeReplayIn struct {
	ReplayName string `json:"ReplayName"`
}
type describeReplayOut struct {
	ReplayName            string            `json:"ReplayName"`
	ReplayArn             string            `json:"ReplayArn"`
	State                 string            `json:"State"`
	StateReason           string            `json:"StateReason,omitempty"`
	EventSourceArn        string            `json:"EventSourceArn"`
	Destination           replayDestination `json:"Destination"`
	EventStartTime        *awsapi.Time      `json:"EventStartTime,omitempty"`
	EventEndTime          *awsapi.Time      `json:"EventEndTime,omitempty"`
	EventLastReplayedTime *awsapi.Time      `json:"EventLastReplayedTime,omitempty"`
}

func (f *fakeAWS) events() awsapi.Service {
	return awsapi.Service{SigningName: "events", Protocols: awsapi.JSON, TargetPrefix: "AWSEvents", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"PutEvents": awsapi.Op(func(_ context.Context, in *putEventsIn) (*putEventsOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				out := &putEventsOut{}
				for _, e := range in.Entries {
					f.put = append(f.put, e)
					out.Entries = append(out.Entries, putEventsResult{EventId: fmt.Sprintf("ev-%d", len(f.put))})
				}
				return out, nil
			}),
			"StartReplay": awsapi.Op(func(_ context.Context, in *startReplayIn) (*startReplayOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				if f.replays == nil {
					f.replays = map[string]*describeReplayOut{}
				}
				arn := "arn:aws:events:" + fakeRegion + ":" + fakeAccount + ":replay/" + in.ReplayName
				f.replays[in.ReplayName] = &describeReplayOut{ReplayName: in.ReplayName, ReplayArn: arn, State: "STARTING",
					EventSourceArn: in.EventSourceArn, Destination: in.Destination, EventStartTime: in.EventStartTime, EventEndTime: in.EventEndTime}
				return &startReplayOut{ReplayArn: arn, State: "STARTING"}, nil
			}),
			"DescribeReplay": awsapi.Op(func(_ context.Context, in *describeReplayIn) (*describeReplayOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				r, ok := f.replays[in.ReplayName]
				if !ok {
					return nil, awsapi.Errorf("ResourceNotFoundException", "Replay %s does not exist.", in.ReplayName)
				}
				c := *r
				c.State, c.EventLastReplayedTime = "COMPLETED", c.EventEndTime
				return &c, nil
			}),
		}}
}

// ---------------------------------------------------------------- Logs

type startQueryIn struct {
	LogGroupNames []string `json:"logGroupNames"`
	StartTime     int64    `json:"startTime"`
	EndTime       int64    `json:"endTime"`
	QueryString   string   `json:"queryString"`
}
type startQueryOut struct {
	QueryId string `json:"queryId"`
}
type queryIDIn struct {
	QueryId string `json:"queryId"`
}
type resultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}
type queryStatistics struct {
	RecordsMatched float64 `json:"recordsMatched"`
	RecordsScanned float64 `json:"recordsScanned"`
}
type getQueryResultsOut struct {
	Status     string          `json:"status"`
	Results    [][]resultField `json:"results"`
	Statistics queryStatistics `json:"statistics"`
}
type stopQueryOut struct {
	Success bool `json:"success"`
}

func (f *fakeAWS) logs() awsapi.Service {
	return awsapi.Service{SigningName: "logs", Protocols: awsapi.JSON, TargetPrefix: "Logs_20140328", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"StartQuery": awsapi.Op(func(_ context.Context, in *startQueryIn) (*startQueryOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.queries = append(f.queries, *in)
				return &startQueryOut{QueryId: fmt.Sprintf("q-%d", len(f.queries))}, nil
			}),
			"GetQueryResults": awsapi.Op(func(_ context.Context, in *queryIDIn) (*getQueryResultsOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				if f.polls > 0 {
					f.polls--
					return &getQueryResultsOut{Status: "Running"}, nil
				}
				status := f.endStatus
				if status == "" {
					status = "Complete"
				}
				return &getQueryResultsOut{Status: status, Results: f.rows, Statistics: queryStatistics{RecordsMatched: float64(len(f.rows)), RecordsScanned: 1234}}, nil
			}),
			"StopQuery": awsapi.Op(func(_ context.Context, in *queryIDIn) (*stopQueryOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.stopped = append(f.stopped, in.QueryId)
				return &stopQueryOut{Success: true}, nil
			}),
		}}
}

// ---------------------------------------------------------------- CloudWatch

type fakeAlarm struct {
	Name, Description, State, Reason string
	Composite                        bool
	Since                            time.Time
}
type describeAlarmsIn struct {
	AlarmNames []string `json:"AlarmNames,omitempty"`
	AlarmTypes []string `json:"AlarmTypes,omitempty"`
	StateValue string   `json:"StateValue,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
}
type alarmOut struct {
	AlarmName             string       `json:"AlarmName"`
	AlarmDescription      string       `json:"AlarmDescription,omitempty"`
	StateValue            string       `json:"StateValue"`
	StateReason           string       `json:"StateReason,omitempty"`
	StateUpdatedTimestamp *awsapi.Time `json:"StateUpdatedTimestamp,omitempty"`
}
type describeAlarmsOut struct {
	MetricAlarms    []alarmOut `json:"MetricAlarms"`
	CompositeAlarms []alarmOut `json:"CompositeAlarms"`
	NextToken       string     `json:"NextToken,omitempty"`
}

// cloudwatch's DescribeAlarms pages by 10 alarms.
func (f *fakeAWS) cloudwatch() awsapi.Service {
	return awsapi.Service{SigningName: "monitoring", Protocols: awsapi.CBOR, CBORName: "GraniteServiceVersion20100801",
		Operations: map[string]awsapi.Operation{
			"DescribeAlarms": awsapi.Op(func(_ context.Context, in *describeAlarmsIn) (*describeAlarmsOut, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.alarmReqs = append(f.alarmReqs, *in)
				var match []fakeAlarm
				for _, a := range f.alarms {
					named := len(in.AlarmNames) == 0 || contains(in.AlarmNames, a.Name)
					typed := contains(in.AlarmTypes, map[bool]string{true: "CompositeAlarm", false: "MetricAlarm"}[a.Composite]) ||
						len(in.AlarmTypes) == 0 && !a.Composite
					if named && typed && (in.StateValue == "" || in.StateValue == a.State) {
						match = append(match, a)
					}
				}
				from, _ := strconv.Atoi(in.NextToken)
				out := &describeAlarmsOut{}
				for _, a := range match[from:min(from+10, len(match))] {
					o := alarmOut{AlarmName: a.Name, AlarmDescription: a.Description, StateValue: a.State, StateReason: a.Reason, StateUpdatedTimestamp: awsapi.At(a.Since)}
					if a.Composite {
						out.CompositeAlarms = append(out.CompositeAlarms, o)
					} else {
						out.MetricAlarms = append(out.MetricAlarms, o)
					}
				}
				if from+10 < len(match) {
					out.NextToken = strconv.Itoa(from + 10)
				}
				return out, nil
			}),
		}}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
