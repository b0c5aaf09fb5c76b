package idempotency

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
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
	// Owner is the acquisition's random token: only its holder may extend
	// an in-progress record (Store.Extend).
	Owner string `json:"owner,omitempty"`
}

// acquirable reports whether a new acquisition at now may replace r. It
// is the DynamoDB store's condition expression, at the resolutions DynamoDB
// stores (seconds for the expiry, milliseconds for the in-progress
// expiry), so every store decides alike at the boundaries.
func (r *Record) acquirable(now time.Time) bool {
	if r.Expiry.Unix() < now.Unix() {
		return true
	}
	return r.Status == InProgress && !r.InProgressExpiry.IsZero() && r.InProgressExpiry.UnixMilli() < now.UnixMilli()
}

// Store keeps records. Acquire must be atomic: of two concurrent
// acquisitions of a key, at most one succeeds.
type Store interface {
	// Acquire writes r (INPROGRESS) unless a record blocks it at now;
	// then it returns that record (nil if it vanished meanwhile) and
	// ErrExists.
	Acquire(ctx context.Context, r Record, now time.Time) (*Record, error)
	// Complete stores r: status COMPLETE, response, expiry. When r has an
	// Owner, only if the stored record is still that owner's
	// (ErrLeaseLost otherwise): a holder whose lease lapsed must not mark
	// another holder's run complete.
	Complete(ctx context.Context, r Record) error
	// Delete removes key's record.
	Delete(ctx context.Context, key string) error
	// Get returns key's record, or nil, nil when there is none.
	Get(ctx context.Context, key string) (*Record, error)
	// Extend sets the in-progress expiry of key's record to until, if the
	// record is still INPROGRESS and held by owner; ErrLeaseLost if not.
	Extend(ctx context.Context, key, owner string, until time.Time) error
	// Release deletes key's record if it is INPROGRESS and held by owner,
	// and leaves any other record alone (nil either way): a holder whose
	// lease lapsed must not free a key another invocation now holds.
	Release(ctx context.Context, key, owner string) error
}

// Errors. Guard returns them wrapped in a *KeyError that names the key.
var (
	// ErrExists is a store's answer when a live record blocks Acquire.
	ErrExists = errors.New("idempotency record exists")
	// ErrInProgress is a concurrent duplicate: another invocation holds
	// the key. Retryable: it ends, or its in-progress expiry passes.
	ErrInProgress = errors.New("already in progress")
	// ErrPayloadMismatch is the key of a completed call reused with other
	// content. Not retryable.
	ErrPayloadMismatch = errors.New("key reused with a different payload")
	// ErrLeaseLost is a store's answer to Extend when the record is no
	// longer the caller's in-progress record.
	ErrLeaseLost = errors.New("in-progress record no longer held")
)

// KeyError names the key of an idempotency error.
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return fmt.Sprintf("idempotency key %s: %v", e.Key, e.Err) }
func (e *KeyError) Unwrap() error { return e.Err }

// Retryable tells the runtime's retry policy (telemetry) whether trying
// again can help.
func (e *KeyError) Retryable() bool { return errors.Is(e.Err, ErrInProgress) }

// IsRetryable reports whether err is a concurrent duplicate, which a
// later retry may get past.
func IsRetryable(err error) bool { return errors.Is(err, ErrInProgress) }

// Absorbs reports whether the caller may answer err with success: err is
// the in-progress outcome of a delivery that met a running holder, and g
// holds leases (Config.Lease). The event is then the holder's: the holder
// completes it, or fails and releases the key, or dies and stops renewing,
// and in each case its own invocation's retries run it. Lambda retries an
// asynchronous invocation that failed (an error, a timeout, a crash) a
// minute and then two minutes later
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html);
// a lease shorter than that wait has lapsed by then, so the retry finds the
// key free and runs. A second failure of this delivery would add nothing
// but an error in the function's Errors metric, a failed span and, after
// Lambda's retries, a needless attempt.
//
// Without a lease (Powertools' rule) it is false: the in-progress record
// of a holder that died lasts until its deadline, which may outlast
// Lambda's retries, and the holder's own retry would meet its dead record
// and succeed without running. Powertools raises
// IdempotencyAlreadyInProgressError for every such delivery, which fails
// the invocation so that Lambda retries it
// (https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/).
// The lease must be shorter than the invoker's first retry wait
// (handlers.IdempotencyLease is 20 s).
func (g *Guard) Absorbs(err error) bool { return g.cfg.Lease > 0 && errors.Is(err, ErrInProgress) }

// Config tunes a Guard.
type Config struct {
	Expiry            time.Duration    // of a completed record; 1 h when zero
	DefaultInProgress time.Duration    // in-progress expiry when ctx has no deadline; 15 min when zero
	Now               func() time.Time // time.Now when nil
	// Lease, when set, bounds how long an in-progress record outlives a
	// holder that stops renewing it: the record expires Lease after its
	// last renewal (never after the invocation's deadline), and the
	// holder renews it every Lease/3 while fn runs. An invocation whose
	// process died then blocks retries for at most Lease instead of until
	// its deadline, which may be longer than Lambda's retries wait. Zero:
	// no renewal, the in-progress expiry is the deadline (Powertools'
	// rule).
	Lease time.Duration
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

// Hash is the payload hash stored with a record: SHA-256, hex.
func Hash(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// Do runs fn at most once for key. It returns fn's response, or the
// response of an earlier completed run with replayed set.
func (g *Guard) Do(ctx context.Context, key string, payload []byte, fn func(ctx context.Context) ([]byte, error)) (resp []byte, replayed bool, err error) {
	now := g.cfg.Now()
	rec := Record{Key: key, Status: InProgress, Expiry: now.Add(g.cfg.Expiry),
		InProgressExpiry: g.inProgressExpiry(ctx, now), PayloadHash: Hash(payload), Owner: owner()}
	existing, err := g.store.Acquire(ctx, rec, now)
	switch {
	case errors.Is(err, ErrExists):
		return replay(key, rec.PayloadHash, existing)
	case err != nil:
		return nil, false, fmt.Errorf("could not acquire idempotency key %s: %w", key, err)
	}
	stop := g.renew(ctx, key, rec.Owner)
	resp, err = g.run(ctx, key, rec.Owner, fn)
	stop()
	if err != nil {
		return nil, false, err
	}
	rec.Status, rec.Response, rec.Expiry = Complete, resp, g.cfg.Now().Add(g.cfg.Expiry)
	err = g.store.Complete(context.WithoutCancel(ctx), rec)
	switch {
	case errors.Is(err, ErrLeaseLost):
		// The lease lapsed and another invocation holds the key: fn ran,
		// its response stands, and the other holder's record decides what
		// later deliveries see.
		return resp, false, nil
	case err != nil:
		return resp, false, fmt.Errorf("could not complete idempotency key %s: %w", key, err)
	}
	return resp, false, nil
}

// inProgressExpiry is when a crashed invocation stops blocking the key:
// now plus the invocation's remaining time, as Powertools uses the Lambda
// context's. The remaining time is measured on the wall clock, which the
// deadline is on, and added to the configured clock.
// With a Lease, it is at most Lease away.
func (g *Guard) inProgressExpiry(ctx context.Context, now time.Time) time.Time {
	until := now.Add(g.cfg.DefaultInProgress)
	if d, ok := ctx.Deadline(); ok {
		until = now.Add(time.Until(d))
	}
	if g.cfg.Lease > 0 && now.Add(g.cfg.Lease).Before(until) {
		until = now.Add(g.cfg.Lease)
	}
	return until
}

// renew extends the in-progress record every Lease/3 until the returned
// stop is called (which waits for a renewal under way) or ctx ends. A
// lost lease stops renewing: the record is someone else's, or gone. It
// uses a timer, not a goroutine with a ticker: most calls end before the
// first renewal is due and then cost one timer (BenchmarkGuardDo).
func (g *Guard) renew(ctx context.Context, key, owner string) (stop func()) {
	if g.cfg.Lease <= 0 {
		return func() {}
	}
	var (
		mu      sync.Mutex
		stopped bool
		t       *time.Timer
	)
	every := g.cfg.Lease / 3
	tick := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil { // stopped, or the invocation is over (deadline, or its runtime went)
			return
		}
		until := g.inProgressExpiry(ctx, g.cfg.Now())
		if err := g.store.Extend(context.WithoutCancel(ctx), key, owner, until); errors.Is(err, ErrLeaseLost) {
			return
		}
		t.Reset(every)
	}
	mu.Lock()
	t = time.AfterFunc(every, tick)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// owner is a random acquisition token.
func owner() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// run calls fn holding the key. When fn fails or panics it releases the
// record (if still its own), so a retry runs instead of waiting for the
// in-progress expiry.
func (g *Guard) run(ctx context.Context, key, owner string, fn func(ctx context.Context) ([]byte, error)) (resp []byte, err error) {
	release := func() error { return g.store.Release(context.WithoutCancel(ctx), key, owner) }
	defer func() {
		if p := recover(); p != nil {
			_ = release() // the panic is the news; a failed delete only delays retries
			panic(p)
		}
	}()
	resp, err = fn(ctx)
	if err == nil {
		return resp, nil
	}
	if derr := release(); derr != nil {
		return nil, errors.Join(err, fmt.Errorf("could not release idempotency key %s: %w", key, derr))
	}
	return nil, err
}

// replay answers a call that found key held by r (nil when the record
// vanished between the failed write and the read: a holder just failed,
// so a retry will run).
func replay(key, hash string, r *Record) ([]byte, bool, error) {
	if r == nil || r.Status != Complete {
		return nil, false, &KeyError{Key: key, Err: ErrInProgress}
	}
	// A record without a hash (written by a producer that does not
	// validate payloads) cannot be compared, so it is trusted.
	if r.PayloadHash != "" && r.PayloadHash != hash {
		return nil, false, &KeyError{Key: key, Err: ErrPayloadMismatch}
	}
	return r.Response, true, nil
}
