// Command strategy is the strategy Lambda: WorkflowStarted in,
// SignalGenerated out.
package main

import (
	"context"
	"os"

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/strategy"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() { wiring.Run("strategy", build) }

func build(_ context.Context, _ aws.Config, deps handlers.Deps) (handlers.Func, error) {
	strategies, err := strategy.DefaultConfig()
	if err != nil {
		return nil, err
	}
	engine, err := strategy.NewEngine(strategies)
	if err != nil {
		return nil, err
	}
	prices := marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: os.Getenv("ALPACA_DATA_URL"),
		KeyID: os.Getenv("ALPACA_KEY_ID"), Secret: os.Getenv("ALPACA_SECRET_KEY")})
	return (&handlers.Strategy{Deps: deps, Engine: engine, Prices: prices}).Handle, nil
}
