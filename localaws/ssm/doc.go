// Package ssm serves the local stack's SSM parameters over the AWS API
// (awsJson1_1, target prefix AmazonSSM, signing name ssm), for the Go
// SDK and the AWS CLI pointed at the local endpoint.
//
// The parameters are template.yaml's AWS::SSM::Parameter resources with
// their initial values (the kill switch /alchemiser/trading-enabled,
// "false": trading halted), or Config.Values', kept in Config.Dir/ssm.json: a value put is written before the
// call returns, and a new SSM on the same directory starts from the file,
// so nothing is lost on a restart. Get reads a value in process, and
// KillSwitch reads a parameter as the execution function reads its kill
// switch in Lambda, for local.WithTradingEnabled.
//
// Served: GetParameter, GetParameters and PutParameter, as the API
// reference describes them
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html):
// a parameter is named by its name or ARN; PutParameter of an existing
// name without Overwrite is ParameterAlreadyExists, and each put adds one
// to Version; a new parameter needs a Type (String, StringList or
// SecureString). Unknown names are ParameterNotFound, broken requests
// ValidationException.
//
// Deviations: no history (GetParameterHistory), labels, tiers beyond
// Standard, policies or tags; WithDecryption is accepted and ignored (a
// SecureString is kept and returned as given); selectors (name:version)
// are not served.
//
// Concurrency: the methods of SSM and its operations are safe for
// concurrent use.
package ssm
