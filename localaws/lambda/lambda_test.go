package lambda_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/lambda"
	"github.com/alchemiser/alchemiser/topology"
)

// fakeInvoker records invocations; a function in fail fails.
type fakeInvoker struct {
	mu    sync.Mutex
	sync  []string
	async []string
	fail  map[string]error
}

func (f *fakeInvoker) InvokeSync(id string, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sync = append(f.sync, id+" "+string(payload))
	return f.fail[id]
}

func (f *fakeInvoker) InvokeAsync(id string, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.async = append(f.async, id+" "+string(payload))
	return nil
}

var modified = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

func newLambda(t *testing.T, inv lambda.Invoker) *lambda.Lambda {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lambda.New(lambda.Config{Topology: top, Functions: inv, Now: func() time.Time { return modified }})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type timeoutError struct{}

func (timeoutError) Error() string { return "Task timed out after 60.00 seconds" }

func TestInvokeByInvocationType(t *testing.T) {
	inv := &fakeInvoker{fail: map[string]error{"ExecutionFunction": timeoutError{}}}
	l := newLambda(t, inv)
	ctx := context.Background()
	payload := []byte(`{"trigger":"manual","scheduled_time":"2026-03-02T14:35:00Z"}`)

	out, err := l.Invoke(ctx, &lambda.InvokeInput{FunctionName: "alchemiser-scheduler", Payload: payload})
	if err != nil || out.StatusCode != http.StatusOK || out.FunctionError != "" || string(out.Payload) != "null" {
		t.Errorf("RequestResponse: %+v, %v", out, err)
	}
	out, err = l.Invoke(ctx, &lambda.InvokeInput{FunctionName: "alchemiser-scheduler", InvocationType: lambda.Event, Payload: payload})
	if err != nil || out.StatusCode != http.StatusAccepted {
		t.Errorf("Event: %+v, %v", out, err)
	}
	out, err = l.Invoke(ctx, &lambda.InvokeInput{FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-scheduler:$LATEST", InvocationType: lambda.DryRun})
	if err != nil || out.StatusCode != http.StatusNoContent {
		t.Errorf("DryRun by ARN: %+v, %v", out, err)
	}
	out, err = l.Invoke(ctx, &lambda.InvokeInput{FunctionName: "alchemiser-execution"})
	if err != nil || out.StatusCode != http.StatusOK || out.FunctionError != "Unhandled" ||
		string(out.Payload) != `{"errorMessage":"Task timed out after 60.00 seconds","errorType":"timeoutError"}` {
		t.Errorf("a function error: %+v (%s), %v", out, out.Payload, err)
	}
	wantSync := []string{"SchedulerFunction " + string(payload), "ExecutionFunction {}"}
	if !slices.Equal(inv.sync, wantSync) || !slices.Equal(inv.async, []string{"SchedulerFunction " + string(payload)}) {
		t.Errorf("sync %q, async %q", inv.sync, inv.async)
	}
}

func TestInvokeRefusesWhatLambdaRefuses(t *testing.T) {
	l := newLambda(t, &fakeInvoker{})
	ctx := context.Background()
	for _, c := range []struct {
		in     lambda.InvokeInput
		code   string
		status int
	}{
		{lambda.InvokeInput{FunctionName: "nope"}, "ResourceNotFoundException", http.StatusNotFound},
		{lambda.InvokeInput{FunctionName: "alchemiser-scheduler", Qualifier: "7"}, "ResourceNotFoundException", http.StatusNotFound},
		{lambda.InvokeInput{FunctionName: "alchemiser-scheduler", Payload: []byte("{not json")}, "InvalidRequestContentException", 0},
		{lambda.InvokeInput{FunctionName: "alchemiser-scheduler", InvocationType: "Later"}, "InvalidParameterValueException", 0},
	} {
		_, err := l.Invoke(ctx, &c.in)
		var e *awsapi.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Status != c.status {
			t.Errorf("%+v: %v, want %s (%d)", c.in, err, c.code, c.status)
		}
	}
}

func TestGetFunctionIsTheTemplatesConfiguration(t *testing.T) {
	l := newLambda(t, &fakeInvoker{})
	out, err := l.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: "alchemiser-execution"})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Configuration
	if c.FunctionName != "alchemiser-execution" || c.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-execution" ||
		c.Runtime != "provided.al2023" || c.Handler != "bootstrap" || !slices.Equal(c.Architectures, []string{"arm64"}) ||
		c.State != "Active" || c.LastModified != "2026-03-02T14:35:00.000+0000" {
		t.Errorf("configuration %+v", c)
	}
	if c.Environment == nil || c.Environment.Variables["EVENT_BUS_NAME"] != "alchemiser-bus" ||
		c.Environment.Variables["KILL_SWITCH_PARAMETER"] != "/alchemiser/trading-enabled" {
		t.Errorf("environment %+v", c.Environment)
	}
	if c.MemorySize < 128 || c.Timeout < 1 || c.LoggingConfig == nil || c.LoggingConfig.LogGroup != "/aws/lambda/alchemiser-execution" {
		t.Errorf("memory %d, timeout %d, logging %+v", c.MemorySize, c.Timeout, c.LoggingConfig)
	}
	_, err = l.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: "alchemiser-nope"})
	var e *awsapi.Error
	if !errors.As(err, &e) || e.Code != "ResourceNotFoundException" || e.Status != http.StatusNotFound ||
		e.Message != "Function not found: arn:aws:lambda:us-east-1:000000000000:function:alchemiser-nope" {
		t.Errorf("unknown function: %v", err)
	}
}

func TestTheServiceRoutesEveryOperation(t *testing.T) {
	svc := newLambda(t, &fakeInvoker{}).Service()
	if _, err := awsapi.NewServer([]awsapi.Service{svc}); err != nil {
		t.Fatal(err)
	}
	if svc.SigningName != "lambda" || svc.Protocols != awsapi.REST || len(svc.Routes) != 4 {
		t.Errorf("service %+v", svc)
	}
}

// Each function's AutoPublishAlias answers for the local stack's one
// version; Invoke through it runs the function and says which version ran.
func TestAliasesResolveToTheFunction(t *testing.T) {
	inv := &fakeInvoker{}
	l := newLambda(t, inv)
	ctx := context.Background()
	const arn = "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-strategy"
	a, err := l.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: "alchemiser-strategy", Name: "live"})
	if err != nil || a.AliasArn != arn+":live" || a.Name != "live" || a.FunctionVersion != topology.LocalVersion || a.RevisionId == "" {
		t.Fatalf("GetAlias: %+v, %v", a, err)
	}
	list, err := l.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: arn})
	if err != nil || len(list.Aliases) != 1 || list.Aliases[0] != *a {
		t.Errorf("ListAliases: %+v, %v", list, err)
	}
	if list, _ := l.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: arn, FunctionVersion: "7"}); len(list.Aliases) != 0 {
		t.Errorf("ListAliases of version 7: %+v", list)
	}
	var e *awsapi.Error
	if _, err := l.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: "alchemiser-strategy", Name: "prod"}); !errors.As(err, &e) ||
		e.Code != "ResourceNotFoundException" || e.Message != "Alias not found: "+arn+":prod" {
		t.Errorf("GetAlias prod: %v", err)
	}
	for _, c := range []struct{ name, qualifier, version string }{
		{arn + ":live", "", "1"}, {"alchemiser-strategy", "live", "1"}, {"alchemiser-strategy", "1", "1"}, {"alchemiser-strategy", "", "$LATEST"},
	} {
		out, err := l.Invoke(ctx, &lambda.InvokeInput{FunctionName: c.name, Qualifier: c.qualifier, Payload: []byte("{}")})
		if err != nil || out.ExecutedVersion != c.version {
			t.Errorf("Invoke %s qualifier %q: %+v, %v; want version %s", c.name, c.qualifier, out, err, c.version)
		}
	}
	if len(inv.sync) != 4 || inv.sync[0] != "StrategyFunction {}" {
		t.Errorf("invocations %q", inv.sync)
	}
	if _, err := l.Invoke(ctx, &lambda.InvokeInput{FunctionName: arn + ":prod"}); !errors.As(err, &e) || e.Message != "Function not found: "+arn+":prod" {
		t.Errorf("Invoke of an alias the function lacks: %v", err)
	}
	g, err := l.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: "alchemiser-strategy", Qualifier: "live"})
	if err != nil || g.Configuration.Version != "1" {
		t.Errorf("GetFunction live: %+v, %v", g, err)
	}
}
