package marketdata

import (
	"errors"
	"testing"
	"time"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The bundled data set trades exactly the NYSE's sessions in its range.
func TestSyntheticFollowsTheNYSECalendar(t *testing.T) {
	ds, err := Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	days := ds.TradingDays()
	have := map[time.Time]bool{}
	for _, d := range days {
		have[d] = true
	}
	for d := days[0]; !d.After(days[len(days)-1]); d = d.AddDate(0, 0, 1) {
		open, err := isNYSESession(d)
		if err != nil {
			t.Fatalf("the data set's range is outside the NYSE tables: %v", err)
		}
		if open != have[d] {
			t.Errorf("%s: NYSE session %v, data set session %v", d.Format(time.DateOnly), open, have[d])
		}
	}
}

func TestSessionHolidaysAndEarlyCloses(t *testing.T) {
	ds, _ := Synthetic()
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		day       string
		ok        bool
		closeHour int
	}{
		{"2026-09-07", false, 0}, // Labor Day
		{"2026-09-05", false, 0}, // a Saturday
		{"2025-07-04", false, 0}, // Independence Day
		{"2025-07-03", true, 13}, // early close
		{"2025-11-28", true, 13}, // the day after Thanksgiving
		{"2025-12-24", true, 13}, // Christmas Eve
		{"2026-09-08", true, 16},
		{"2026-11-20", true, 16},
	} {
		s, ok, err := ds.Session(date(tc.day))
		if err != nil || ok != tc.ok {
			t.Errorf("%s: ok %v, err %v; want %v", tc.day, ok, err, tc.ok)
			continue
		}
		if ok && (s.Close.In(ny).Hour() != tc.closeHour || s.Open.In(ny).Format("15:04") != "09:30" || s.EarlyClose() != (tc.closeHour == 13)) {
			t.Errorf("%s: session %v to %v", tc.day, s.Open.In(ny), s.Close.In(ny))
		}
	}
	for _, out := range []string{"2026-11-27", "2024-12-31"} {
		if _, _, err := ds.Session(date(out)); !errors.Is(err, ErrOutsideCalendar) {
			t.Errorf("%s: err %v, want ErrOutsideCalendar", out, err)
		}
	}
	if got := ds.Sessions(date("2025-12-22"), date("2025-12-28")); len(got) != 4 || !got[2].EarlyClose() {
		t.Errorf("Christmas week 2025: %d sessions %+v, want 4 with an early close on the 24th", len(got), got)
	}
}
