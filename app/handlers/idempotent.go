package handlers

import (
	"context"
	"encoding/json"
	"time"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

// IdempotencyLease is the in-progress lease the functions' guards hold
// and renew (idempotency.Config.Lease): far shorter than Lambda's first
// asynchronous retry wait (about a minute), so the retry of an invocation
// whose process died is not turned away by the dead invocation's record,
// which would otherwise stay in progress until its deadline (300 s for
// execution: longer than both retries, and the event would be
// dead-lettered). A live invocation renews it every third of the lease.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
const IdempotencyLease = 20 * time.Second

// Idempotent makes h handle each event at most once per function: the key
// is the function and the event's metadata.event_id, the payload its
// detail (so a replayed envelope, which differs only by replay-name and
// envelope id, is the same payload; so is a redriven one, whose mark
// events.Unmarked removes). A second delivery is skipped and
// counted, and so is a delivery that races a running one when the guard
// holds leases (idempotency.Guard.Absorbs): the running delivery's own
// invocation owns the event and its retries, so the duplicate succeeds
// and counts in no error metric, span or ERROR log. Without a lease it
// fails with a retryable error, so the runtime tries it again later.
func Idempotent(g *idempotency.Guard, function string, d Deps, h Func) Func {
	return func(ctx context.Context, raw json.RawMessage) error {
		var env struct {
			DetailType string          `json:"detail-type"`
			Detail     json.RawMessage `json:"detail"`
		}
		var meta struct {
			Metadata struct {
				EventID string `json:"event_id"`
			} `json:"metadata"`
		}
		if json.Unmarshal(raw, &env) != nil || json.Unmarshal(env.Detail, &meta) != nil || meta.Metadata.EventID == "" {
			return h(ctx, raw) // the handler rejects what it cannot read, with a precise error
		}
		key := idempotency.Key(function, meta.Metadata.EventID)
		// The payload is the detail as first published: a redrive's mark
		// does not make it a different one.
		_, replayed, err := g.Do(ctx, key, events.Unmarked(env.Detail), func(ctx context.Context) ([]byte, error) {
			return nil, h(ctx, raw)
		})
		switch {
		case replayed:
			d.log().InfoContext(ctx, "duplicate delivery skipped", "idempotency_key", key, "first_delivery", "completed")
			d.Metrics.DuplicateSkipped(ctx, env.DetailType)
		case g.Absorbs(err):
			d.log().InfoContext(ctx, "duplicate delivery skipped", "idempotency_key", key, "first_delivery", "in progress")
			d.Metrics.DuplicateSkipped(ctx, env.DetailType)
			return nil
		}
		return err
	}
}
