package marketdata

import (
	"errors"
	"fmt"
	"time"
)

// The NYSE's holidays and early closes for the years the bundled data set
// spans, from the exchange's published calendar ("Holidays & Trading
// Hours", https://www.nyse.com/markets/hours-calendars). Regular sessions
// run 09:30-16:00 New York time; on an early close the market closes at
// 13:00. 2025-01-09 is the national day of mourning for President Carter,
// on which the NYSE closed.
var (
	nyseHolidays = dateSet(
		"2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26",
		"2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25",
		"2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25",
		"2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25",
	)
	nyseEarlyCloses = dateSet(
		"2025-07-03", "2025-11-28", "2025-12-24",
		"2026-11-27", "2026-12-24",
	)
	// nyseFirst and nyseLast bound the years the tables cover.
	nyseFirst = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	nyseLast  = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Session hours, New York time.
const (
	OpenHour, OpenMinute = 9, 30
	CloseHour            = 16
	EarlyCloseHour       = 13
)

// ErrOutsideCalendar is returned for a date the calendar does not cover.
var ErrOutsideCalendar = errors.New("date outside the calendar")

// Session is one trading session: its date (midnight UTC, as bar times)
// and its open and close as instants.
type Session struct {
	Date        time.Time
	Open, Close time.Time
}

// EarlyClose reports whether the session closes at 13:00 New York.
func (s Session) EarlyClose() bool { return s.Close.In(newYork).Hour() == EarlyCloseHour }

// newSession is day's session with the NYSE's hours for it.
func newSession(day time.Time) Session {
	at := func(h, m int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, newYork) }
	s := Session{Date: dateOf(day), Open: at(OpenHour, OpenMinute), Close: at(CloseHour, 0)}
	if nyseEarlyCloses[dateOf(day)] {
		s.Close = at(EarlyCloseHour, 0)
	}
	return s
}

// isNYSESession reports whether day is a weekday on which the NYSE
// trades; ErrOutsideCalendar outside the years of the tables.
func isNYSESession(day time.Time) (bool, error) {
	d := dateOf(day)
	if d.Before(nyseFirst) || d.After(nyseLast) {
		return false, fmt.Errorf("%w: %s is not in %s to %s", ErrOutsideCalendar, d.Format(time.DateOnly),
			nyseFirst.Format(time.DateOnly), nyseLast.Format(time.DateOnly))
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !nyseHolidays[d], nil
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dateSet(dates ...string) map[time.Time]bool {
	out := make(map[time.Time]bool, len(dates))
	for _, s := range dates {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err) // a typo in the tables above
		}
		out[d] = true
	}
	return out
}
