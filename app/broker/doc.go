// Package broker is the trading port: the account, positions, assets,
// quotes, orders and market clock of a broker, in Alpaca's vocabulary
// (order statuses, sides, types), with decimal money.
//
// Implementations: package alpaca (the official Alpaca client) for real
// and paper trading, tested against package paper (an Alpaca-compatible
// HTTP server on 127.0.0.1). Errors where the broker answered are *Error,
// carrying the endpoint, HTTP status, broker code and a sentinel
// (ErrNotFound, ErrRateLimited, ErrUnavailable, ErrRejected,
// ErrUnauthorized); Retryable says whether the same call may succeed later
// (429, 5xx, timeouts and transport errors).
//
// The port's one non-obvious promise: PlaceOrder with a client order id the
// broker already knows returns that order with Existing set and places
// nothing, which is what makes execution idempotent. CancelOrder only asks:
// the order then ends canceled (a partial fill kept) or filled, and must be
// read; one that already ended is ErrRejected (Alpaca's 422).
package broker
