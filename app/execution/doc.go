// Package execution carries out a rebalance plan against the broker port:
// sells first, then buys with the cash the sells freed.
//
// # Idempotency
//
// Every order's client order id is derived from (correlation id, plan id,
// symbol, side) by ClientOrderID, so a retried or duplicated invocation asks
// the broker for the same ids; the broker port answers a known id with the
// existing order (Existing), which counts as success. No order is ever
// placed twice.
//
// # Failure handling
//
//   - Broker calls are retried only for retryable errors (429, 5xx,
//     transport failures and timeouts), MaxAttempts times in all, with
//     exponential backoff and full jitter between BaseBackoff and MaxBackoff.
//     A rejection (4xx) fails that symbol at once.
//   - Each attempt but the wait for fills is bounded by CallTimeout: a
//     broker that holds requests open fails attempts (retryable transport
//     errors) that open the breaker, instead of running the invocation into
//     its Lambda timeout.
//   - A circuit breaker (sony/gobreaker) wraps every broker call. Only
//     retryable failures count towards opening it: a rejected order is not an
//     outage. While open, calls fail fast with ErrBreakerOpen.
//   - All waiting (backoff, waiting for fills) is bounded by the context's
//     deadline minus DeadlineMargin; a wait that would cross it fails with
//     ErrDeadline instead, leaving time to report.
//   - An order the executor stops watching unfinished (the wait for fills
//     reached the deadline, or the broker could not be read) is cancelled
//     (broker.Broker.CancelOrder) and read once more within half the
//     margin: it is reported canceled (Outcome.Canceled, ErrCanceled) with
//     its partial fill kept, or filled if a fill beat the cancel, so it
//     cannot fill later, outside the plan. No later order of the plan is
//     placed: it could not be watched either.
//
// Execute returns an error only when execution could not proceed and a
// later retry of the whole invocation may succeed (ErrRetryable wraps it):
// the account could not be read, or the breaker opened or the deadline came
// before any order was decided. Otherwise it returns a Report in which each
// symbol that did not fill completely is listed in Failed.
//
// # Defaults
//
// Marketable limit orders with a 50 bps price cap (buy limit = ask × 1.005,
// sell limit = bid × 0.995, rounded to the tick: $0.01 at or above $1,
// $0.0001 below); MaxAttempts 4; backoff 200 ms to 5 s; breaker opens after
// 5 consecutive retryable failures for 30 s; CallTimeout 10 s; DeadlineMargin 2 s.
package execution
