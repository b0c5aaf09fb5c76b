package cost

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Schedule is an EventBridge Scheduler schedule: how often it fires a
// day and in which clock hours (of its time zone: whole-hour offsets keep
// the count of distinct hours).
type Schedule struct {
	Name, Trigger string // Trigger: the input's "trigger" (schedule, watchdog, ...)
	PerDay        int
	Hours         []int
	Weekdays      bool // fires Monday to Friday only
}

// parseSchedule reads cron(min hour dom month dow year) and rate(n unit).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
func parseSchedule(name, expr, input string) (Schedule, error) {
	s := Schedule{Name: name}
	var in struct{ Trigger string }
	_ = json.Unmarshal([]byte(input), &in)
	s.Trigger = in.Trigger
	if body, ok := strings.CutPrefix(expr, "rate("); ok {
		var n int
		var unit string
		if _, err := fmt.Sscanf(strings.TrimSuffix(body, ")"), "%d %s", &n, &unit); err != nil || n <= 0 {
			return s, fmt.Errorf("schedule %s: cannot read %q", name, expr)
		}
		per := map[string]int{"minute": 1440, "minutes": 1440, "hour": 24, "hours": 24, "day": 1, "days": 1}[unit]
		s.PerDay = max(1, per/n)
		for h := range min(24, s.PerDay) {
			s.Hours = append(s.Hours, h)
		}
		return s, nil
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(expr, "cron("), ")"))
	if len(f) != 6 {
		return s, fmt.Errorf("schedule %s: %q is not cron(minutes hours day-of-month month day-of-week year)", name, expr)
	}
	mins, err := cronField(f[0], 0, 59)
	if err != nil {
		return s, fmt.Errorf("schedule %s: minutes: %w", name, err)
	}
	if s.Hours, err = cronField(f[1], 0, 23); err != nil {
		return s, fmt.Errorf("schedule %s: hours: %w", name, err)
	}
	s.PerDay = len(mins) * len(s.Hours)
	s.Weekdays = strings.EqualFold(f[4], "MON-FRI") || f[4] == "2-6"
	return s, nil
}

// cronField expands one cron field: *, n, a-b, a/step, a-b/step, lists.
func cronField(f string, lo, hi int) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(f, ",") {
		rng, step := part, 1
		if r, s, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("step %q", part)
			}
			rng, step = r, n
		}
		a, b := lo, hi
		switch {
		case rng == "*" || rng == "?":
		case strings.Contains(rng, "-"):
			x, y, _ := strings.Cut(rng, "-")
			var e1, e2 error
			a, e1 = strconv.Atoi(x)
			b, e2 = strconv.Atoi(y)
			if e1 != nil || e2 != nil {
				return nil, fmt.Errorf("range %q", part)
			}
		default:
			n, err := strconv.Atoi(rng)
			if err != nil {
				return nil, fmt.Errorf("value %q", part)
			}
			a = n
			if !strings.Contains(part, "/") {
				b = n
			}
		}
		if a < lo || b > hi || a > b {
			return nil, fmt.Errorf("%q is outside %d-%d", part, lo, hi)
		}
		for v := a; v <= b; v += step {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out, nil
}
