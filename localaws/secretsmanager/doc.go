// Package secretsmanager serves the local stack's secrets over the AWS
// API (awsJson1_1, target prefix secretsmanager, signing name
// secretsmanager), for the Go SDK and the AWS CLI pointed at the local
// endpoint.
//
// The secrets are template.yaml's AWS::SecretsManager::Secret resources,
// named and with the ARNs the template gives them (locally without the
// six random characters AWS appends, as topology resolves them and the
// functions' ALPACA_SECRET_ARN holds them). A secret's first value is
// Config.Values[name] when given, else the template's SecretString, else
// a placeholder in the shape the functions read
// ({"key_id":"LOCAL-PLACEHOLDER","secret_key":"LOCAL-PLACEHOLDER"}, which
// authenticates nowhere: the local stack hands the paper exchange's
// credentials to its functions directly). The secrets are kept in
// Config.Dir/secrets.json (mode 0600): a value put is written before the
// call returns, and a new SecretsManager on the same directory starts
// from the file. Nothing here logs a secret's value.
//
// Served, as the API reference describes them:
//   - GetSecretValue: SecretId a name or an ARN; VersionId and
//     VersionStage (AWSCURRENT by default) pick the version
//     (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html);
//   - PutSecretValue: a new version (its VersionId the
//     ClientRequestToken, or a new UUID) with the stages given, AWSCURRENT
//     by default; a stage moves to the new version, and when AWSCURRENT
//     moves the version that had it gets AWSPREVIOUS; the same token with
//     the same value changes nothing, with another value it is
//     ResourceExistsException
//     (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
//
// An unknown secret or version is ResourceNotFoundException, a broken
// request InvalidParameterException.
//
// Deviations: no CreateSecret, DescribeSecret, ListSecrets, rotation,
// replication or KMS; a version left without stages is dropped (AWS
// keeps it, deprecated, for a while).
//
// Concurrency: the methods of SecretsManager and its operations are safe
// for concurrent use.
package secretsmanager
