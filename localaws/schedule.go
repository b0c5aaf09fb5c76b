package localaws

import (
	"context"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// schedules fire the template's schedules at their cron times on the
// stack's clock, as EventBridge Scheduler does, for as long as the
// endpoint runs: the workflow schedule at 09:35 New York on weekdays and
// the watchdog every five minutes of the session.
type schedules struct {
	now  func() time.Time
	wait func(ctx context.Context, d time.Duration) error // real time: the clock's Sleep is scaled
	fire func(s *topology.Schedule, at time.Time) error
	log  func(msg string, args ...any)
	list []timedSchedule
}

type timedSchedule struct {
	s    *topology.Schedule
	cron *cron
	loc  *time.Location
}

// newSchedules reads every schedule's expression and time zone.
func newSchedules(top *topology.Topology) ([]timedSchedule, error) {
	var out []timedSchedule
	for _, s := range top.Schedules {
		c, err := parseCron(s.Expression)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", s.LogicalID, err)
		}
		loc := time.UTC
		if s.Timezone != "" {
			if loc, err = time.LoadLocation(s.Timezone); err != nil {
				return nil, fmt.Errorf("schedule %s: time zone %s: %w", s.LogicalID, s.Timezone, err)
			}
		}
		out = append(out, timedSchedule{s: s, cron: c, loc: loc})
	}
	return out, nil
}

// run fires the schedules until ctx ends: it waits for the next firing
// time of any schedule, then fires every schedule due at that minute.
func (sc *schedules) run(ctx context.Context) {
	for {
		at, due := sc.next(sc.now())
		if len(due) == 0 {
			return
		}
		if err := sc.wait(ctx, at.Sub(sc.now())); err != nil {
			return
		}
		for _, s := range due {
			if err := sc.fire(s.s, at); err != nil {
				sc.log("schedule not fired", "schedule", s.s.LogicalID, "error", err.Error())
			}
		}
	}
}

// next is the earliest firing time after now and the schedules due then.
func (sc *schedules) next(now time.Time) (time.Time, []timedSchedule) {
	var at time.Time
	var due []timedSchedule
	for _, s := range sc.list {
		t, ok := s.cron.next(now, s.loc)
		switch {
		case !ok:
		case at.IsZero() || t.Before(at):
			at, due = t, []timedSchedule{s}
		case t.Equal(at):
			due = append(due, s)
		}
	}
	return at, due
}

// sleep waits d in real time, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
