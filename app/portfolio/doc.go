// Package portfolio plans a rebalance: from an account snapshot and target
// weights to a list of sells, buys and holds. All money and quantities are
// shopspring/decimal.
//
// # Rules
//
//   - Investable value = equity × (1 − CashReserve); a symbol's target value
//     = weight × investable value; its trade value = target − current value.
//   - A trade smaller than max(MinTradeFraction × equity, MinTradeNotional)
//     becomes a HOLD: churn costs more than the drift.
//   - A held symbol that is no longer targeted is sold completely, whatever its
//     size, unless it is worth less than MinTradeNotional (Alpaca's $1 minimum).
//   - Quantities round down: to FractionalDecimals places for fractionable
//     symbols, to whole shares otherwise; a full liquidation sells exactly
//     the held quantity. A trade that rounds to zero is a HOLD.
//   - Buys never exceed the cash available after the sells, minus the reserve:
//     when they would, every buy is scaled down by the same factor (then
//     rounded down again), so targets are approached proportionally.
//   - Items are ordered sells, buys, then holds, each by symbol, because
//     execution sells first to free cash.
//
// # Defaults
//
// CashReserve 0.01, MinTradeFraction 0.01, MinTradeNotional 1 (dollar),
// FractionalDecimals 9 (Alpaca's precision for fractional quantities).
//
// Plan IDs are the first 16 hex digits of a SHA-256 over the caller's key
// (the workflow's correlation id) and the items, so the same inputs always
// give the same plan and the same ID.
package portfolio
