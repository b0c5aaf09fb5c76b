// Package local is the embedded stack: the four functions' handlers in one
// process, connected by an in-process EventBridge stand-in (Router), trading
// through the real Alpaca adapter against the paper exchange on 127.0.0.1,
// with market data from the bundled synthetic data set.
//
// Run executes N workflows on the last N sessions of the data set, one
// after another on one paper account, and writes a run directory:
//
//	<out>/<UTC time>-seed<S>/
//	  logs/<function>.log   one JSON object per line
//	  dlq.jsonl             dead-lettered deliveries (absent when none)
//	  outbox/               the notifications (.txt, .html, .json)
//	  run.json              the results
//
// Determinism: the seed fixes the starting portfolio and the workflows'
// correlation ids (ULIDs stamped 09:35 New York of their session, with
// seeded randomness), so the same seed gives the same plans and client order
// ids. Wall-clock times (occurred_at, durations) naturally differ.
package local
