// Package awsapi serves AWS service APIs over HTTP on one endpoint, as
// the AWS SDKs and the AWS CLI call them when their endpoint URL is set
// (AWS_ENDPOINT_URL, --endpoint-url). It knows the wire protocols, not
// the services: a service is a set of typed operations
// (Op(func(ctx, *In) (*Out, error))) that a Server routes requests to.
//
// The protocols, each as its Smithy specification describes it:
//   - awsJson1_0 and awsJson1_1: POST /, X-Amz-Target "Prefix.Operation",
//     JSON bodies; errors {"__type": code, "message": ...} with HTTP 400
//     (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html);
//     for SQS also the x-amzn-query-error header, which maps the JSON
//     error to the query protocol's code for clients in query
//     compatibility mode (awsQueryCompatible);
//   - awsQuery: POST / with a form body (Action, Version, members
//     flattened as Name.member.N, Name.entry.N.key/value or, for
//     flattened members, Name.N), responses in XML
//     <OperationResponse><OperationResult>...</OperationResult>
//     <ResponseMetadata><RequestId/></ResponseMetadata>; errors
//     <ErrorResponse><Error><Type/><Code/><Message/></Error>
//     (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html);
//   - rpcv2Cbor: POST /service/{Service}/operation/{Operation} with
//     Smithy-Protocol: rpc-v2-cbor and CBOR bodies; errors a map with
//     __type and message, HTTP 400
//     (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html);
//   - restJson1: routes of method and path with {label} segments, as
//     Lambda's API has them.
//
// A request's service is found by its protocol: the rpcv2 path's service
// name, the X-Amz-Target prefix, and otherwise the service name in the
// SigV4 credential scope of its Authorization header. Any credentials are
// accepted; signatures are not checked.
//
// Members are named by the json struct tag, as in the services' JSON and
// CBOR shapes (the CBOR codec reads json tags). The query protocol uses
// the same names; a query tag changes how one member is written:
// `query:"Name,flat"` (a flattened list or map named Name), `key=K` and
// `value=V` (a map's entry member names). Timestamps are Time values:
// epoch seconds in JSON, CBOR tag 1, ISO 8601 in the query protocol.
//
// The server never panics on a request: a decoding failure is the
// protocol's serialization or validation error, an unknown operation the
// service's unknown-operation error, and a panic in an operation an
// InternalFailure with HTTP 500.
package awsapi
