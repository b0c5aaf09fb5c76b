// Package marketdata is the market data port (daily bars and latest
// quotes), its Alpaca adapter, and the bundled data set.
//
// # The bundled data set is synthetic
//
// data/synthetic.csv holds daily bars for 12 liquid US ETF tickers
// (SPY QQQ IWM DIA TLT IEF SHY GLD XLK XLE XLF BIL) over 420 weekdays
// ending 2026-11-20. The prices are NOT real market data: they come from a
// seeded generator (see Generate) so that the repository carries no
// licensed data and every run is reproducible. Exchange holidays are not
// modelled: every weekday is a session.
//
// The generator is geometric Brownian motion with a shared market factor:
// each ticker has an annual drift, an annual volatility and a correlation
// with the market factor, and the market factor's drift switches between a
// bull and a bear regime (on average every 60 sessions), so trend and
// mean-reversion strategies have something to react to. Opens gap from the
// previous close; highs and lows extend beyond open and close by a random
// fraction of the daily volatility. Regenerate with `go generate`; a test
// fails if the committed file differs from the generator's output.
//
// # Views in time
//
// Dataset.At(day) is the market as seen at 09:35 New York on session day:
// DailyBars never returns day's own bar (its close is in the future), and
// LatestQuote quotes around day's open with a half-spread of 2 basis points
// (at least one cent). BIL and SHY are marked not fractionable, a synthetic
// choice that exercises whole-share order paths.
package marketdata

//go:generate go run ./internal/gendata -out data/synthetic.csv
