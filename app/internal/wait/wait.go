// Package wait sleeps for a duration unless the context ends first; the
// default sleep of every component that takes an injectable one.
package wait

import (
	"context"
	"time"
)

// Sleep waits d, or returns ctx's error as soon as ctx ends: at once when
// it has already ended, even for a zero d.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
