package paper

import (
	"net/http"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
)

// getClock serves GET /v2/clock from the data set's calendar: open
// between a session's open and close, and the next open and close after
// the market clock's time
// (https://docs.alpaca.markets/reference/getclock-1).
func (x *Exchange) getClock(w http.ResponseWriter, _ *http.Request) {
	now := x.Now()
	c := clockJSON{Timestamp: now}
	// Ten days ahead always hold two sessions in the NYSE's calendar.
	for _, s := range x.cfg.Dataset.Sessions(now.In(newYork).AddDate(0, 0, -1), now.In(newYork).AddDate(0, 0, 10)) {
		if !now.Before(s.Open) && now.Before(s.Close) {
			c.IsOpen = true
		}
		if c.NextOpen.IsZero() && s.Open.After(now) {
			c.NextOpen = s.Open
		}
		if c.NextClose.IsZero() && s.Close.After(now) {
			c.NextClose = s.Close
		}
	}
	writeJSON(w, http.StatusOK, c)
}

// getCalendar serves GET /v2/calendar: the data set's sessions from start
// to end (YYYY-MM-DD, both included; the data set's first and last
// session when absent), with New York open and close times, 13:00 on the
// NYSE's early closes (https://docs.alpaca.markets/reference/getcalendar-1).
// Dates outside the data set have no sessions here.
func (x *Exchange) getCalendar(w http.ResponseWriter, r *http.Request) {
	days := x.cfg.Dataset.TradingDays()
	from, to := days[0], days[len(days)-1]
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"start", &from}, {"end", &to}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, codeInvalid, "invalid %s %q: want YYYY-MM-DD", p.name, v)
			return
		}
		*p.t = t
	}
	out := []calendarJSON{}
	for _, s := range x.cfg.Dataset.Sessions(from, to) {
		out = append(out, sessionJSON(s))
	}
	writeJSON(w, http.StatusOK, out)
}

type calendarJSON struct {
	Date         string `json:"date"`
	Open         string `json:"open"`
	Close        string `json:"close"`
	SessionOpen  string `json:"session_open"`
	SessionClose string `json:"session_close"`
}

// sessionJSON is s as Alpaca writes it; the extended session runs
// 04:00-20:00, to 17:00 on an early close.
func sessionJSON(s marketdata.Session) calendarJSON {
	ext := "2000"
	if s.EarlyClose() {
		ext = "1700"
	}
	return calendarJSON{Date: s.Date.Format(time.DateOnly), Open: s.Open.In(newYork).Format("15:04"),
		Close: s.Close.In(newYork).Format("15:04"), SessionOpen: "0400", SessionClose: ext}
}
