// Package awsapi serves AWS service APIs over HTTP on one endpoint, as
// the AWS SDKs and the AWS CLI call them when their endpoint URL is set
// (--endpoint-url; AWS_ENDPOINT_URL for the SDKs). It knows the wire
// protocols, not the services: a service is a set of typed operations
// (Op(func(ctx, *In) (*Out, error))) that a Server routes requests to.
//
// The protocols, each as its Smithy specification describes it:
//   - awsJson1_0 and awsJson1_1: POST /, X-Amz-Target "Prefix.Operation",
//     JSON bodies; errors {"__type": code, "message": ...} with HTTP 400
//     (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html);
//     for SQS also the x-amzn-query-error header, which maps the JSON
//     error to the query protocol's code for clients in query
//     compatibility mode (awsQueryCompatible);
//   - awsQuery: POST / with an application/x-www-form-urlencoded body
//     (Action, Version, the members), responses in XML
//     <ActionResponse xmlns=XMLNamespace><ActionResult>...</ActionResult>
//     <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>,
//     errors <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/>
//     <Message/></Error><RequestId/></ErrorResponse> with the error's
//     HTTP status (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html);
//   - rpcv2Cbor: POST /service/{Service}/operation/{Operation} with
//     Smithy-Protocol: rpc-v2-cbor and CBOR bodies; errors a map with
//     __type and message, HTTP 400
//     (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html);
//   - restJson1: Routes of method and path with {label} segments, as
//     Lambda's API has them (see Route for the bindings); errors a JSON
//     body {"Type": "User"|"Service", "message": ..., "Message": ...}
//     with the code in X-Amzn-ErrorType, which the SDKs read first; a
//     path no route has is a 404 UnknownOperationException
//     (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html).
//
// A request's protocol is chosen by its headers (Smithy-Protocol, then
// X-Amz-Target, then a POST of a form), else it is a REST request. Its
// service is found by its protocol: the rpcv2 path's service name, the
// X-Amz-Target prefix, the routes, and for the query protocol, whose
// requests do not name their service, the service name in the SigV4
// credential scope of the Authorization header. Any credentials are
// accepted; signatures are not checked. An unsigned query request is a
// 403 MissingAuthenticationToken, one signed for a service that is not
// served (or does not speak query) an InvalidAction naming those that are.
//
// Members are named by the json struct tag, as in the services' JSON and
// CBOR shapes (the CBOR codec reads json tags). The query protocol uses
// the same names; a query tag changes how one member is written, in the
// form and in the XML alike: `query:"Name"` renames it (AWS's xmlName),
// `query:"Name,flat"` makes a list or map flattened (xmlFlattened), and
// `key=K`, `value=V`, `member=M` name a map's entry members and a list's
// elements. So, for SQS, ListQueues' QueueUrls is `query:"QueueUrl,flat"`
// (<QueueUrl> repeated; the input AttributeName.1, AttributeName.2 for
// `query:"AttributeName,flat"`) and GetQueueAttributes' Attributes
// `query:"Attribute,flat,key=Name,value=Value"`. Wrapped lists are
// Name.member.N in forms (N from 1) and <Name><member/></Name> in XML,
// wrapped maps Name.entry.N.key/value and <Name><entry><key/><value/>
// </entry></Name> (entries in key order); an empty list arrives as a bare
// Name=, as the SDKs send it. Timestamps are Time values: epoch seconds in
// JSON, CBOR tag 1, ISO 8601 with milliseconds in the query protocol and
// REST query strings and labels, HTTP dates in REST headers. In the
// query protocol bools are true/false, blobs base64, floats decimal (an
// exponent beyond 1e21 and below 1e-6; NaN, Infinity, -Infinity), which
// botocore's float() and the Go SDK both read.
//
// Query protocol errors: a member the form gives that cannot be decoded
// (not a number, a list written as a value, an index 0) is an
// InvalidParameterValue naming the member's path and value; no Action is
// a MissingAction, an Action the service lacks an InvalidAction, a body
// that is not a form a MalformedQueryString (AWS's common errors,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html).
// An operation's error keeps its code, except that the service's
// QueryErrors mapping (SQS's QueueDoesNotExist is
// AWS.SimpleQueueService.NonExistentQueue) and the query names of the
// shared codes apply: ValidationException is ValidationError (as
// CloudFormation answers a stack it does not have),
// UnknownOperationException InvalidAction. Members the service does not
// know are ignored, as in JSON; a key given twice takes its first value.
//
// The AWS CLI v2.9 (Debian's awscli, botocore inside) reports the query
// code: "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when
// calling the GetQueueUrl operation: ...", where the Go SDK's SQS client
// (JSON, query-compatible) returns *types.QueueDoesNotExist. The CLI 2.9
// takes its endpoint from --endpoint-url only: it ignores
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (and endpoint_url in
// its config file), which came in 2.13; the external test
// TestCLIEndpointFromTheEnvironment checks that against the CLI's version.
//
// The server never panics on a request: a decoding failure is the
// protocol's serialization or validation error, an unknown operation the
// service's unknown-operation error, a body over MaxBody a 413
// RequestEntityTooLarge, and a panic in an operation an InternalFailure
// with HTTP 500; the server goes on serving. FuzzRequestDecoding feeds
// every protocol random bodies, paths and headers and checks that each
// answer is in its protocol's shape.
//
// Where it differs from AWS: signatures, credentials and Version are not
// checked; query requests are served as POSTed forms only (not GET with
// the form in the URL); a form key has at most 32 dotted parts; the JSON
// protocols do not take NaN or Infinity (Smithy's strings for them);
// MaxBody (4 MiB) is below Lambda's 6 MB synchronous payload limit;
// restJson1 route paths hold no query literals, and its error bodies
// carry the message under both spellings Lambda's error shapes use.
package awsapi
