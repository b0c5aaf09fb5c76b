package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/cloudformation"
	"github.com/alchemiser/alchemiser/topology"
)

// fakeAWS is a small AWS account for the ops commands' tests: deployed
// stacks of template.yaml, served by the local endpoint's CloudFormation
// (localaws/cloudformation, over awsQuery), and hand-written EventBridge
// replays, Logs Insights queries whose statuses and results a test sets,
// and alarms, as typed operations on emulator/awsapi speaking the
// protocols the SDK speaks (JSON 1.1 for Logs and EventBridge, rpcv2
// CBOR for CloudWatch). What a chaos scenario can produce on the local
// endpoint (dead letters, alarms in ALARM, failed workflows) is tested
// on localaws.Up itself (ops_local_test.go); these fakes keep what the
// local endpoint never does (a query still Running, alarms paged by 10).
type fakeAWS struct {
	mu     sync.Mutex
	stacks map[string]*cloudformation.CloudFormation
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
	// logsService replaces the fake Logs service (with localaws/logs)
	logsService *awsapi.Service
	// scopes are the SigV4 credential scopes of the requests
	scopes []string
}

const (
	fakeAccount = "123456789012"
	fakeRegion  = "eu-west-1"
)

// deployedRunbooks is the fake stacks' RunbookBaseUrl.
const deployedRunbooks = "https://github.com/alchemiser/alchemiser/blob/main/runbooks"

var deployedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// deploy adds stack name, deployed from template.yaml with params in
// fakeRegion and fakeAccount, to CloudFormation, and its alarms, with
// their descriptions, to CloudWatch. A deployment always gives
// RunbookBaseUrl (it has no default); deployedRunbooks when params do not.
func (f *fakeAWS) deploy(t *testing.T, name string, params map[string]string) *topology.Topology {
	t.Helper()
	if _, ok := params["RunbookBaseUrl"]; !ok {
		params = maps.Clone(params)
		if params == nil {
			params = map[string]string{}
		}
		params["RunbookBaseUrl"] = deployedRunbooks
	}
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{StackName: name, Region: fakeRegion, Account: fakeAccount, Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := cloudformation.New(cloudformation.Config{Topology: top, Template: alchemiser.Template, Now: func() time.Time { return deployedAt }})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, r := range top.Resources {
		if r.Type == "AWS::CloudWatch::Alarm" || r.Type == "AWS::CloudWatch::CompositeAlarm" {
			phys, _ := top.Variable(id)
			desc, _ := r.Properties["AlarmDescription"].(string)
			f.alarms = append(f.alarms, fakeAlarm{Name: phys, Composite: r.Type == "AWS::CloudWatch::CompositeAlarm", Description: desc, State: "OK"})
		}
	}
	if f.stacks == nil {
		f.stacks = map[string]*cloudformation.CloudFormation{}
	}
	f.stacks[name] = cf
	return top
}

// serve starts the endpoint and returns its URL.
func (f *fakeAWS) serve(t *testing.T) string {
	t.Helper()
	logs := f.logs()
	if f.logsService != nil {
		logs = *f.logsService
	}
	srv, err := awsapi.NewServer([]awsapi.Service{f.cloudformation(), f.events(), logs, f.cloudwatch()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			f.scopes = append(f.scopes, m[1])
		}
		f.mu.Unlock()
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
	f.deploy(t, "prod", nil)
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

// cloudformation serves the deployed stacks: each stack's own
// localaws/cloudformation answers for it, and a stack none holds is
// CloudFormation's ValidationError, as each of them answers it.
func (f *fakeAWS) cloudformation() awsapi.Service {
	svc := (&cloudformation.CloudFormation{}).Service()
	svc.Operations = map[string]awsapi.Operation{
		"DescribeStacks": awsapi.Op(func(ctx context.Context, in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
			cf, err := f.stack(in.StackName)
			if err != nil {
				return nil, err
			}
			return cf.DescribeStacks(ctx, in)
		}),
		"DescribeStackResources": awsapi.Op(func(ctx context.Context, in *cloudformation.DescribeStackResourcesInput) (*cloudformation.DescribeStackResourcesOutput, error) {
			cf, err := f.stack(in.StackName)
			if err != nil {
				return nil, err
			}
			return cf.DescribeStackResources(ctx, in)
		}),
	}
	return svc
}

// stack is the CloudFormation that holds stack name.
func (f *fakeAWS) stack(name string) (*cloudformation.CloudFormation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cf, ok := f.stacks[name]; ok {
		return cf, nil
	}
	return nil, awsapi.Errorf("ValidationError", "Stack with id %s does not exist", name)
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
