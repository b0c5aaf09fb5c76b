package idempotency

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// BenchmarkGuardDo is one guarded call on the memory store: acquire, run
// a handler that returns at once, complete. impl=lease holds a renewed
// lease (the functions' configuration: a renewal goroutine per call),
// impl=baseline_deadline Powertools' rule (no renewal).
func BenchmarkGuardDo(b *testing.B) {
	for _, c := range []struct {
		name  string
		lease time.Duration
	}{{"lease", 20 * time.Second}, {"baseline_deadline", 0}} {
		b.Run("impl="+c.name, func(b *testing.B) {
			g := New(NewMemoryStore(), Config{Lease: c.lease})
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			payload, resp := []byte(`{"metadata":{"event_id":"e"}}`), []byte("ok")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, _, err := g.Do(ctx, "execution#"+strconv.Itoa(i), payload, func(context.Context) ([]byte, error) { return resp, nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
