package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/errtype"
)

// InvokeInput is Invoke's request: the function in the path, the
// invocation type in a header, the payload as the body.
type InvokeInput struct {
	FunctionName   string `json:"FunctionName"`
	InvocationType string `json:"-" header:"X-Amz-Invocation-Type"`
	LogType        string `json:"-" header:"X-Amz-Log-Type"`
	Qualifier      string `json:"-" querystring:"Qualifier"`
	Payload        []byte `json:"-" payload:""`
}

// InvokeOutput is Invoke's response: StatusCode is the HTTP status
// (Smithy's httpResponseCode: 200, 202 or 204 by invocation type),
// FunctionError and ExecutedVersion headers, the payload the body.
type InvokeOutput struct {
	StatusCode      int32  `json:"-" httpResponseCode:""`
	FunctionError   string `json:"-" header:"X-Amz-Function-Error"`
	ExecutedVersion string `json:"-" header:"X-Amz-Executed-Version"`
	Payload         []byte `json:"-" payload:""`
}

// Invocation types (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const (
	RequestResponse = "RequestResponse"
	Event           = "Event"
	DryRun          = "DryRun"
)

// Invoke runs a function: synchronously (RequestResponse), queued with
// Lambda's asynchronous retries (Event), or not at all (DryRun).
func (l *Lambda) Invoke(_ context.Context, in *InvokeInput) (*InvokeOutput, error) {
	f, version, err := l.qualified(in.FunctionName, in.Qualifier)
	if err != nil {
		return nil, err
	}
	payload := bytes.TrimSpace(in.Payload)
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return nil, awsapi.Errorf("InvalidRequestContentException", "Could not parse request body into json: the payload is not a JSON value")
	}
	switch in.InvocationType {
	case "", RequestResponse:
		out := &InvokeOutput{StatusCode: http.StatusOK, ExecutedVersion: version, Payload: []byte("null")}
		err := l.invoker.InvokeSync(f.LogicalID, payload)
		// Beyond the function's reserved concurrency, Invoke itself fails
		// with 429 (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
		if throttled := (*emulator.ThrottledError)(nil); errors.As(err, &throttled) {
			return nil, &awsapi.Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.", Status: http.StatusTooManyRequests}
		}
		if err != nil {
			out.FunctionError, out.Payload = "Unhandled", errorPayload(err)
		}
		return out, nil
	case Event:
		if err := l.invoker.InvokeAsync(f.LogicalID, payload); err != nil {
			return nil, &awsapi.Error{Code: "ServiceException", Message: err.Error(), Status: http.StatusInternalServerError, Server: true}
		}
		return &InvokeOutput{StatusCode: http.StatusAccepted}, nil
	case DryRun:
		return &InvokeOutput{StatusCode: http.StatusNoContent}, nil
	}
	return nil, awsapi.Errorf("InvalidParameterValueException",
		"1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", in.InvocationType)
}

// errorPayload is a function error as Lambda returns it to the caller of
// a synchronous invocation, its type named as in the logs.
func errorPayload(err error) []byte {
	b, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{err.Error(), errtype.Of(err)})
	return b
}
