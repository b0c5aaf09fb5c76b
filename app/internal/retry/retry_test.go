package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

var errBusy = errors.New("busy")

// recorded is an injected sleep that keeps the waits.
type recorded struct {
	waits []time.Duration
	err   error
}

func (r *recorded) sleep(_ context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return r.err
}

// failing fails its first n calls with err.
func failing(n int, err error) func(int) error {
	return func(attempt int) error {
		if attempt <= n {
			return err
		}
		return nil
	}
}

func TestDoRetriesUntilSuccess(t *testing.T) {
	r := &recorded{}
	var notified []string
	p := Policy{Attempts: 4, Backoff: Backoff{Base: time.Millisecond}, Sleep: r.sleep,
		Notify: func(err error, attempt int, d time.Duration) {
			notified = append(notified, fmt.Sprintf("%d:%v:%v", attempt, err, d))
		}}
	n, err := Do(context.Background(), p, failing(2, errBusy))
	if n != 3 || err != nil {
		t.Fatalf("%d calls, %v; want 3, nil", n, err)
	}
	if len(r.waits) != 2 || r.waits[0] != time.Millisecond || r.waits[1] != 2*time.Millisecond {
		t.Errorf("waits %v, want [1ms 2ms]", r.waits)
	}
	if fmt.Sprint(notified) != "[1:busy:1ms 2:busy:2ms]" {
		t.Errorf("notified %v", notified)
	}
}

func TestDoStopsAfterTheAttempts(t *testing.T) {
	r := &recorded{}
	n, err := Do(context.Background(), Policy{Attempts: 3, Sleep: r.sleep}, failing(10, errBusy))
	if n != 3 || !errors.Is(err, errBusy) || len(r.waits) != 2 {
		t.Fatalf("%d calls, %v, waits %v; want 3 calls, busy, 2 waits", n, err, r.waits)
	}
	if n, _ := Do(context.Background(), Policy{}, failing(10, errBusy)); n != 1 {
		t.Errorf("the zero policy made %d calls, want 1", n)
	}
}

func TestDoStopsOnAPermanentError(t *testing.T) {
	r := &recorded{}
	n, err := Do(context.Background(), Policy{Attempts: 5, Sleep: r.sleep}, failing(10, Permanent(errBusy)))
	if n != 1 || err != errBusy || len(r.waits) != 0 {
		t.Fatalf("%d calls, %v, waits %v; want one call and the unwrapped error", n, err, r.waits)
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
}

func TestAFailedWaitEndsTheRetries(t *testing.T) {
	refused := errors.New("no time left")
	r := &recorded{err: refused}
	n, err := Do(context.Background(), Policy{Attempts: 5, Sleep: r.sleep}, failing(10, errBusy))
	if n != 1 || !errors.Is(err, refused) || !errors.Is(err, errBusy) || err.Error() != "no time left (after busy)" {
		t.Fatalf("%d calls, %v; want one call and both errors", n, err)
	}
}

func TestDoHonoursTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := Do(ctx, Policy{Attempts: 5, Backoff: Backoff{Base: time.Hour}}, failing(10, errBusy))
	if n != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, errBusy) {
		t.Fatalf("%d calls, %v; want one call, then the context's end", n, err)
	}
}
