// Package wiring builds the functions' adapters from the environment
// template.yaml gives them.
//
//	EVENT_BUS_NAME        the EventBridge bus to publish to (required)
//	ALPACA_SECRET_ARN     Secrets Manager secret holding {"key_id", "secret_key",
//	                      "base_url", "data_url"}, read once at cold start
//	ALPACA_KEY_ID, ALPACA_SECRET_KEY
//	                      plaintext fallback for development only (a warning
//	                      is logged); template.yaml never sets them
//	ALPACA_BASE_URL       trading API, over the secret's base_url when not empty;
//	                      https://paper-api.alpaca.markets when neither is set.
//	                      template.yaml sets it from LoadTestBrokerUrl: empty
//	                      but on a load-test stage
//	ALPACA_DATA_URL       market data API; https://data.alpaca.markets by default
//	IDEMPOTENCY_TABLE     DynamoDB table; every event handler runs once per event
//	CLAIM_CHECK_BUCKET    S3 bucket for details over the 256 KB entry limit
//	KILL_SWITCH_PARAMETER SSM parameter; "true" trades, anything else stops
//	                      execution (execution only; see KillSwitch)
//	NOTIFY_TOPIC_ARN      SNS topic for workflow summaries (notifications)
//	SLACK_WEBHOOK_SECRET_ARN  optional Secrets Manager secret holding a Slack
//	                      incoming webhook URL (notifications), read at cold start
//	LOG_LOCATION          where summaries say the logs are, e.g. a Logs Insights link
//	ALCHEMISER_TELEMETRY  "off" runs the bare handler with a plain JSON logger
//	                      (for cold-start comparisons, or if telemetry itself fails)
package wiring

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/bus"
	ebpub "github.com/alchemiser/alchemiser/app/bus/eventbridge"
	"github.com/alchemiser/alchemiser/app/bus/s3claims"
	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	ddbstore "github.com/alchemiser/alchemiser/app/idempotency/dynamodb"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Env is what a function's build reads besides its environment
// variables: the AWS configuration, and the Alpaca configuration.
type Env struct {
	AWS    aws.Config
	Alpaca alpaca.Config
	// SlackWebhook is the Slack incoming webhook URL read from
	// SLACK_WEBHOOK_SECRET_ARN, "" when it is not set. It is a secret
	// (whoever has it can post to the channel): telemetry redacts it.
	SlackWebhook string
}

// Build adds to d what only its function reads from the environment; nil
// adds nothing.
type Build func(ctx context.Context, env Env, d *compose.Deps) error

// Run is each function's main: it builds the handler once per execution
// environment (compose.Build) and hands it to the Lambda runtime. A build
// failure is logged and exits non-zero, which Lambda reports as an init
// error.
func Run(fn string, build Build) {
	ctx := context.Background()
	h, err := start(ctx, fn, build)
	if err != nil {
		Logger(fn).Error("could not start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// Logger writes JSON lines to stdout, where Lambda sends them to
// CloudWatch Logs.
func Logger(fn string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", fn)
}

// start reads the configuration and composes the handler.
func start(ctx context.Context, fn string, build Build) (lambda.Handler, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("could not load AWS configuration: %w", err)
	}
	env, d, err := deps(ctx, fn, cfg)
	if err != nil {
		return nil, err
	}
	if build != nil {
		if err := build(ctx, env, &d); err != nil {
			return nil, err
		}
	}
	f, err := compose.Build(fn, d)
	if err != nil {
		return nil, err
	}
	return f.Handler, nil
}

// deps reads the environment every function shares: the bus, the
// Alpaca credentials, telemetry, the idempotency table and the claim
// checks.
func deps(ctx context.Context, fn string, cfg aws.Config) (Env, compose.Deps, error) {
	var d compose.Deps
	bus := os.Getenv("EVENT_BUS_NAME")
	if bus == "" {
		return Env{}, d, fmt.Errorf("EVENT_BUS_NAME is not set")
	}
	creds, err := alpacaConfig(ctx, cfg, fn)
	if err != nil {
		return Env{}, d, err
	}
	env := Env{AWS: cfg, Alpaca: creds}
	if arn := os.Getenv("SLACK_WEBHOOK_SECRET_ARN"); arn != "" {
		if env.SlackWebhook, err = Secret(ctx, cfg, arn); err != nil {
			return env, d, err
		}
	}
	d.Alpaca, d.Claims = creds, claimStore(cfg)
	d.Handler.Log = Logger(fn)
	if os.Getenv("ALCHEMISER_TELEMETRY") != "off" {
		if d.Telemetry, err = telemetry.Init(ctx, cfg.Credentials, telemetry.WithSecrets(creds.Secret, creds.KeyID, env.SlackWebhook),
			telemetry.WithEventBus(bus)); err != nil {
			return env, d, err
		}
		d.Handler.Log, d.Handler.Adopt = d.Telemetry.Logger(), telemetry.AdoptCorrelation
		if d.Handler.Metrics, err = metrics.New(d.Telemetry.MeterProvider(), fn); err != nil {
			return env, d, err
		}
		d.Handler.Metrics.Log = d.Telemetry.Logger()
	}
	if table := os.Getenv("IDEMPOTENCY_TABLE"); table != "" {
		d.Idempotency = ddbstore.New(dynamodb.NewFromConfig(cfg), table)
		d.Ledger = &handlers.Ledger{Store: d.Idempotency}
	}
	d.Handler.Publisher = publisher(cfg, bus, fn, d.Claims, d.Handler.Metrics)
	if d.Handler.Metrics != nil {
		d.Handler.Publisher = metrics.Publisher{Next: d.Handler.Publisher, Recorder: d.Handler.Metrics}
	}
	return env, d, nil
}

func publisher(cfg aws.Config, busName, fn string, claims bus.ClaimStore, rec *metrics.Recorder) bus.Publisher {
	var opts []ebpub.Option
	if claims != nil {
		opts = append(opts, ebpub.WithClaimCheck(claims))
	}
	if rec != nil {
		opts = append(opts, ebpub.WithObserver(rec))
	}
	return ebpub.New(eventbridge.NewFromConfig(cfg), busName, events.Source(fn), opts...)
}

func claimStore(cfg aws.Config) bus.ClaimStore {
	bucket := os.Getenv("CLAIM_CHECK_BUCKET")
	if bucket == "" {
		return nil
	}
	return s3claims.Store{Client: s3.NewFromConfig(cfg), Bucket: bucket}
}

// alpacaSecret is the JSON of the Alpaca credentials secret.
type alpacaSecret struct {
	KeyID     string `json:"key_id"`
	SecretKey string `json:"secret_key"`
	BaseURL   string `json:"base_url"`
	DataURL   string `json:"data_url"`
}

// alpacaConfig reads the Alpaca credentials once per execution
// environment: from Secrets Manager, or (development only) from the
// environment.
func alpacaConfig(ctx context.Context, cfg aws.Config, fn string) (alpaca.Config, error) {
	c := alpaca.Config{BaseURL: os.Getenv("ALPACA_BASE_URL"), DataURL: os.Getenv("ALPACA_DATA_URL")}
	arn := os.Getenv("ALPACA_SECRET_ARN")
	if arn == "" {
		c.KeyID, c.Secret = os.Getenv("ALPACA_KEY_ID"), os.Getenv("ALPACA_SECRET_KEY")
		if c.Secret != "" {
			Logger(fn).Warn("Alpaca credentials read from plaintext environment variables; use ALPACA_SECRET_ARN in AWS")
		}
		return c, nil
	}
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return c, fmt.Errorf("could not read the Alpaca secret %s: %w", arn, err)
	}
	var s alpacaSecret
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &s); err != nil || s.KeyID == "" || s.SecretKey == "" {
		return c, fmt.Errorf("the Alpaca secret %s must be JSON with key_id and secret_key", arn)
	}
	c.KeyID, c.Secret = s.KeyID, s.SecretKey
	c.BaseURL, c.DataURL = firstNonEmpty(c.BaseURL, s.BaseURL), firstNonEmpty(c.DataURL, s.DataURL)
	return c, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Secret reads a Secrets Manager secret's string once (cold start).
func Secret(ctx context.Context, cfg aws.Config, arn string) (string, error) {
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("could not read the secret %s: %w", arn, err)
	}
	return strings.TrimSpace(aws.ToString(out.SecretString)), nil
}

// KillSwitch reads the SSM parameter KILL_SWITCH_PARAMETER before each
// plan; nil when it is not set. Its value means what
// handlers.TradingEnabledValue says: "true" trades, "false" halts, and
// anything else halts too, with a *handlers.KillSwitchValueError that
// the execution handler puts in the workflow's failure.
func KillSwitch(cfg aws.Config) func(ctx context.Context) (bool, error) {
	name := os.Getenv("KILL_SWITCH_PARAMETER")
	if name == "" {
		return nil
	}
	client := ssm.NewFromConfig(cfg)
	return func(ctx context.Context) (bool, error) {
		out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
		if err != nil {
			return false, fmt.Errorf("ssm GetParameter %s: %w", name, err)
		}
		on, err := handlers.TradingEnabledValue(aws.ToString(out.Parameter.Value))
		if err != nil {
			return false, fmt.Errorf("ssm parameter %s: %w", name, err)
		}
		return on, nil
	}
}
