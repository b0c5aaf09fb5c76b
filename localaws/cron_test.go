package localaws

import (
	"context"
	"errors"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/topology"
)

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

func TestCronNextFiringTimes(t *testing.T) {
	ny := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, newYork) }
	for _, c := range []struct {
		expr     string
		after    time.Time
		want     time.Time
		whyNotOK string
	}{
		// Friday after the session: the next workflow is Monday's.
		{"cron(35 9 ? * MON-FRI *)", ny(2026, 3, 6, 16, 0), ny(2026, 3, 9, 9, 35), ""},
		{"cron(35 9 ? * MON-FRI *)", ny(2026, 3, 9, 9, 34), ny(2026, 3, 9, 9, 35), ""},
		// At 09:35 itself: the next one, not this one.
		{"cron(35 9 ? * MON-FRI *)", ny(2026, 3, 9, 9, 35), ny(2026, 3, 10, 9, 35), ""},
		// Across the change to daylight saving time (8 March 2026): still 09:35 New York.
		{"cron(35 9 ? * MON-FRI *)", ny(2026, 3, 6, 10, 0), ny(2026, 3, 9, 9, 35), ""},
		{"cron(0/5 9-15 ? * MON-FRI *)", ny(2026, 3, 9, 15, 55), ny(2026, 3, 10, 9, 0), ""},
		{"cron(0/5 9-15 ? * MON-FRI *)", ny(2026, 3, 9, 9, 41), ny(2026, 3, 9, 9, 45), ""},
		{"cron(0 12 1 JAN,JUL ? *)", ny(2026, 3, 9, 0, 0), ny(2026, 7, 1, 12, 0), ""},
		{"cron(0 12 1 1 ? 2025)", ny(2026, 3, 9, 0, 0), time.Time{}, "a year that has passed"},
	} {
		cr, err := parseCron(c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		got, ok := cr.next(c.after, newYork)
		if ok != (c.whyNotOK == "") || !got.Equal(c.want) {
			t.Errorf("%s after %v: %v (%v), want %v", c.expr, c.after, got.In(newYork), ok, c.want)
		}
	}
}

func TestCronRejectsWhatItDoesNotServe(t *testing.T) {
	for _, expr := range []string{"rate(5 minutes)", "cron(35 9 * * MON-FRI *)", "cron(35 9 ? *)", "cron(61 9 ? * MON *)",
		"cron(0 9 L * ? *)", "cron(0 9 ? * 2#1 *)", "cron(0/0 9 ? * MON *)", "cron(0 15-9 ? * MON *)"} {
		if _, err := parseCron(expr); err == nil {
			t.Errorf("%s was accepted", expr)
		}
	}
}

// The schedules fire in time order, each at its minute, every schedule
// due at the same minute together, until the context ends.
func TestSchedulesFireTheTemplatesSchedulesInOrder(t *testing.T) {
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	list, err := newSchedules(top)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 9, 9, 29, 0, 0, newYork)
	ctx, cancel := context.WithCancel(context.Background())
	type firing struct {
		id string
		at time.Time
	}
	var fired []firing
	sc := &schedules{list: list, now: func() time.Time { return now }, log: func(string, ...any) {},
		fire: func(s *topology.Schedule, at time.Time) error {
			fired = append(fired, firing{s.LogicalID, at})
			if len(fired) == 4 {
				cancel()
				return errors.New("stop")
			}
			return nil
		}}
	sc.wait = func(ctx context.Context, d time.Duration) error { // the clock moves as far as the wait

		if ctx.Err() != nil {
			return ctx.Err()
		}
		now = now.Add(d)
		return nil
	}
	sc.run(ctx)
	at := func(h, m int) time.Time { return time.Date(2026, 3, 9, h, m, 0, 0, newYork) }
	want := []firing{{"WatchdogSchedule", at(9, 30)}, {"WorkflowSchedule", at(9, 35)}, {"WatchdogSchedule", at(9, 35)}, {"WatchdogSchedule", at(9, 40)}}
	if len(fired) != len(want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	for i := range want {
		// Two schedules due at one minute fire in the template's order.
		if fired[i].id != want[i].id || !fired[i].at.Equal(want[i].at) {
			t.Errorf("firing %d: %v, want %v", i, fired[i], want[i])
		}
	}
}

func TestCheckAddrAcceptsLoopbackOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:4566": true, "127.1.2.3:0": true, "[::1]:4566": true, "localhost:4566": true,
		"0.0.0.0:4566": false, ":4566": false, "[::]:4566": false, "10.0.0.1:4566": false, "example.com:4566": false,
		"127.0.0.1": false, "127.0.0.1:http": false, "127.0.0.1:70000": false,
	} {
		if err := CheckAddr(addr); (err == nil) != ok {
			t.Errorf("CheckAddr(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}
