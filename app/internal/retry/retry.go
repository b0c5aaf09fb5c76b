package retry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/internal/wait"
)

// Policy is how often an operation is tried and how long Do waits
// between tries. The zero Policy tries once.
type Policy struct {
	// Attempts is the number of calls in all, the first included; less
	// than 1 counts as 1.
	Attempts int
	// Backoff is the wait after each failed call.
	Backoff Backoff
	// Sleep waits d unless ctx ends first; wait.Sleep when nil. An error
	// from it ends the retries.
	Sleep func(ctx context.Context, d time.Duration) error
	// Notify, when set, hears each failure that will be retried: the
	// error, the attempt that failed (from 1) and the wait before the next.
	Notify func(err error, attempt int, wait time.Duration)
}

// Do calls op with attempt 1, 2, … until it returns nil, an error from
// Permanent (which Do returns unwrapped), or Attempts run out, waiting
// between calls. It returns the number of calls made and op's last
// error; when a wait fails, the wait's error wrapping op's last one.
func Do(ctx context.Context, p Policy, op func(attempt int) error) (int, error) {
	sleep := p.Sleep
	if sleep == nil {
		sleep = wait.Sleep
	}
	for attempt := 1; ; attempt++ {
		err := op(attempt)
		var perm *permanent
		switch {
		case err == nil:
			return attempt, nil
		case errors.As(err, &perm):
			return attempt, perm.err
		case attempt >= p.Attempts:
			return attempt, err
		}
		d := p.Backoff.Delay(attempt)
		if p.Notify != nil {
			p.Notify(err, attempt, d)
		}
		if werr := sleep(ctx, d); werr != nil {
			return attempt, fmt.Errorf("%w (after %w)", werr, err)
		}
	}
}

// Permanent marks err as one no retry can fix: Do returns err at once.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanent{err: err}
}

type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }
