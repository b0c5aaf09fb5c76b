package awsapi

import (
	"context"
	"reflect"
)

// Protocol is a wire protocol a service speaks.
type Protocol int

const (
	// JSON is awsJson1_0 or awsJson1_1 (Service.JSONVersion).
	JSON Protocol = 1 << iota
	// Query is awsQuery.
	Query
	// CBOR is Smithy RPC v2 CBOR.
	CBOR
	// REST is restJson1.
	REST
)

// Service is one AWS service's API: its names on the wire and its
// operations. A Service is not changed after it is given to NewServer.
type Service struct {
	// SigningName is the service in SigV4 credential scopes: logs,
	// monitoring, events, sqs, ssm, secretsmanager, lambda,
	// cloudformation.
	SigningName string
	// Protocols are those the service's clients speak (several: the
	// AWS CLI v2.9 calls SQS and CloudWatch with awsQuery, the Go SDK
	// with awsJson1_0 and rpcv2Cbor).
	Protocols Protocol
	// TargetPrefix is X-Amz-Target's prefix for JSON (Logs_20140328).
	TargetPrefix string
	// JSONVersion is "1.0" or "1.1" (Content-Type application/x-amz-json-1.1).
	JSONVersion string
	// CBORName is the rpcv2 path's service (GraniteServiceVersion20100801).
	CBORName string
	// XMLNamespace is the query protocol's response namespace
	// (http://monitoring.amazonaws.com/doc/2010-08-01/).
	XMLNamespace string
	// QueryErrors maps a JSON error code to the query protocol's code
	// and fault (SQS: QueueDoesNotExist to
	// "AWS.SimpleQueueService.NonExistentQueue;Sender"), sent as the
	// x-amzn-query-error header; with Query the XML error uses it too.
	QueryErrors map[string]string
	// Operations by name.
	Operations map[string]Operation
	// Routes are the restJson1 routes, in order.
	Routes []Route
}

// Route is one restJson1 operation's HTTP binding: Method and a Path
// of literal and {label} segments (a label binds the input member whose
// json tag names it, its value unescaped; a last {label+} takes the rest
// of the path); Status is the success status (200 when zero). Input
// members bind to the query string by the struct tag
// `querystring:"name"` (a list takes every value), to headers by
// `header:"Name"`; a member tagged `payload:""` ([]byte,
// json.RawMessage, string, or a struct as JSON) is the body, else the
// rest of the input is the JSON body. Output members tagged
// `header:"Name"` are headers, one tagged `httpResponseCode:""` (as
// Smithy's trait) the HTTP status when not zero, one tagged
// `payload:""` the raw body; else the rest of the output is the JSON
// body. Bound members are usually also json:"-".
type Route struct {
	Method, Path, Operation string
	Status                  int
}

// Operation is one typed operation; make one with Op.
type Operation struct {
	in   reflect.Type
	call func(ctx context.Context, in any) (any, error)
}

// Op is the operation f: its input is decoded into a new In, its
// output encoded from *Out. f's error is the operation's error: an
// *Error as it is, any other an InternalFailure.
func Op[In, Out any](f func(context.Context, *In) (*Out, error)) Operation {
	return Operation{
		in: reflect.TypeFor[In](),
		call: func(ctx context.Context, in any) (any, error) {
			out, err := f(ctx, in.(*In))
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = new(Out)
			}
			return out, nil
		},
	}
}

// newInput is a pointer to a new zero input.
func (o Operation) newInput() any { return reflect.New(o.in).Interface() }
