package localaws

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cron is an EventBridge Scheduler cron expression: minutes, hours,
// day of month, month, day of week, year
// (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based).
// Each field is * or a list of values, ranges and steps (5, 9-15, 0/5,
// MON-FRI); day of month or day of week is ?. L, W and # are not
// supported.
type cron struct {
	minute, hour, dom, month, dow, year field
}

// field is the values a field matches; nil matches any.
type field map[int]bool

func (f field) has(v int) bool { return f == nil || f[v] }

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9,
		"OCT": 10, "NOV": 11, "DEC": 12}
	dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

// parseCron reads "cron(...)".
func parseCron(expr string) (*cron, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(expr), "cron(")
	if !ok || !strings.HasSuffix(body, ")") {
		return nil, fmt.Errorf("schedule expression %q is not cron(...)", expr)
	}
	parts := strings.Fields(strings.TrimSuffix(body, ")"))
	if len(parts) != 6 {
		return nil, fmt.Errorf("cron expression %q has %d fields, want 6", expr, len(parts))
	}
	bounds := [6][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}}
	names := [6]map[string]int{3: monthNames, 4: dayNames}
	var fs [6]field
	for i, p := range parts {
		f, err := parseField(p, bounds[i][0], bounds[i][1], names[i])
		if err != nil {
			return nil, fmt.Errorf("cron expression %q, field %d: %w", expr, i+1, err)
		}
		fs[i] = f
	}
	if (parts[2] == "?") == (parts[4] == "?") {
		return nil, fmt.Errorf("cron expression %q: exactly one of day of month and day of week must be ?", expr)
	}
	return &cron{minute: fs[0], hour: fs[1], dom: fs[2], month: fs[3], dow: fs[4], year: fs[5]}, nil
}

func parseField(s string, lo, hi int, names map[string]int) (field, error) {
	if s == "*" || s == "?" {
		return nil, nil
	}
	f := field{}
	for _, item := range strings.Split(s, ",") {
		rng, stepText, stepped := strings.Cut(item, "/")
		step := 1
		if stepped {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("step %q is not a positive number", stepText)
			}
			step = n
		}
		from, to, err := parseRange(rng, lo, hi, names)
		if err != nil {
			return nil, err
		}
		if stepped && !strings.Contains(rng, "-") {
			to = hi // 0/5: from 0 to the end, every 5
		}
		for v := from; v <= to; v += step {
			f[v] = true
		}
	}
	return f, nil
}

func parseRange(s string, lo, hi int, names map[string]int) (int, int, error) {
	if s == "*" {
		return lo, hi, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	from, err := value(a, lo, hi, names)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return from, from, nil
	}
	to, err := value(b, lo, hi, names)
	if err != nil {
		return 0, 0, err
	}
	if to < from {
		return 0, 0, fmt.Errorf("range %q runs backwards", s)
	}
	return from, to, nil
}

func value(s string, lo, hi int, names map[string]int) (int, error) {
	if v, ok := names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("value %q is not between %d and %d", s, lo, hi)
	}
	return v, nil
}

// matches reports whether minute t (in the schedule's time zone) is one
// the expression fires at.
func (c *cron) matches(t time.Time) bool {
	return c.minute.has(t.Minute()) && c.hour.has(t.Hour()) && c.dom.has(t.Day()) && c.month.has(int(t.Month())) &&
		c.dow.has(int(t.Weekday())+1) && c.year.has(t.Year())
}

// next is the first minute after t at which the expression fires in loc,
// within a year and a week; false when there is none.
func (c *cron) next(t time.Time, loc *time.Location) (time.Time, bool) {
	m := t.Truncate(time.Minute).Add(time.Minute)
	for end := m.Add(372 * 24 * time.Hour); m.Before(end); m = m.Add(time.Minute) {
		if c.matches(m.In(loc)) {
			return m, true
		}
	}
	return time.Time{}, false
}
