// Package marketdata is the market data port (daily bars and latest
// quotes), its Alpaca adapter, and the bundled data set.
//
// # The bundled data set is synthetic
//
// data/synthetic.csv holds daily bars for 12 liquid US ETF tickers
// (SPY QQQ IWM DIA TLT IEF SHY GLD XLK XLE XLF BIL) over the 420 NYSE
// sessions from 2025-03-24 to 2026-11-20. The prices are NOT real market
// data: they come from a seeded generator (see Generate) so that the
// repository carries no licensed data and every run is reproducible. The
// calendar is real: the sessions are the NYSE's, without its holidays
// (nyse.go lists them, with its source), and Dataset.Session gives each
// session's hours, 09:30 to 16:00 New York, or to 13:00 on the NYSE's
// early-close days (in this range 2025-07-03, 2025-11-28 and 2025-12-24).
// The paper exchange serves this calendar as Alpaca's /v2/calendar and
// /v2/clock.
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
