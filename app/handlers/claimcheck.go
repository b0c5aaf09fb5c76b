package handlers

import (
	"context"
	"encoding/json"

	"github.com/alchemiser/alchemiser/app/bus"
)

// ResolvingClaims gives h events whose detail was moved to a claim check
// (bus.PutClaimCheck) with the stored detail back in place, so handlers
// never see the pointer.
func ResolvingClaims(store bus.ClaimStore, h Func) Func {
	return func(ctx context.Context, raw json.RawMessage) error {
		full, err := bus.ResolveClaimCheck(ctx, store, raw)
		if err != nil {
			return err
		}
		return h(ctx, full)
	}
}
