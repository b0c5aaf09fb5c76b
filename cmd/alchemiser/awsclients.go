package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/spf13/pflag"
)

// awsOptions are the flags of every command that calls AWS: the profile
// and region, which override the standard chain's (AWS_PROFILE,
// AWS_REGION, the shared config files), and the CloudFormation stack
// whose resources the command acts on. The endpoint is the chain's too:
// AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>) sends every client to
// another endpoint, such as the local stack's
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
type awsOptions struct {
	profile, region, stack string
}

// addFlags registers --profile, --region and --stack; stackUsage says
// what the stack gives the command.
func (o *awsOptions) addFlags(fs *pflag.FlagSet, stackUsage string) {
	fs.StringVar(&o.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE, or the default profile)")
	fs.StringVar(&o.region, "region", "", "AWS region (default: AWS_REGION, or the profile's)")
	fs.StringVar(&o.stack, "stack", "", stackUsage)
}

// args are the flags that were set, for a command that runs another.
func (o *awsOptions) args() []string {
	var out []string
	for _, f := range [][2]string{{"--profile", o.profile}, {"--region", o.region}, {"--stack", o.stack}} {
		if f[1] != "" {
			out = append(out, f[0]+"="+f[1])
		}
	}
	return out
}

// config loads the one AWS configuration every command uses: the SDK's
// default chain (environment, shared config and credentials files, SSO,
// container and instance roles), with --profile and --region on top.
func (o *awsOptions) config(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.profile))
	}
	if o.region != "" {
		opts = append(opts, config.WithRegion(o.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("could not load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, usageError{errors.New("no AWS region: give --region, or set AWS_REGION or the profile's region")}
	}
	return cfg, nil
}

// awsError is a failed AWS call, written as the operation and the
// service's error code and message, without the SDK's transport details.
type awsError struct {
	op  string
	err error
}

func (e *awsError) Error() string {
	var api smithy.APIError
	if errors.As(e.err, &api) {
		return fmt.Sprintf("%s: %s: %s", e.op, api.ErrorCode(), api.ErrorMessage())
	}
	return e.op + ": " + e.err.Error()
}

func (e *awsError) Unwrap() error { return e.err }

// awsErr wraps err, when there is one, as the failure of op.
func awsErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &awsError{op: op, err: err}
}

// clock is the time the AWS commands read and wait on; tests replace it.
var clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
} = wallClock{}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
