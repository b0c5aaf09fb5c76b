package eventbridge

import (
	"context"
	"time"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/alchemiser/alchemiser/app/internal/retry"
)

// Option configures New.
type Option func(*Publisher)

// Observer hears what the publisher does beyond publishing: entries it
// retries and details it moves to a claim check. Its methods are called
// synchronously, from Publish's goroutine, and must not block.
type Observer interface {
	PublishRetried(ctx context.Context, eventType, code string)
	ClaimChecked(ctx context.Context, eventType string, bytes int)
}

// WithObserver reports retries and claim checks to o.
func WithObserver(o Observer) Option { return func(p *Publisher) { p.observer = o } }

// WithClaimCheck stores oversize details in store instead of failing them.
func WithClaimCheck(store bus.ClaimStore) Option { return func(p *Publisher) { p.claims = store } }

// WithRetry sets how often a failed entry is tried (attempts, at least 1)
// and the backoff's base and cap (no cap when zero). Defaults: 5, 50 ms,
// 2 s.
func WithRetry(attempts int, base, cap time.Duration) Option {
	return func(p *Publisher) {
		p.retry.Attempts = max(attempts, 1)
		p.retry.Backoff.Base, p.retry.Backoff.Max = base, cap
	}
}

// withSleep replaces the backoff's sleep (tests).
func withSleep(f func(context.Context, time.Duration) error) Option {
	return func(p *Publisher) { p.retry.Sleep = f }
}

// defaultRetry is WithRetry(5, 50*time.Millisecond, 2*time.Second) with
// full jitter from math/rand/v2's global source, which concurrent
// Publish calls may share.
func defaultRetry() retry.Policy {
	return retry.Policy{Attempts: 5, Backoff: retry.Backoff{Base: 50 * time.Millisecond, Max: 2 * time.Second,
		Jitter: retry.FullJitter(nil)}}
}
