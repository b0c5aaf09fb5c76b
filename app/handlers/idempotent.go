package handlers

import (
	"context"
	"encoding/json"
	"time"

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
// envelope id, is the same payload). A second delivery is skipped and
// counted; a delivery that races a running one fails with a retryable
// error, so the runtime tries it again later.
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
		_, replayed, err := g.Do(ctx, key, env.Detail, func(ctx context.Context) ([]byte, error) {
			return nil, h(ctx, raw)
		})
		if replayed {
			d.log().InfoContext(ctx, "duplicate delivery skipped", "idempotency_key", key)
			d.Metrics.DuplicateSkipped(ctx, env.DetailType)
		}
		return err
	}
}
