package loadtest

import (
	"context"
	"errors"
	"time"

	"github.com/alchemiser/alchemiser/app/local"
)

// watchdog fires the template's watchdog schedule (WatchdogSchedule:
// every five minutes of the session) on the local stack while a run
// lasts, as EventBridge Scheduler does in AWS.
type watchdog struct {
	cancel context.CancelFunc
	done   chan int // the number of firings, once stopped
}

// startWatchdog fires the schedule at once and then every interval; the
// scheduled time is the session's at plus the time elapsed.
func startWatchdog(s *local.Stack, at time.Time, every time.Duration) (*watchdog, error) {
	sched := s.Top.Schedule("WatchdogSchedule")
	if sched == nil {
		return nil, errors.New("could not start the watchdog: template.yaml has no WatchdogSchedule")
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &watchdog{cancel: cancel, done: make(chan int, 1)}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		start, n := time.Now(), 0
		for {
			if s.Bus.FireSchedule(ctx, sched, at.Add(time.Since(start))) == nil {
				n++
			}
			select {
			case <-ctx.Done():
				w.done <- n
				return
			case <-t.C:
			}
		}
	}()
	return w, nil
}

// stop ends the firings and returns how many there were; 0 for a nil
// watchdog.
func (w *watchdog) stop() int {
	if w == nil {
		return 0
	}
	w.cancel()
	return <-w.done
}
