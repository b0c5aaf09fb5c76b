//go:build external

package functions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/idempotency/dynalitetest"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/emulator/runtimeapi"
	"github.com/shopspring/decimal"
)

// fakeAWS records EventBridge PutEvents (JSON 1.1) and SNS Publish (Query)
// calls, answering as the services do.
// It also serves Secrets Manager's GetSecretValue and SSM's GetParameter
// (JSON 1.1): the Alpaca secret and the kill switch.
type fakeAWS struct {
	mu       sync.Mutex
	entries  []map[string]any
	publish  []url.Values
	trading  string // the kill switch parameter's value
	slackURL string // the Slack webhook secret's value
	// metricReads counts CloudWatch GetMetricData calls (the
	// notifications function reads the SLOs' budgets), answered with no
	// data in Smithy RPC v2 CBOR: an empty map.
	metricReads int
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Header.Get("X-Amz-Target") {
	case "secretsmanager.GetSecretValue":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		var in struct{ SecretId string }
		_ = json.Unmarshal(body, &in)
		if in.SecretId == slackSecretARN {
			io.WriteString(w, `{"ARN":"`+slackSecretARN+`","Name":"alchemiser/slack","SecretString":"`+f.slackURL+`"}`)
			return
		}
		io.WriteString(w, `{"ARN":"`+alpacaSecretARN+`","Name":"alchemiser/alpaca","SecretString":"{\"key_id\":\"K\",\"secret_key\":\"S\"}"}`)
		return
	case "AmazonSSM.GetParameter":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Parameter":{"Name":"/alchemiser/trading-enabled","Type":"String","Value":"`+f.trading+`"}}`)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/operation/GetMetricData") {
		f.metricReads++
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.Write([]byte{0xa0})
		return
	}
	if r.Header.Get("X-Amz-Target") == "AWSEvents.PutEvents" {
		var in struct{ Entries []map[string]any }
		_ = json.Unmarshal(body, &in)
		f.entries = append(f.entries, in.Entries...)
		out := `{"FailedEntryCount":0,"Entries":[` + strings.TrimSuffix(strings.Repeat(`{"EventId":"e"},`, len(in.Entries)), ",") + `]}`
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, out)
		return
	}
	v, _ := url.ParseQuery(string(body))
	f.publish = append(f.publish, v)
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, `<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>`)
}

func (f *fakeAWS) detailTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.entries {
		out = append(out, e["Source"].(string)+"/"+e["DetailType"].(string))
	}
	return out
}

// build compiles a function for this machine.
func build(t testing.TB, fn string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), fn)
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, "./"+fn)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", fn, err, out)
	}
	return bin
}

const (
	alpacaSecretARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:alchemiser/alpaca"
	slackSecretARN  = "arn:aws:secretsmanager:us-east-1:000000000000:secret:alchemiser/slack"
)

type env struct {
	aws      *fakeAWS
	exchange string
	dynamo   string // dynalite's endpoint, holding the idempotency table
	x        *paper.Exchange
	slack    *slackHook
}

// slackHook records Slack incoming-webhook posts. With echo set it
// fails them as a misconfigured proxy might, quoting the URL it was sent.
type slackHook struct {
	mu    sync.Mutex
	posts []string
	echo  bool
}

func (s *slackHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.posts = append(s.posts, string(b))
	echo := s.echo
	s.mu.Unlock()
	if echo {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "upstream error for POST http://"+r.Host+r.URL.Path)
		return
	}
	io.WriteString(w, "ok")
}

// slackPath is the secret part of the test webhook URL.
const slackPath = "/services/T0000/B0000/s3cr3tW3bh00kT0k3n"

func setup(t testing.TB) env {
	ds, _ := marketdata.Synthetic()
	x, err := paper.New(paper.Config{Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	_ = x.AddAccount("K", "S", paper.AccountConfig{Cash: decimal.NewFromInt(10000)})
	xs := httptest.NewServer(x)
	t.Cleanup(xs.Close)
	slack := &slackHook{}
	ss := httptest.NewServer(slack)
	t.Cleanup(ss.Close)
	f := &fakeAWS{trading: "true", slackURL: ss.URL + slackPath}
	as := httptest.NewServer(f)
	t.Cleanup(as.Close)
	endpoint, client := dynalitetest.Start(t)
	dynalitetest.CreateTable(t, client, "alchemiser-idempotency")
	return env{aws: f, exchange: xs.URL + "|" + as.URL, dynamo: endpoint, x: x, slack: slack}
}

// invoke runs the function's bootstrap under the Runtime API with event;
// the invocation must succeed.
func invoke(t *testing.T, e env, fn string, event []byte) runtimeapi.Result {
	t.Helper()
	res, logs := run(t, e, fn, event)
	if res.Error != nil {
		t.Fatalf("%s failed: %+v\nlogs:\n%s", fn, res.Error, logs)
	}
	return res
}

// run runs the function's bootstrap under the Runtime API with event and
// returns the result and everything the process wrote.
func run(t *testing.T, e env, fn string, event []byte) (runtimeapi.Result, string) {
	t.Helper()
	rt, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	exchange, awsURL, _ := strings.Cut(e.exchange, "|")
	cmd := exec.Command(build(t, fn))
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_RUNTIME_API="+rt.Addr(), "AWS_LAMBDA_FUNCTION_NAME="+fn,
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET",
		"AWS_ENDPOINT_URL="+awsURL, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_DYNAMODB="+e.dynamo, "IDEMPOTENCY_TABLE=alchemiser-idempotency",
		"EVENT_BUS_NAME=alchemiser-test", "NOTIFY_TOPIC_ARN=arn:aws:sns:us-east-1:000000000000:n",
		"KILL_SWITCH_PARAMETER=/alchemiser/trading-enabled", "ALPACA_SECRET_ARN="+alpacaSecretARN, "SLACK_WEBHOOK_SECRET_ARN="+slackSecretARN,
		"ALPACA_BASE_URL="+exchange, "ALPACA_DATA_URL="+exchange)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := rt.Invoke(ctx, runtimeapi.Invocation{RequestID: "req-1", Event: event, Deadline: time.Now().Add(30 * time.Second)})
	if err != nil {
		t.Fatalf("%s: %v\nlogs:\n%s", fn, err, logs.String())
	}
	_ = cmd.Process.Kill() // flushes nothing more: the invocation is over
	_ = cmd.Wait()
	return res, logs.String()
}

func wrap(t testing.TB, ev events.Event) []byte {
	env, err := events.Wrap(ev, "alchemiser.test", "000000000000", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	return raw
}

// start is a workflow of today's session in New York: the built
// functions read the wall clock, on which another day's signal or plan
// is stale.
func start() *events.WorkflowStarted {
	now := time.Now()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return &events.WorkflowStarted{Metadata: events.Root(events.DefaultIDs().New(), now), Trigger: "manual",
		Workflow: events.Workflow{TradingDate: now.In(ny).Format(time.DateOnly), StartedAt: now}}
}

// TestBootstrapsRunUnderTheRuntimeAPI runs each built function as Lambda
// would, against a fake EventBridge/SNS endpoint and the paper exchange:
// it proves each main.go wires a working handler from the environment.
func TestBootstrapsRunUnderTheRuntimeAPI(t *testing.T) {
	e := setup(t)
	invoke(t, e, "scheduler", []byte(`{"trigger":"schedule","scheduled_time":"2026-11-20T14:35:00Z"}`))
	st := start()
	invoke(t, e, "strategy", wrap(t, st))
	sig := &events.SignalGenerated{Metadata: st.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		AsOf: time.Now().AddDate(0, 0, -1).Format(time.DateOnly), Allocations: []events.Allocation{{Symbol: "SPY", Weight: decimal.NewFromInt(1)}}, Strategies: []events.StrategySignal{}}
	invoke(t, e, "portfolio", wrap(t, sig))
	plan := &events.RebalancePlanned{Metadata: sig.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		PlanID: "p", Allocations: sig.Allocations, Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(1), Price: decimal.NewFromInt(500), Fractionable: true}}}
	invoke(t, e, "execution", wrap(t, plan))
	done := &events.WorkflowFailed{Metadata: st.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		Step: "strategy", Reason: "test", ErrorType: "T"}
	invoke(t, e, "notifications", wrap(t, done))

	want := "alchemiser.scheduler/WorkflowStarted alchemiser.strategy/SignalGenerated alchemiser.portfolio/RebalancePlanned " +
		"alchemiser.execution/TradeExecuted alchemiser.execution/WorkflowCompleted"
	if got := strings.Join(e.aws.detailTypes(), " "); got != want {
		t.Errorf("published %s\nwant      %s", got, want)
	}
	if len(e.aws.publish) != 1 || !strings.Contains(e.aws.publish[0].Get("Subject"), "FAILED at strategy") {
		t.Errorf("SNS publishes %v", e.aws.publish)
	}
	if e.aws.metricReads == 0 {
		t.Error("the notifications function read no SLO budget (GetMetricData)")
	}
	e.slack.mu.Lock()
	defer e.slack.mu.Unlock()
	if len(e.slack.posts) != 1 || !strings.Contains(e.slack.posts[0], "FAILED at strategy") {
		t.Errorf("Slack posts (webhook URL from Secrets Manager) %v", e.slack.posts)
	}
}

// The Slack webhook URL is a secret (whoever has it posts to the
// channel): when Slack's answer quotes it, neither the function's logs nor
// the error it returns to Lambda may carry it.
func TestSlackWebhookNeverReachesTheLogs(t *testing.T) {
	e := setup(t)
	e.slack.echo = true
	st := start()
	done := &events.WorkflowFailed{Metadata: st.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		Step: "strategy", Reason: "test", ErrorType: "T"}
	res, logs := run(t, e, "notifications", wrap(t, done))
	if res.Error == nil || !strings.Contains(logs, "could not post to Slack: status 502") {
		t.Fatalf("want the Slack failure reported; error %+v, logs:\n%s", res.Error, logs)
	}
	secret := strings.TrimPrefix(slackPath, "/services/")
	if strings.Contains(logs, secret) || strings.Contains(fmt.Sprint(res.Error), secret) {
		t.Errorf("the webhook URL leaked:\nerror %+v\nlogs:\n%s", res.Error, logs)
	}
	if !strings.Contains(logs, "[REDACTED]") {
		t.Errorf("no redaction in the logs:\n%s", logs)
	}
	// The runtime reports the error type the logs give, not the wrapper's.
	if want := `"error_type":"` + res.Error.Type + `"`; res.Error.Type == "" || !strings.Contains(logs, want) {
		t.Errorf("the runtime's errorType %q is not the logs' error_type:\n%s", res.Error.Type, logs)
	}
}

// TestExecutionHonoursTheKillSwitchAndRunsOncePerEvent: with the SSM
// parameter at "false" the built execution function places no order and
// completes the workflow, halted; a second delivery of the same event is
// skipped by the DynamoDB idempotency table.
func TestExecutionHonoursTheKillSwitchAndRunsOncePerEvent(t *testing.T) {
	e := setup(t)
	e.aws.trading = "false"
	st := start()
	plan := &events.RebalancePlanned{Metadata: st.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		PlanID: "p", Allocations: []events.Allocation{{Symbol: "SPY", Weight: decimal.NewFromInt(1)}},
		Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(1), Price: decimal.NewFromInt(500), Fractionable: true}}}
	raw := wrap(t, plan)
	invoke(t, e, "execution", raw)
	invoke(t, e, "execution", raw)
	if got := strings.Join(e.aws.detailTypes(), " "); got != "alchemiser.execution/WorkflowCompleted" {
		t.Errorf("published %q, want one WorkflowCompleted", got)
	}
	if len(e.x.Orders("K")) != 0 {
		t.Errorf("%d orders placed with the kill switch off", len(e.x.Orders("K")))
	}
	e.aws.mu.Lock()
	defer e.aws.mu.Unlock()
	if len(e.aws.entries) == 1 && !strings.Contains(e.aws.entries[0]["Detail"].(string), `"outcome":"halted"`) {
		t.Errorf("the workflow's end %s, want outcome halted", e.aws.entries[0]["Detail"])
	}
}

// TestExecutionHaltsOnAnUnrecognisedKillSwitchValue: a value that is
// neither "true" nor "false" ("off", a typo) halts the built execution
// function as "false" does, but fails the workflow at kill_switch (a
// misconfiguration), naming the value.
func TestExecutionHaltsOnAnUnrecognisedKillSwitchValue(t *testing.T) {
	e := setup(t)
	e.aws.trading = "off"
	st := start()
	plan := &events.RebalancePlanned{Metadata: st.Child(events.DefaultIDs().New(), time.Now()), Workflow: st.Workflow,
		PlanID: "p", Allocations: []events.Allocation{{Symbol: "SPY", Weight: decimal.NewFromInt(1)}},
		Before: events.Portfolio{Positions: []events.Holding{}}, CashReserve: decimal.Zero,
		Items: []events.PlanItem{{Symbol: "SPY", Action: "BUY", Qty: decimal.NewFromInt(1), Price: decimal.NewFromInt(500), Fractionable: true}}}
	invoke(t, e, "execution", wrap(t, plan))
	if len(e.x.Orders("K")) != 0 {
		t.Errorf("%d orders placed with the kill switch at %q", len(e.x.Orders("K")), "off")
	}
	e.aws.mu.Lock()
	defer e.aws.mu.Unlock()
	if len(e.aws.entries) != 1 {
		t.Fatalf("published %d events, want one WorkflowFailed", len(e.aws.entries))
	}
	d := e.aws.entries[0]["Detail"].(string)
	if !strings.Contains(d, `"step":"kill_switch"`) || !strings.Contains(d, `"error_type":"KillSwitchValueError"`) || !strings.Contains(d, `\"off\"`) {
		t.Errorf("failure detail %s", d)
	}
}
