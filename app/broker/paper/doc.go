// Package paper is the paper exchange: an HTTP server that speaks the
// subset of Alpaca's trading and market data APIs that the official Go
// client (alpaca-trade-api-go/v3) calls for this system, so the real Alpaca
// adapter code path runs locally:
//
//	GET  /v2/account, /v2/positions, /v2/assets/{symbol}, /v2/clock, /v2/calendar
//	POST /v2/orders
//	GET  /v2/orders, /v2/orders/{id}, /v2/orders:by_client_order_id
//	DELETE /v2/orders/{id}
//	GET  /v2/stocks/bars, /v2/stocks/quotes/latest
//
// Prices come from a marketdata.Dataset viewed at the open of the current
// simulated session (SetDay). Market orders and marketable limit orders
// fill at once, buys at the ask and sells at the bid; other limit orders
// rest as "new" and expire when the day moves on; DELETE cancels an open
// order at once (Alpaca passes through pending_cancel), keeping a partial
// fill, and answers 422 for one that already ended. Orders settle cash and
// positions when accepted; FillDelay only delays when the fill becomes
// visible ("accepted" until then), so waiting for terminal states is
// exercised without an order book. Accounts are cash accounts (buying power
// = cash, no shorting, no margin) registered per API key.
//
// The market calendar is the data set's (marketdata.Dataset.Session): its
// sessions are the NYSE's, 09:30-16:00 New York or 13:00 on an early
// close, and weekends and holidays have none. The market clock stands at
// 09:35 New York on the simulated session (the workflow's scheduled
// start) until SetDay or SetTime moves it; GET /v2/clock says whether a
// session is open at its time.
//
// Errors use Alpaca's JSON body {"code": N, "message": "..."} and status
// codes: 401 for unknown credentials, 403 code 40310000 for insufficient
// buying power or quantity, 404 code 40410000 for unknown orders and
// assets, 422 code 40010001 for invalid orders, including a reused
// client_order_id ("client_order_id must be unique"), which places nothing.
//
// Faults (SetFaults) inject latency, HTTP errors by status, 429s, and
// timeouts that hold a request until the client gives up, drawn from a
// seeded generator so runs are reproducible.
//
// The server listens on 127.0.0.1 only (Start), or on a listener of the
// caller's (StartOn: tests serve it on internal/memnet's in-memory
// listener, so its latency and timeout faults run on a testing/synctest
// bubble's virtual clock). Every method is safe for concurrent use.
package paper
