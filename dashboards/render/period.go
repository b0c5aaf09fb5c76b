package render

import (
	"fmt"
	"strconv"
	"time"
)

// DefaultPeriod is a metric widget's period when neither the widget nor
// the row gives one (CloudWatch's default).
const DefaultPeriod = 300 * time.Second

// DefaultMinPoints is how many periods a chart spans at least.
const DefaultMinPoints = 20

// steps are the shorter periods a chart may use, in 1-2-5 steps.
var steps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour,
}

// Period is the period a widget was drawn with.
type Period struct {
	Requested time.Duration // the widget's or row's, DefaultPeriod if none
	Used      time.Duration // what the chart uses
}

// Shortened reports whether the run was too short for the requested period.
func (p Period) Shortened() bool { return p.Used != p.Requested }

// String says what the chart uses, and why when it is not what was asked.
func (p Period) String() string {
	if !p.Shortened() {
		return "period " + fmtDuration(p.Used)
	}
	return fmt.Sprintf("period %s (the widget asks for %s; the run is too short for it)", fmtDuration(p.Used), fmtDuration(p.Requested))
}

// choosePeriod is the rule the page states: the requested period when
// the run's span holds at least minPoints of them; otherwise the longest
// 1-2-5 step (1 ms to 1 h) that still does, 1 ms at the shortest. A run
// without span (a single instant) keeps the requested period.
func choosePeriod(requested, span time.Duration, minPoints int) time.Duration {
	if requested <= 0 {
		requested = DefaultPeriod
	}
	if minPoints < 1 {
		minPoints = DefaultMinPoints
	}
	if span <= 0 || span/requested >= time.Duration(minPoints) {
		return requested
	}
	best := steps[0]
	for _, s := range steps {
		if s < requested && span/s >= time.Duration(minPoints) {
			best = s
		}
	}
	return best
}

// fmtDuration prints a period as CloudWatch and Logs Insights write them:
// 300 s as "5m", 20 ms as "20ms".
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return d.String()
}
