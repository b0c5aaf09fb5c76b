package cost

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// TelemetryBudgetUSD is the target for the kit's telemetry (CloudWatch)
// a month at one workflow per trading day, with the free tier.
const TelemetryBudgetUSD = 5.00

// Calendar and month figures.
const (
	TradingDaysPerMonth = 21.0         // 252 NYSE sessions a year
	WeekdaysPerMonth    = 261.0 / 12.0 // the days MON-FRI schedules fire
	HoursPerMonth       = 730.0        // AWS's pricing month
	daysPerMonth        = 365.0 / 12.0
	gib                 = 1 << 30
)

// Config is what the estimate assumes beyond the template and the run.
type Config struct {
	WorkflowsPerDay      float64 // default 1
	NoFreeTier           bool    // price without the always-free allowances
	DashboardViewsPerDay float64 // each dashboard, each trading day; default 2
	QueryRunsPerMonth    float64 // each saved query over one day: verify + one incident's runbook; default 2
}

func (c Config) withDefaults() Config {
	if c.WorkflowsPerDay == 0 {
		c.WorkflowsPerDay = 1
	}
	if c.DashboardViewsPerDay == 0 {
		c.DashboardViewsPerDay = 2
	}
	if c.QueryRunsPerMonth == 0 {
		c.QueryRunsPerMonth = 2
	}
	return c
}

// Item is one priced line.
type Item struct {
	Service      string  `json:"service"`
	Item         string  `json:"item"`
	Quantity     float64 `json:"quantity"`
	Unit         string  `json:"unit"`
	Price        float64 `json:"price"` // USD per unit
	PriceText    string  `json:"price_text"`
	Source       string  `json:"source"`
	PriceDate    string  `json:"price_date"`
	FreeQuantity float64 `json:"free_quantity"` // deducted by the free tier
	USDPerMonth  float64 `json:"usd_per_month"`
	Telemetry    bool    `json:"telemetry"`
	Basis        string  `json:"basis"` // how the quantity was derived
	price        Price
	free         float64 // this item's own free allowance, when hasFree
	hasFree      bool
}

// Estimate is the monthly bill.
type Estimate struct {
	WorkflowsPerDay      float64  `json:"workflows_per_day"`
	WorkflowsPerMonth    float64  `json:"workflows_per_month"`
	FreeTier             bool     `json:"free_tier"`
	TelemetryUSDPerMonth float64  `json:"telemetry_usd_per_month"`
	TotalUSDPerMonth     float64  `json:"total_usd_per_month"`
	WithFreeTier         Figures  `json:"with_free_tier"`
	WithoutFreeTier      Figures  `json:"without_free_tier"`
	Items                []Item   `json:"items"`
	Assumptions          []string `json:"assumptions"`
}

// Figures are the two subtotals.
type Figures struct {
	TelemetryUSDPerMonth float64 `json:"telemetry_usd_per_month"`
	TotalUSDPerMonth     float64 `json:"total_usd_per_month"`
}

// Compute prices inv and run under cfg.
func Compute(inv *Inventory, run *Run, cfg Config) *Estimate {
	cfg = cfg.withDefaults()
	m := &model{inv: inv, run: run, cfg: cfg, wfMonth: cfg.WorkflowsPerDay * TradingDaysPerMonth}
	m.hours()
	items := slices.Concat(m.alarms(), m.metrics(), m.logs(), m.workload())
	e := &Estimate{WorkflowsPerDay: cfg.WorkflowsPerDay, WorkflowsPerMonth: m.wfMonth, FreeTier: !cfg.NoFreeTier, Assumptions: m.notes}
	e.WithoutFreeTier = price(items, false)
	e.WithFreeTier = price(items, true)
	e.Items = items
	price(e.Items, !cfg.NoFreeTier)
	f := e.WithFreeTier
	if cfg.NoFreeTier {
		f = e.WithoutFreeTier
	}
	e.TelemetryUSDPerMonth, e.TotalUSDPerMonth = f.TelemetryUSDPerMonth, f.TotalUSDPerMonth
	return e
}

// price fills each item's free quantity and cost, the allowances of a
// pool deducted in item order, and returns the subtotals.
func price(items []Item, free bool) Figures {
	left := map[string]float64{}
	var f Figures
	for i := range items {
		it := &items[i]
		pool, allowance := it.price.FreePool, it.price.Free
		if it.hasFree || pool == "" {
			pool, allowance = it.Service+"/"+it.Item, it.price.Free
			if it.hasFree {
				allowance = it.free
			}
		}
		if _, ok := left[pool]; !ok {
			left[pool] = allowance
		}
		it.FreeQuantity = 0
		if free {
			it.FreeQuantity = math.Min(it.Quantity, left[pool])
			left[pool] -= it.FreeQuantity
		}
		it.USDPerMonth = (it.Quantity - it.FreeQuantity) * it.Price
		f.TotalUSDPerMonth += it.USDPerMonth
		if it.Telemetry {
			f.TelemetryUSDPerMonth += it.USDPerMonth
		}
	}
	return f
}

func line(p Price, qty float64, basis string, args ...any) Item {
	return Item{Service: p.Service, Item: p.Item, Quantity: qty, Unit: p.Unit, Price: p.USD / p.Per,
		PriceText: priceText(p), Source: p.Source, PriceDate: pricesAsOf, Telemetry: p.Telemetry,
		Basis: fmt.Sprintf(basis, args...), price: p}
}

func priceText(p Price) string {
	usd := "$" + strconv.FormatFloat(p.USD, 'f', -1, 64)
	if p.USD == math.Round(p.USD*100)/100 {
		usd = fmt.Sprintf("$%.2f", p.USD)
	}
	switch {
	case p.Per == 1:
		return usd + " per " + p.Unit
	case p.Per >= 1e6:
		return fmt.Sprintf("%s per %gM %ss", usd, p.Per/1e6, p.Unit)
	}
	return fmt.Sprintf("%s per %s %ss", usd, strconv.FormatFloat(p.Per, 'f', -1, 64), p.Unit)
}

// model holds what the items are derived from.
type model struct {
	inv     *Inventory
	run     *Run
	cfg     Config
	wfMonth float64
	notes   []string
	// workflow hours (trading days) and the other schedules' hours
	// (weekdays), as sets of clock hours.
	wfHours, watchHours map[int]bool
	watchPerDay         int
}

func (m *model) note(format string, args ...any) {
	m.notes = append(m.notes, fmt.Sprintf(format, args...))
}

// hours derives the clock hours in which the workflows and the other
// schedules (the watchdog) run.
func (m *model) hours() {
	m.wfHours, m.watchHours = map[int]bool{}, map[int]bool{}
	start := 0
	for _, s := range m.inv.Schedules {
		if s.Trigger == "schedule" && len(s.Hours) > 0 {
			start = s.Hours[0]
			continue
		}
		m.watchPerDay += s.PerDay
		for _, h := range s.Hours {
			m.watchHours[h] = true
		}
	}
	n := int(math.Min(24, math.Ceil(m.cfg.WorkflowsPerDay)))
	for i := range n {
		m.wfHours[(start+i)%24] = true
	}
	m.note("%g workflow(s) a trading day, %g trading days a month (252 a year): %g workflows a month; they run in %d clock hour(s) from the workflow schedule's hour %02d:00 (one hour each).",
		m.cfg.WorkflowsPerDay, TradingDaysPerMonth, m.wfMonth, n, start)
	m.note("The other schedules (the watchdog) fire %d times a weekday in %d clock hours, on %.2f weekdays a month (261 a year: MON-FRI, holidays included); every invocation emits EMF.",
		m.watchPerDay, len(m.watchHours), WeekdaysPerMonth)
	m.note("A custom metric costs its metered hours / %g of a metric-month: hours in which it received data (CloudWatch meters custom metrics by the hour, only when sent).", HoursPerMonth)
}

// meteredHours is how many hours a month a series with emitters e is
// billed for.
func (m *model) meteredHours(e Emitters) float64 {
	var h float64
	if e.Watchdog {
		h += float64(len(m.watchHours)) * WeekdaysPerMonth
	}
	if e.Workflow {
		for wh := range m.wfHours {
			if !e.Watchdog || !m.watchHours[wh] {
				h += TradingDaysPerMonth
			}
		}
	}
	return h
}

func (m *model) alarms() []Item {
	inv := m.inv
	items := []Item{
		line(priceAlarmMetric, float64(inv.AlarmMetrics), "metrics read by the template's metric alarms (MetricStat queries of metric math; expressions are free)"),
		line(priceCompositeAlarm, float64(inv.CompositeAlarms), "the template's composite alarms"),
	}
	if inv.HighResAlarmMetrics > 0 {
		items = append(items, line(priceHighResAlarmMetric, float64(inv.HighResAlarmMetrics), "metrics read at a period under 60 s"))
	}
	small := 0
	for _, d := range inv.Dashboards {
		if d.Metrics <= 50 {
			small++
		}
	}
	dash := line(priceDashboard, float64(len(inv.Dashboards)), "the template's dashboards; %d of them read at most 50 metrics (the free tier's 3 dashboards must)", small)
	dash.free, dash.hasFree = float64(min(3, small)), true
	m.note("GetMetricData: nothing in the kit calls it on a schedule (dashboards viewed in the console are covered by the dashboard price); not priced.")
	return append(items, dash)
}

func (m *model) metrics() []Item {
	var emf float64
	for _, e := range m.run.Series {
		emf += m.meteredHours(e) / HoursPerMonth
	}
	wfOnly, both := 0, 0
	for _, e := range m.run.Series {
		if e.Watchdog {
			both++
		} else {
			wfOnly++
		}
	}
	items := []Item{line(priceMetric, emf, "%d EMF series of the run (namespace + name + dimension set): %d emitted by the workflows only (%.0f h a month each), %d by the watchdog (%.0f h a month each)",
		len(m.run.Series), wfOnly, m.meteredHours(Emitters{Workflow: true}), both, m.meteredHours(Emitters{Workflow: true, Watchdog: true}))}
	var filt float64
	byKey := map[string][]MetricFilter{}
	for _, f := range m.inv.MetricFilters {
		byKey[f.Key()] = append(byKey[f.Key()], f)
	}
	defaults := 0
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		e := m.run.FilterHits[k]
		for _, f := range byKey[k] {
			if f.DefaultValue {
				defaults++
				e.Workflow = e.Workflow || m.run.Workflow.LogBytes[f.LogGroup] > 0
				e.Watchdog = e.Watchdog || m.run.Watchdog.LogBytes[f.LogGroup] > 0
			}
		}
		filt += m.meteredHours(e) / HoursPerMonth
	}
	fl := line(priceMetric, filt, "%d metric filters publish %d metrics (filters sharing namespace, name and dimensions share one); %d set DefaultValue (published for every log event of their group), the others only in hours their pattern matched in the run",
		len(m.inv.MetricFilters), len(byKey), defaults)
	fl.Item = "custom metrics from metric filters"
	return append(items, fl)
}
