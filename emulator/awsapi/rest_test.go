package awsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// A toy Lambda: Invoke and GetFunction, as Lambda's API binds them
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
type invokeIn struct {
	FunctionName   string          `json:"FunctionName"`
	Qualifier      string          `json:"-" querystring:"Qualifier"`
	InvocationType string          `json:"-" header:"X-Amz-Invocation-Type"`
	LogType        string          `json:"-" header:"X-Amz-Log-Type"`
	Payload        json.RawMessage `json:"-" payload:""`
}
type invokeOut struct {
	StatusCode      int32  `json:"-" httpResponseCode:""`
	FunctionError   string `json:"-" header:"X-Amz-Function-Error"`
	LogResult       string `json:"-" header:"X-Amz-Log-Result"`
	ExecutedVersion string `json:"-" header:"X-Amz-Executed-Version"`
	Payload         []byte `json:"-" payload:""`
}
type getFunctionIn struct {
	FunctionName string `json:"FunctionName"`
	Qualifier    string `json:"-" querystring:"Qualifier"`
}
type environment struct {
	Variables map[string]string `json:"Variables"`
}
type functionConfiguration struct {
	FunctionName string       `json:"FunctionName"`
	FunctionArn  string       `json:"FunctionArn"`
	Runtime      string       `json:"Runtime"`
	MemorySize   int32        `json:"MemorySize"`
	Timeout      int32        `json:"Timeout"`
	LastModified string       `json:"LastModified"`
	Environment  *environment `json:"Environment,omitempty"`
	Version      string       `json:"Version"`
}
type getFunctionOut struct {
	Configuration functionConfiguration `json:"Configuration"`
	Tags          map[string]string     `json:"Tags,omitempty"`
}

const functionArn = "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-trade"

func lambdaService() awsapi.Service {
	find := func(name string) error {
		if name != "alchemiser-trade" && name != functionArn {
			return &awsapi.Error{Code: "ResourceNotFoundException", Status: http.StatusNotFound,
				Message: "Function not found: " + name}
		}
		return nil
	}
	return awsapi.Service{SigningName: "lambda", Protocols: awsapi.REST,
		Routes: []awsapi.Route{
			{Method: http.MethodPost, Path: "/2015-03-31/functions/{FunctionName}/invocations", Operation: "Invoke"},
			{Method: http.MethodGet, Path: "/2015-03-31/functions/{FunctionName}", Operation: "GetFunction"},
			{Method: http.MethodDelete, Path: "/2015-03-31/functions/{FunctionName}", Operation: "Boom", Status: http.StatusNoContent},
		},
		Operations: map[string]awsapi.Operation{
			"Invoke": awsapi.Op(func(_ context.Context, in *invokeIn) (*invokeOut, error) {
				if err := find(in.FunctionName); err != nil {
					return nil, err
				}
				if in.InvocationType == "Event" {
					return &invokeOut{StatusCode: http.StatusAccepted}, nil
				}
				var order struct{ Symbol string }
				if err := json.Unmarshal(in.Payload, &order); err != nil {
					return nil, &awsapi.Error{Code: "InvalidRequestContentException", Message: "Could not parse request body into json"}
				}
				out := &invokeOut{ExecutedVersion: "$LATEST", Payload: []byte(`{"bought":"` + order.Symbol + `","qualifier":"` + in.Qualifier + `"}`)}
				if order.Symbol == "FAIL" {
					out.FunctionError = "Unhandled"
					out.Payload = []byte(`{"errorMessage":"no such symbol","errorType":"Error"}`)
				}
				if in.LogType == "Tail" {
					out.LogResult = "U1RBUlQ="
				}
				return out, nil
			}),
			"GetFunction": awsapi.Op(func(_ context.Context, in *getFunctionIn) (*getFunctionOut, error) {
				if err := find(in.FunctionName); err != nil {
					return nil, err
				}
				version := "$LATEST"
				if in.Qualifier != "" {
					version = in.Qualifier
				}
				return &getFunctionOut{Configuration: functionConfiguration{FunctionName: "alchemiser-trade", FunctionArn: functionArn,
					Runtime: "provided.al2023", MemorySize: 256, Timeout: 30, LastModified: "2026-12-04T14:40:00.000+0000", Version: version,
					Environment: &environment{Variables: map[string]string{"STAGE": "local"}}},
					Tags: map[string]string{"app": "alchemiser"}}, nil
			}),
			"Boom": awsapi.Op(func(context.Context, *getFunctionIn) (*getFunctionOut, error) { panic("boom") }),
		}}
}

func TestRESTJSONProtocolWithTheSDK(t *testing.T) {
	cfg := clientConfig(t, lambdaService())
	c := lambda.NewFromConfig(cfg)
	ctx := context.Background()

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(functionArn), Qualifier: aws.String("7"),
		LogType: lambdatypes.LogTypeTail, Payload: []byte(`{"Symbol":"AAPL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || string(out.Payload) != `{"bought":"AAPL","qualifier":"7"}` || out.FunctionError != nil ||
		aws.ToString(out.ExecutedVersion) != "$LATEST" || aws.ToString(out.LogResult) != "U1RBUlQ=" {
		t.Errorf("invoke: status %d payload %s error %v version %v log %v", out.StatusCode, out.Payload, out.FunctionError, out.ExecutedVersion, out.LogResult)
	}

	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("alchemiser-trade"), Payload: []byte(`{"Symbol":"FAIL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), "no such symbol") {
		t.Errorf("a function error: %v %s", out.FunctionError, out.Payload)
	}

	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("alchemiser-trade"), InvocationType: lambdatypes.InvocationTypeEvent,
		Payload: []byte(`{}`)})
	if err != nil || out.StatusCode != http.StatusAccepted || len(out.Payload) != 0 {
		t.Errorf("an asynchronous invocation: %v, status %d, payload %q", err, out.StatusCode, out.Payload)
	}

	fn, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("alchemiser-trade"), Qualifier: aws.String("live")})
	if err != nil {
		t.Fatal(err)
	}
	conf := fn.Configuration
	if aws.ToString(conf.FunctionArn) != functionArn || aws.ToInt32(conf.MemorySize) != 256 || conf.Runtime != lambdatypes.RuntimeProvidedal2023 ||
		aws.ToString(conf.Version) != "live" || conf.Environment.Variables["STAGE"] != "local" || fn.Tags["app"] != "alchemiser" {
		t.Errorf("function %+v tags %v", conf, fn.Tags)
	}

	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
	var nf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "Function not found: nope" || aws.ToString(nf.Type) != "User" {
		t.Errorf("an unknown function: %v (%T)", err, err)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("alchemiser-trade"), Payload: []byte(`not json`)})
	var bad *lambdatypes.InvalidRequestContentException
	if !errors.As(err, &bad) || bad.ErrorMessage() != "Could not parse request body into json" {
		t.Errorf("a payload that is not JSON: %v (%T)", err, err)
	}
	_, err = c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("alchemiser-trade")})
	if code := errorCode(err); code != awsapi.CodeUnknownOperation {
		t.Errorf("a route the service lacks: %v (code %q)", err, code)
	}
}

func TestRESTErrors(t *testing.T) {
	srv, err := awsapi.NewServer([]awsapi.Service{lambdaService()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
		message      string
	}{
		{http.MethodGet, "/nowhere", 404, awsapi.CodeUnknownOperation, "no operation at GET /nowhere"},
		{http.MethodPut, "/2015-03-31/functions/x", 404, awsapi.CodeUnknownOperation, "the path takes GET, DELETE"},
		{http.MethodGet, "/2015-03-31/functions/x/invocations", 404, awsapi.CodeUnknownOperation, "the path takes POST"},
		{http.MethodDelete, "/2015-03-31/functions/x", 500, awsapi.CodeInternal, "boom"},
		{http.MethodGet, "/2015-03-31/functions/alchemiser-trade", 200, "", ""},
	} {
		req, _ := http.NewRequest(tc.method, hs.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Type, Message string }
		_ = json.Unmarshal(b, &e)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.code || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%s %s: %d %s %s; want %d %s %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), b, tc.status, tc.code, tc.message)
		}
	}
}
