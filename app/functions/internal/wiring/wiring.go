// Package wiring builds the functions' adapters from the environment.
//
//	EVENT_BUS_NAME     the EventBridge bus to publish to (required)
//	ALPACA_BASE_URL    trading API; https://paper-api.alpaca.markets by default
//	ALPACA_DATA_URL    market data API; https://data.alpaca.markets by default
//	ALPACA_KEY_ID      API key id
//	ALPACA_SECRET_KEY  API secret
//	NOTIFY_TOPIC_ARN   SNS topic for workflow summaries (notifications)
//	SLACK_WEBHOOK_URL  optional Slack incoming webhook (notifications)
//	LOG_LOCATION       where summaries say the logs are, e.g. a Logs Insights link
//	ALCHEMISER_TELEMETRY  "off" runs the bare handler with a plain JSON logger
//	                   (for cold-start comparisons, or if telemetry itself fails)
//
// Alpaca credentials come from the environment until the template issue
// moves them to Secrets Manager, read once at cold start.
package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// AWS loads the AWS configuration of the execution environment.
func AWS(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return cfg, fmt.Errorf("could not load AWS configuration: %w", err)
	}
	return cfg, nil
}

// Deps builds the common handler dependencies of function fn.
func Deps(cfg aws.Config, fn string) (handlers.Deps, error) {
	name := os.Getenv("EVENT_BUS_NAME")
	if name == "" {
		return handlers.Deps{}, fmt.Errorf("EVENT_BUS_NAME is not set")
	}
	pub := bus.NewEventBridge(eventbridge.NewFromConfig(cfg), name, events.Source(fn))
	return handlers.Deps{Publisher: pub, Log: Logger(fn)}, nil
}

// Logger writes JSON lines to stdout, where Lambda sends them to
// CloudWatch Logs.
func Logger(fn string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", fn)
}

// Broker is the Alpaca adapter configured from the environment.
func Broker() *alpaca.Adapter {
	return alpaca.New(alpaca.Config{
		BaseURL: os.Getenv("ALPACA_BASE_URL"), DataURL: os.Getenv("ALPACA_DATA_URL"),
		KeyID: os.Getenv("ALPACA_KEY_ID"), Secret: os.Getenv("ALPACA_SECRET_KEY"),
	})
}

// Build makes a function's handler from the AWS configuration and the
// common dependencies.
type Build func(ctx context.Context, cfg aws.Config, deps handlers.Deps) (handlers.Func, error)

// Run is each function's main: it builds the handler once per execution
// environment and hands it to the Lambda runtime. A build failure is logged
// and exits non-zero, which Lambda reports as an init error.
func Run(fn string, build Build) {
	ctx := context.Background()
	h, err := start(ctx, fn, build)
	if err != nil {
		Logger(fn).Error("could not start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// start initialises telemetry, then the handler, and wraps one in the other.
func start(ctx context.Context, fn string, build Build) (lambda.Handler, error) {
	cfg, err := AWS(ctx)
	if err != nil {
		return nil, err
	}
	deps, err := Deps(cfg, fn)
	if err != nil {
		return nil, err
	}
	if os.Getenv("ALCHEMISER_TELEMETRY") == "off" {
		h, err := build(ctx, cfg, deps)
		if err != nil {
			return nil, err
		}
		return lambda.NewHandler(h), nil
	}
	tel, err := telemetry.Init(ctx, cfg.Credentials, telemetry.WithSecrets(os.Getenv("ALPACA_SECRET_KEY"), os.Getenv("ALPACA_KEY_ID")))
	if err != nil {
		return nil, err
	}
	deps.Log, deps.Adopt = tel.Logger(), telemetry.AdoptCorrelation
	if deps.Metrics, err = metrics.New(tel.MeterProvider(), fn); err != nil {
		return nil, err
	}
	deps.Publisher = metrics.Publisher{Next: deps.Publisher, Recorder: deps.Metrics}
	h, err := build(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	return tel.Wrap(telemetry.HandlerFunc(h)), nil
}
