// Package strategy evaluates trading strategies written in a subset of the
// Alchemiser / Composer "symphony" language, an S-expression (Clojure-like)
// notation, and turns them into target allocations.
//
//	(defsymphony "Balanced" {:rebalance-frequency :daily}
//	  (weight-specified 0.6 (asset "SPY") 0.4 (asset "TLT")))
//
// # Forms
//
//   - (defsymphony NAME {OPTIONS} NODE): a strategy; options are kept, not interpreted.
//   - (asset "TICKER" ["display name"]): 100% in one ticker.
//   - (weight-equal [NODE...]): equal weights.
//   - (weight-specified W1 NODE1 W2 NODE2 ...): fixed weights, given as fractions
//     summing to 1 or as percentages summing to 100.
//   - (group "name" [NODE...]): a named node; its children are weighted equally.
//   - (if CONDITION [THEN...] [ELSE...]): each branch's nodes weighted equally.
//   - (> A B), (< A B), (>= A B), (<= A B): A and B are indicators or numbers.
//   - (filter (INDICATOR {:window N}) (select-top N) [ASSET...]) and select-bottom:
//     ranks the assets by the indicator of their own ticker and weights the
//     chosen N equally. Only assets may be filtered (Composer also ranks
//     groups; this subset does not). Ties go to the ticker that sorts first.
//
// Comments start with ";" and run to the end of the line. Every syntax or
// validation error is a *SyntaxError printed as file:line:col: message.
//
// # Indicators
//
// All work on daily closes, oldest first, and return float64 (comparisons
// are evaluated in float64; weights stay decimal). A windowed indicator takes
// one options map whose only key is :window, given once; any other key is an
// error at its own file:line:col, wherever it stands in the map:
//
//   - current-price: the last close (the workflow runs at the open, so this
//     is the previous session's close);
//   - moving-average-price: simple mean of the last N closes;
//   - exponential-moving-average-price: alpha = 2/(N+1), seeded with the simple
//     mean of the first N closes of the fetched history;
//   - rsi: Wilder's relative strength index, 0 to 100: the first average gain and
//     loss are simple means of the first N changes, then smoothed as
//     avg = (avg*(N-1) + change)/N;
//   - cumulative-return: percent change over the last N sessions;
//   - stdev-return: population standard deviation of the last N daily simple
//     returns, in percent;
//   - max-drawdown: the largest peak-to-trough fall within the last N closes,
//     in percent, as a positive number.
//
// EMA and RSI depend on where their recursion starts, so the engine always
// fetches Warmup (250) sessions beyond the longest window of any indicator,
// or all available history when there is less; results are therefore
// reproducible for a given data set and date.
//
// # Output
//
// The engine weights each strategy's allocation by its configured weight,
// sums them, and rounds every weight to 6 decimal places with a
// largest-remainder correction so the weights sum to exactly 1; zero
// weights are dropped.
package strategy
