package handlers

import (
	"context"
	"encoding/json"

	"github.com/alchemiser/alchemiser/app/idempotency"
)

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
