package cost

import (
	"testing"

	"github.com/alchemiser/alchemiser/topology"
)

func fixture(t *testing.T, params map[string]string) *Inventory {
	t.Helper()
	top, err := topology.LoadFile("testdata/template.yaml", topology.Options{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := FromTemplate(top)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestInventoryCountsWhatIsBilled(t *testing.T) {
	inv := fixture(t, nil)
	// The metric-math alarm reads 3 metrics (its expression is free), the
	// plain one 1; the conditional alarm is off by default.
	if inv.AlarmMetrics != 4 || inv.HighResAlarmMetrics != 0 {
		t.Errorf("alarm metrics = %d standard, %d high resolution; want 4, 0", inv.AlarmMetrics, inv.HighResAlarmMetrics)
	}
	if inv.CompositeAlarms != 1 {
		t.Errorf("composite alarms = %d, want 1", inv.CompositeAlarms)
	}
	if len(inv.MetricFilters) != 1 || !inv.MetricFilters[0].DefaultValue {
		t.Errorf("metric filters = %+v, want one with DefaultValue", inv.MetricFilters)
	}
	if len(inv.Dashboards) != 1 || inv.Dashboards[0].Metrics != 2 || len(inv.Dashboards[0].Logs) != 1 ||
		inv.Dashboards[0].Logs[0].Groups[0] != "/aws/lambda/alchemiser-work" || inv.Dashboards[0].Range.Hours() != 12 {
		t.Errorf("dashboards = %+v, want one with 2 metrics and a log widget over the work group, range 12h", inv.Dashboards)
	}
	if got := inv.Retention["/aws/lambda/alchemiser-work"]; got != 30 {
		t.Errorf("retention = %d, want 30", got)
	}
	if len(inv.Functions) != 1 || inv.Functions[0].MemoryMB != 512 || !inv.Functions[0].Arm64 {
		t.Errorf("functions = %+v, want one arm64 of 512 MB", inv.Functions)
	}
}

func TestAConditionTurnedOnAddsItsResource(t *testing.T) {
	inv := fixture(t, map[string]string{"EnableExtra": "true"})
	if inv.AlarmMetrics != 4 || inv.HighResAlarmMetrics != 1 {
		t.Errorf("alarm metrics = %d standard, %d high resolution; want 4, 1", inv.AlarmMetrics, inv.HighResAlarmMetrics)
	}
}

func TestSchedulesGiveInvocationsAndHours(t *testing.T) {
	inv := fixture(t, nil)
	got := map[string]Schedule{}
	for _, s := range inv.Schedules {
		got[s.Trigger] = s
	}
	if w := got["watchdog"]; w.PerDay != 84 || len(w.Hours) != 7 || !w.Weekdays {
		t.Errorf("watchdog = %+v, want 84 a weekday in 7 hours", w)
	}
	if s := got["schedule"]; s.PerDay != 1 || len(s.Hours) != 1 || s.Hours[0] != 9 {
		t.Errorf("workflow schedule = %+v, want once at 9", s)
	}
}

func TestCronFields(t *testing.T) {
	for _, tc := range []struct {
		f    string
		want int
	}{{"*", 60}, {"0/5", 12}, {"5", 1}, {"10-20/5", 3}, {"1,2,2", 2}} {
		got, err := cronField(tc.f, 0, 59)
		if err != nil || len(got) != tc.want {
			t.Errorf("cronField(%q) = %v, %v; want %d values", tc.f, got, err, tc.want)
		}
	}
	for _, bad := range []string{"x", "0/0", "70", "5-1"} {
		if _, err := cronField(bad, 0, 59); err == nil {
			t.Errorf("cronField(%q) accepted", bad)
		}
	}
}
