// Package alpaca is the Broker adapter for Alpaca, built on the official
// client github.com/alpacahq/alpaca-trade-api-go/v3.
//
// The official client takes no context and retries HTTP 429 itself with
// time.Sleep. The adapter therefore builds a client per call whose HTTP
// transport carries the call's context (so an invocation's deadline bounds
// every request), and turns the client's own retries off (RetryLimit -1):
// retries belong to the execution layer, which honours deadlines and
// counts them.
//
// Every request, the market data API's included, is an HTTP CLIENT span
// (otelhttp, with the tracer of the span in the call's context) carrying
// the HTTP client conventions' attributes: server.address and
// server.port, url.full, http.request.method, http.response.status_code,
// error.type; it is named "{method} {url.template}" after the endpoint
// ("POST /v2/orders"), and the market data API's after the method alone.
//
// Errors are *broker.Error with the HTTP status, Alpaca's error code and a
// sentinel (broker.ErrNotFound, ErrRateLimited, ErrUnavailable,
// ErrRejected, ErrUnauthorized). A duplicate client_order_id (HTTP 422,
// "client_order_id must be unique") is not an error: PlaceOrder fetches
// the existing order and returns it with Existing set.
//
// Defaults: BaseURL https://paper-api.alpaca.markets, DataURL
// https://data.alpaca.markets, PollInterval 250 ms.
package alpaca
