package alpaca

import (
	"context"
	"testing"
	"time"
)

// The clock and the calendar, through the official client against the
// paper exchange: a holiday has no session, an early close ends at 13:00
// New York, and the clock follows the exchange's market time.
func TestClockAndCalendar(t *testing.T) {
	f := setup(t, 0)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

	sessions, err := f.a.Calendar(ctx, day("2025-11-26"), day("2025-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sessions {
		got = append(got, s.Date+" "+s.Open.In(ny).Format("15:04")+"-"+s.Close.In(ny).Format("15:04"))
	}
	want := []string{"2025-11-26 09:30-16:00", "2025-11-28 09:30-13:00", "2025-12-01 09:30-16:00"} // Thanksgiving has none
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("calendar %v, want %v", got, want)
	}

	f.x.SetDay(day("2026-09-07")) // Labor Day, at 09:35 New York
	c, err := f.a.Clock(ctx)
	if err != nil || c.IsOpen || !c.NextOpen.Equal(time.Date(2026, 9, 8, 9, 30, 0, 0, ny)) ||
		!c.NextClose.Equal(time.Date(2026, 9, 8, 16, 0, 0, 0, ny)) || !c.Timestamp.Equal(time.Date(2026, 9, 7, 9, 35, 0, 0, ny)) {
		t.Errorf("Labor Day clock %+v %v", c, err)
	}
	f.x.SetTime(time.Date(2025, 11, 28, 12, 59, 0, 0, ny))
	if c, err := f.a.Clock(ctx); err != nil || !c.IsOpen || !c.NextClose.Equal(time.Date(2025, 11, 28, 13, 0, 0, 0, ny)) {
		t.Errorf("half-day clock %+v %v", c, err)
	}
	f.x.SetTime(time.Date(2025, 11, 28, 13, 1, 0, 0, ny))
	if c, err := f.a.Clock(ctx); err != nil || c.IsOpen || !c.NextOpen.Equal(time.Date(2025, 12, 1, 9, 30, 0, 0, ny)) {
		t.Errorf("after the early close: clock %+v %v", c, err)
	}
}
