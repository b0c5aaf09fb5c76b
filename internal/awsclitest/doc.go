// Package awsclitest runs the AWS CLI v2 in tests that drive it as a real
// client against a local endpoint (the emulator, the local stack's APIs,
// `alchemiser local up`).
//
// The CLI is Debian's awscli (v2.9) at /usr/bin/aws; $ALCHEMISER_AWS_CLI
// names another. Without one the test fails: `make tools`
// (scripts/awscli.sh install) installs it.
//
// The CLI runs in an environment of its own: none of the machine's
// variables, HOME and the config and credentials files in a temporary
// directory, fake credentials, us-east-1, no pager, no EC2 instance
// metadata, and both proxies on a closed port that only loopback
// endpoints bypass, so a request that misses the local endpoint fails on
// this machine instead of reaching AWS.
//
// Limits: the CLI 2.9 takes its endpoint from --endpoint-url only (it
// ignores AWS_ENDPOINT_URL, which came in 2.13); each Run has a
// two-minute deadline.
package awsclitest
