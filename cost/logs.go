package cost

import (
	"maps"
	"slices"
)

// groupBytes is each log group's bytes a month and a trading day.
func (m *model) groupBytes() (month, day map[string]float64) {
	month, day = map[string]float64{}, map[string]float64{}
	wf, wd := m.run.Workflow, m.run.Watchdog
	for g, b := range wf.LogBytes {
		per := float64(b) / float64(m.run.Workflows)
		month[g] += per * m.wfMonth
		day[g] += per * m.cfg.WorkflowsPerDay
	}
	if wd.Invocations > 0 {
		for g, b := range wd.LogBytes {
			per := float64(b) / float64(wd.Invocations)
			month[g] += per * float64(m.watchPerDay) * WeekdaysPerMonth
			day[g] += per * float64(m.watchPerDay)
		}
	} else if m.watchPerDay > 0 {
		m.note("The run has no watchdog invocation: the watchdog's logs, compute and metric hours are not counted.")
	}
	return month, day
}

func (m *model) logs() []Item {
	month, day := m.groupBytes()
	var ingest, stored float64
	for _, g := range slices.Sorted(maps.Keys(month)) {
		ingest += month[g]
		days, ok := m.inv.Retention[g]
		if !ok || days == 0 {
			days = 3653
			m.note("Log group %s has no retention in the template: stored for 10 years (CloudWatch keeps it forever).", g)
		}
		stored += month[g] * min(float64(days)/daysPerMonth, 120)
	}
	m.note("Log bytes: each event's message + 26 bytes (PutLogEvents' accounting), per workflow and per watchdog invocation as measured in the run; storage is the retained volume at steady state, uncompressed (an upper bound: CloudWatch stores logs compressed).")
	return []Item{
		line(priceLogsIngest, ingest/gib, "%.0f KB per workflow × %g workflows + %.0f KB per watchdog invocation × %d a weekday × %.2f weekdays",
			sum(m.run.Workflow.LogBytes)/float64(m.run.Workflows)/1024, m.wfMonth, perInvocation(m.run.Watchdog)/1024, m.watchPerDay, WeekdaysPerMonth),
		line(priceLogsStore, stored/gib, "a month's ingestion × retention days (the template's log groups) / %.1f", daysPerMonth),
		m.scans(day),
	}
}

// scans prices Logs Insights: the dashboards' log widgets per view and
// the saved queries run by verify and the runbooks.
func (m *model) scans(day map[string]float64) Item {
	span := float64(len(union(m.wfHours, m.watchHours)))
	var perView, views float64
	widgets := 0
	for _, d := range m.inv.Dashboards {
		frac := min(1, d.Range.Hours()/max(span, 1))
		for _, w := range d.Logs {
			widgets++
			for _, g := range w.Groups {
				perView += day[g] * frac
			}
		}
		if len(d.Logs) > 0 {
			views += m.cfg.DashboardViewsPerDay * TradingDaysPerMonth
		}
	}
	var saved float64
	for _, q := range m.inv.SavedQueries {
		for _, g := range q.Groups {
			saved += day[g]
		}
	}
	if views > 0 {
		perView *= views / float64(max(1, countWithLogs(m.inv.Dashboards)))
	}
	m.note("Logs Insights: each dashboard with log widgets is viewed %g times a trading day; a view runs each log widget over its log groups for the dashboard's range (at most the day's logs); each of the %d saved queries runs %g times a month over one day's logs (verify, and a runbook in one incident).",
		m.cfg.DashboardViewsPerDay, len(m.inv.SavedQueries), m.cfg.QueryRunsPerMonth)
	return line(priceInsights, (perView+saved*m.cfg.QueryRunsPerMonth)/gib, "%d dashboard log widgets × %.0f views a month; %d saved queries × %g runs", widgets, views, len(m.inv.SavedQueries), m.cfg.QueryRunsPerMonth)
}

func countWithLogs(ds []Dashboard) int {
	n := 0
	for _, d := range ds {
		if len(d.Logs) > 0 {
			n++
		}
	}
	return n
}

func union(a, b map[int]bool) map[int]bool {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func sum[V int64 | float64](m map[string]V) float64 {
	var s float64
	for _, v := range m {
		s += float64(v)
	}
	return s
}

func perInvocation(u Usage) float64 {
	if u.Invocations == 0 {
		return 0
	}
	return sum(u.LogBytes) / float64(u.Invocations)
}
