// Package idempotency runs a handler at most once per key, with the
// semantics of Powertools for AWS Lambda's idempotency utility
// (https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/):
//
//   - one atomic conditional write acquires an INPROGRESS record; it
//     succeeds when the key has no record, or its record expired, or it
//     is INPROGRESS and its in-progress expiry (the invocation's deadline)
//     passed, so a crashed invocation does not block retries forever;
//   - success stores the response with an expiry (one hour by default);
//     a later call with the key replays it without running the handler;
//   - failure deletes the record, so a retry may run;
//   - the payload's hash is stored: the same key with other content is
//     ErrPayloadMismatch, not a replay;
//   - a concurrent duplicate gets ErrInProgress, which is retryable.
//
// Expiry is always checked by the condition, never left to DynamoDB's TTL
// (which may delete hours late). Stores: DynamoStore (aws-sdk-go-v2) and
// MemoryStore / FileStore for the local stack.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Status is a record's state.
type Status string

// Record states.
const (
	InProgress Status = "INPROGRESS"
	Complete   Status = "COMPLETE"
)

// Record is one key's idempotency record.
type Record struct {
	Key              string    `json:"key"`
	Status           Status    `json:"status"`
	Expiry           time.Time `json:"expiry"`
	InProgressExpiry time.Time `json:"in_progress_expiry"`
	Response         []byte    `json:"response,omitempty"`
	PayloadHash      string    `json:"payload_hash"`
}

// blocks reports whether r stops a new acquisition at now: the condition
// every store evaluates atomically.
func (r *Record) blocks(now time.Time) bool {
	if !now.Before(r.Expiry) {
		return false
	}
	return r.Status == Complete || now.Before(r.InProgressExpiry)
}

// Store keeps records. Acquire must be atomic: of two concurrent
// acquisitions of a key, at most one succeeds.
type Store interface {
	// Acquire writes r as INPROGRESS unless a record blocks it at now;
	// then it returns that record and ErrExists.
	Acquire(ctx context.Context, r Record, now time.Time) (*Record, error)
	// Complete stores r (status COMPLETE, response, expiry).
	Complete(ctx context.Context, r Record) error
	// Delete removes key's record.
	Delete(ctx context.Context, key string) error
	// Get returns key's record, or nil.
	Get(ctx context.Context, key string) (*Record, error)
}

// Errors.
var (
	// ErrExists is a store's answer when a live record blocks Acquire.
	ErrExists = errors.New("idempotency record exists")
	// ErrInProgress is a concurrent duplicate: another invocation holds
	// the key. Retryable: it ends, or its in-progress expiry passes.
	ErrInProgress = errors.New("already in progress")
	// ErrPayloadMismatch is the key of a completed call reused with other
	// content. Not retryable.
	ErrPayloadMismatch = errors.New("key reused with a different payload")
)

// KeyError names the key of an idempotency error.
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return fmt.Sprintf("idempotency key %s: %v", e.Key, e.Err) }
func (e *KeyError) Unwrap() error { return e.Err }

// Retryable tells the runtime's retry policy whether trying again can help.
func (e *KeyError) Retryable() bool { return errors.Is(e.Err, ErrInProgress) }

// IsRetryable reports whether err is a concurrent duplicate.
func IsRetryable(err error) bool { return errors.Is(err, ErrInProgress) }

// Config tunes a Guard.
type Config struct {
	Expiry            time.Duration    // of a completed record; 1 h when zero
	DefaultInProgress time.Duration    // in-progress expiry without a deadline; 15 min when zero
	Now               func() time.Time // time.Now when nil
}

// Guard runs functions at most once per key.
type Guard struct {
	store Store
	cfg   Config
}

// New returns a Guard over store.
func New(store Store, cfg Config) *Guard {
	if cfg.Expiry <= 0 {
		cfg.Expiry = time.Hour
	}
	if cfg.DefaultInProgress <= 0 {
		cfg.DefaultInProgress = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Guard{store: store, cfg: cfg}
}

// Key is a handler's idempotency key: the function and the event's id,
// so each function handles each event once.
func Key(function, eventID string) string { return function + "#" + eventID }

// Hash is the payload hash stored with a record.
func Hash(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// Do runs fn at most once for key. It returns fn's response, or the
// response of an earlier completed run with replayed set.
func (g *Guard) Do(ctx context.Context, key string, payload []byte, fn func(ctx context.Context) ([]byte, error)) (resp []byte, replayed bool, err error) {
	now := g.cfg.Now()
	inProgress := now.Add(g.cfg.DefaultInProgress)
	if d, ok := ctx.Deadline(); ok {
		inProgress = d
	}
	rec := Record{Key: key, Status: InProgress, Expiry: now.Add(g.cfg.Expiry), InProgressExpiry: inProgress, PayloadHash: Hash(payload)}
	existing, err := g.store.Acquire(ctx, rec, now)
	switch {
	case errors.Is(err, ErrExists):
		return g.existing(key, rec.PayloadHash, existing)
	case err != nil:
		return nil, false, fmt.Errorf("could not acquire idempotency key %s: %w", key, err)
	}
	resp, err = fn(ctx)
	if err != nil {
		if derr := g.store.Delete(context.WithoutCancel(ctx), key); derr != nil {
			return nil, false, errors.Join(err, fmt.Errorf("could not release idempotency key %s: %w", key, derr))
		}
		return nil, false, err
	}
	rec.Status, rec.Response, rec.Expiry = Complete, resp, g.cfg.Now().Add(g.cfg.Expiry)
	if err := g.store.Complete(context.WithoutCancel(ctx), rec); err != nil {
		return resp, false, fmt.Errorf("could not complete idempotency key %s: %w", key, err)
	}
	return resp, false, nil
}

func (g *Guard) existing(key, hash string, r *Record) ([]byte, bool, error) {
	if r == nil {
		return nil, false, &KeyError{Key: key, Err: ErrInProgress}
	}
	if r.PayloadHash != "" && r.PayloadHash != hash {
		return nil, false, &KeyError{Key: key, Err: ErrPayloadMismatch}
	}
	if r.Status == Complete {
		return r.Response, true, nil
	}
	return nil, false, &KeyError{Key: key, Err: ErrInProgress}
}
