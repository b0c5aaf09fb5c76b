package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/alchemiser/alchemiser/loadtest"
)

// The stack parameter that makes a stack a load-test stage: every
// function trades through the Alpaca-compatible endpoint it names.
const loadTestBrokerParam = "LoadTestBrokerUrl"

// liveAlpacaHost is Alpaca's live trading API: a stack trading there is
// never a load-test stage, whatever it is called.
const liveAlpacaHost = "api.alpaca.markets"

// credentialsTimeout bounds the look for credentials: the default chain
// ends with the instance metadata service, which a machine outside EC2
// does not answer.
const credentialsTimeout = 10 * time.Second

// awsLoadTarget checks the stack --stack names before the first event:
// credentials, the stack itself, that it is a load-test stage, its results
// queue, and --yes. Each failure is one usage error (exit 2), and nothing
// has been put on the bus.
func awsLoadTarget(ctx context.Context, f loadtestFlags, p *loadtest.Profile, stderr io.Writer) (loadtest.Target, error) {
	if f.stack == "" {
		return nil, usageError{errors.New("--target aws needs --stack NAME: the deployed load-test stage (its bus and results queue are read from its resources)")}
	}
	o := awsOptions{profile: f.awsProfile, region: f.region, stack: f.stack}
	cfg, err := o.config(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(ctx, cfg); err != nil {
		return nil, err
	}
	st, err := o.loadStack(ctx, cfg)
	if err != nil {
		return nil, usageError{fmt.Errorf("--stack: %w", err)}
	}
	broker, queue, err := loadTestStage(st)
	if err != nil {
		return nil, usageError{err}
	}
	n := len(p.Schedule(time.Time{}))
	if !f.yes {
		return nil, usageError{fmt.Errorf("this puts %d WorkflowStarted events (profile %s) on stack %s's bus %s, which trades through %s: run again with --yes to proceed",
			n, p.Name, st.Name, st.Bus, broker)}
	}
	fmt.Fprintf(stderr, "loadtest: stack %s is a load-test stage (trades through %s); putting %d workflows on bus %s\n", st.Name, broker, n, st.Bus)
	return loadtest.NewAWS(ctx, loadtest.AWSConfig{EventBus: st.Bus, ResultsQueueURL: queue, Region: cfg.Region, Credentials: cfg.Credentials})
}

// checkCredentials retrieves the chain's credentials once, so that a
// machine without any fails here, with one message, instead of at every
// call of the run.
func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return usageError{errors.New("no AWS credentials: configure them (environment, shared files, SSO, --aws-profile) and run again")}
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return usageError{fmt.Errorf("no AWS credentials: configure them (environment, shared files, SSO, --aws-profile) and run again (%s)", lastCause(err))}
	}
	return nil
}

// lastCause is the innermost message of the SDK's chain of wrapped
// errors: what actually failed, without every layer's prefix.
func lastCause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// loadTestStage is the broker endpoint and results queue URL of a stack
// that is a load-test stage: its LoadTestBrokerUrl is set (and is not
// Alpaca's live trading API), and it has the results queue
// (EnableLoadTest=true).
func loadTestStage(st *stack) (broker, queue string, err error) {
	broker = st.Parameters[loadTestBrokerParam]
	if broker == "" {
		return "", "", fmt.Errorf("stack %s is not a load-test stage: its %s parameter is empty, so its functions trade the account in its Alpaca secret; deploy a stage with %s=<a paper exchange or stub broker URL> and EnableLoadTest=true",
			st.Name, loadTestBrokerParam, loadTestBrokerParam)
	}
	u, perr := url.Parse(broker)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("stack %s: %s %q is not an http(s) URL", st.Name, loadTestBrokerParam, broker)
	}
	if strings.EqualFold(u.Hostname(), liveAlpacaHost) {
		return "", "", fmt.Errorf("stack %s is not a load-test stage: its %s is Alpaca's live trading API (%s)", st.Name, loadTestBrokerParam, broker)
	}
	if queue = st.Outputs["LoadTestResultsQueueUrl"]; queue == "" {
		return "", "", fmt.Errorf("stack %s has no load-test results queue (output LoadTestResultsQueueUrl): deploy it with EnableLoadTest=true", st.Name)
	}
	return broker, queue, nil
}
