// Command strategy is the strategy Lambda: WorkflowStarted in,
// SignalGenerated out.
package main

import (
	"context"

	"github.com/alchemiser/alchemiser/app/functions/internal/wiring"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/strategy"
)

func main() { wiring.Run("strategy", build) }

func build(_ context.Context, env wiring.Env) (handlers.Func, error) {
	strategies, err := strategy.DefaultConfig()
	if err != nil {
		return nil, err
	}
	engine, err := strategy.NewEngine(strategies)
	if err != nil {
		return nil, err
	}
	prices := marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: env.Alpaca.DataURL,
		KeyID: env.Alpaca.KeyID, Secret: env.Alpaca.Secret})
	return (&handlers.Strategy{Deps: env.Deps, Engine: engine, Prices: prices}).Handle, nil
}
