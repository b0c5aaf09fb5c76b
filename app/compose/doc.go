// Package compose is the functions' one composition root: Build makes a
// function's handler from its dependencies and wraps it in the one
// middleware chain every bootstrap (app/functions/*) and the local stack
// (app/local) share, so what runs in Lambda and what runs locally differ
// only in the adapters behind the dependencies.
//
// The chain, outermost first:
//
//	telemetry     the invocation span, logs and metrics flush
//	              (telemetry.Telemetry.Wrap); absent when Deps.Telemetry is
//	              nil (ALCHEMISER_TELEMETRY=off)
//	extras        WithMiddleware's, in the order given (the local stack's
//	              chaos and load-test hooks); none in Lambda
//	claim-check   the detail moved to a claim check put back in place
//	              (handlers.ResolvingClaims); event consumers only
//	idempotency   each event handled once per function
//	              (handlers.Idempotent); event consumers with a
//	              Deps.Idempotency store only
//	handler       the function's handler from app/handlers
//
// Claim checks are resolved before the idempotency guard, so the guard's
// payload is the event's detail itself, the same whether it travelled
// whole or by claim check (the key, metadata.event_id, is in both). The
// scheduler's input is EventBridge Scheduler's, never an event: it gets
// neither.
//
// Build starts nothing and calls no service; the adapters in Deps are
// used by the handler when it runs.
package compose
