// Package lambda serves the local stack's Lambda functions over restJson1
// (signing name lambda, API version 2015-03-31): the functions of
// template.yaml, by the names the template gives them
// (alchemiser-scheduler, ...), invoked through the emulator as Lambda
// would invoke them.
//
// Served:
//
//   - Invoke (POST /2015-03-31/functions/{FunctionName}/invocations):
//     X-Amz-Invocation-Type RequestResponse (the default) runs the function
//     now and answers 200 when it returns; a function error is still 200,
//     with X-Amz-Function-Error: Unhandled and the error as Lambda writes
//     it ({"errorMessage": ..., "errorType": ...}); a success's payload is
//     null (the functions return no value). Event queues the event and
//     answers 202: the emulator runs it with Lambda's asynchronous retries,
//     then sends its record to the function's on-failure destination.
//     DryRun checks the function and answers 204. Invoking the scheduler
//     function starts a workflow now, as the schedule would, with the
//     schedule's payload: {"trigger":"manual","scheduled_time":"..."}.
//     An empty payload is {}; one that is not JSON is
//     InvalidRequestContentException.
//
//   - GetFunction (GET /2015-03-31/functions/{FunctionName}):
//     Configuration with FunctionName, FunctionArn, Runtime, Handler,
//     MemorySize, Timeout, Environment, Architectures, LoggingConfig, Role
//     (the role SAM creates for the function) and Description from the
//     template; State Active, Version $LATEST (1 through the alias).
//
//   - GetAlias (GET /2015-03-31/functions/{FunctionName}/aliases/{Name})
//     and ListAliases (GET /2015-03-31/functions/{FunctionName}/aliases,
//     FunctionVersion filter): each function's AutoPublishAlias (live),
//     pointing at version 1 (topology.LocalVersion), the one version a
//     first deploy publishes; an alias the function lacks is
//     ResourceNotFoundException "Alias not found: ARN".
//
// FunctionName is the function's name or ARN, with Qualifier (or an
// ARN's qualifier) $LATEST, the function's alias, its version 1, or
// none: the rules and schedules of template.yaml invoke the alias, and so
// may any caller. Invoke answers X-Amz-Executed-Version 1 through the
// alias or the version, $LATEST otherwise; GetFunction's Version is the
// same. Anything else is ResourceNotFoundException with HTTP 404
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
//
// Where it deviates from AWS: LogType Tail returns no log (the logs are
// in the run directory and CloudWatch Logs); Invoke's payload limits are
// the endpoint's (awsapi.MaxBody), not Lambda's 6 MB and 256 KB; the
// alias, the version and $LATEST run the same code (nothing is ever
// deployed, so nothing shifts: no RoutingConfig); GetFunction's Code has
// no location.
package lambda
