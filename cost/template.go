package cost

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/queries/insights"
	"github.com/alchemiser/alchemiser/topology"
)

// Inventory is what a resolved template declares that has a price.
type Inventory struct {
	AlarmMetrics, HighResAlarmMetrics, CompositeAlarms   int
	Dashboards                                           []Dashboard
	MetricFilters                                        []MetricFilter
	Retention                                            map[string]int // log group name → retention days (0: never expires)
	Functions                                            []Function
	Schedules                                            []Schedule
	OnDemandTables, Buckets, Secrets, EmailSubscriptions int
	Archives                                             int
	SavedQueries                                         []LogQuery
}

// Dashboard is one AWS::CloudWatch::Dashboard.
type Dashboard struct {
	Name    string
	Metrics int // metric rows of its widgets (expressions excluded)
	Range   time.Duration
	Logs    []LogQuery // its log widgets
}

// LogQuery is a Logs Insights query and the log groups it scans.
type LogQuery struct {
	Name   string
	Groups []string
}

// MetricFilter is one metric transformation of an AWS::Logs::MetricFilter.
type MetricFilter struct {
	LogGroup, Namespace, Name string
	Pattern, Value            string
	Dimensions                []string
	DefaultValue              bool
}

// matches applies the filter to ev as CloudWatch Logs would.
func (f MetricFilter) matches(ev *insights.Event) bool {
	if ev.LogGroup != f.LogGroup {
		return false
	}
	mf := alarms.MetricFilter{Pattern: f.Pattern, MetricName: f.Name, MetricValue: f.Value}
	_, ok := mf.Apply(f.Namespace, ev.Message, time.UnixMilli(ev.Timestamp))
	return ok
}

// Key is the metric the filter publishes to (filters of several log
// groups publishing the same name and dimensions share one metric).
func (f MetricFilter) Key() string {
	return f.Namespace + "/" + f.Name + "{" + strings.Join(f.Dimensions, ",") + "}"
}

// Function is a Lambda function's billed shape.
type Function struct {
	Name, LogGroup string
	MemoryMB       int
	Arm64          bool
}

// FromTemplate takes the priced resources out of a resolved template
// (resources whose Condition is false are not in it).
func FromTemplate(t *topology.Topology) (*Inventory, error) {
	inv := &Inventory{Retention: map[string]int{}}
	for _, id := range sortedIDs(t.Resources) {
		r := t.Resources[id]
		if err := inv.add(id, r); err != nil {
			return nil, fmt.Errorf("%s (line %d): %w", id, r.Line, err)
		}
	}
	for _, f := range t.OrderedFunctions() {
		arch, _ := t.Resources[f.LogicalID].Properties["Architectures"].([]any)
		inv.Functions = append(inv.Functions, Function{Name: f.Name, LogGroup: f.LogGroup, MemoryMB: f.MemoryMB,
			Arm64: len(arch) > 0 && fmt.Sprint(arch[0]) == "arm64"})
	}
	for _, s := range t.Schedules {
		sc, err := parseSchedule(s.Name, s.Expression, s.Input)
		if err != nil {
			return nil, err
		}
		inv.Schedules = append(inv.Schedules, sc)
	}
	inv.Archives = len(t.Archives)
	return inv, nil
}

func (inv *Inventory) add(id string, r topology.Resource) error {
	p := r.Properties
	switch r.Type {
	case "AWS::CloudWatch::Alarm":
		std, high := alarmMetrics(p)
		inv.AlarmMetrics += std
		inv.HighResAlarmMetrics += high
	case "AWS::CloudWatch::CompositeAlarm":
		inv.CompositeAlarms++
	case "AWS::CloudWatch::Dashboard":
		d, err := dashboard(str(p["DashboardName"], id), str(p["DashboardBody"], ""))
		if err != nil {
			return err
		}
		inv.Dashboards = append(inv.Dashboards, d)
	case "AWS::Logs::MetricFilter":
		ts, _ := p["MetricTransformations"].([]any)
		for _, x := range ts {
			m, _ := x.(map[string]any)
			f := MetricFilter{LogGroup: str(p["LogGroupName"], ""), Namespace: str(m["MetricNamespace"], ""), Name: str(m["MetricName"], ""),
				Pattern: str(p["FilterPattern"], ""), Value: str(m["MetricValue"], "")}
			_, f.DefaultValue = m["DefaultValue"]
			dims, _ := m["Dimensions"].([]any)
			for _, d := range dims {
				dm, _ := d.(map[string]any)
				f.Dimensions = append(f.Dimensions, str(dm["Key"], ""))
			}
			slices.Sort(f.Dimensions)
			inv.MetricFilters = append(inv.MetricFilters, f)
		}
	case "AWS::Logs::LogGroup":
		days, _ := strconv.Atoi(str(p["RetentionInDays"], "0"))
		inv.Retention[str(p["LogGroupName"], id)] = days
	case "AWS::Logs::QueryDefinition":
		inv.SavedQueries = append(inv.SavedQueries, LogQuery{Name: str(p["Name"], id), Groups: strs(p["LogGroupNames"])})
	case "AWS::DynamoDB::Table":
		if str(p["BillingMode"], "") == "PAY_PER_REQUEST" {
			inv.OnDemandTables++
		}
	case "AWS::S3::Bucket":
		inv.Buckets++
	case "AWS::SecretsManager::Secret":
		inv.Secrets++
	case "AWS::SNS::Subscription":
		if str(p["Protocol"], "") == "email" {
			inv.EmailSubscriptions++
		}
	}
	return nil
}

// alarmMetrics counts the metrics an alarm reads: its MetricName, or the
// MetricStat queries of its metric math (expressions are free). A
// period under 60 s is high resolution.
// https://aws.amazon.com/cloudwatch/pricing/ (alarms: per metric)
func alarmMetrics(p map[string]any) (std, high int) {
	count := func(period any) {
		if n, _ := strconv.Atoi(str(period, "60")); n > 0 && n < 60 {
			high++
		} else {
			std++
		}
	}
	if _, ok := p["MetricName"]; ok {
		count(p["Period"])
		return
	}
	ms, _ := p["Metrics"].([]any)
	for _, x := range ms {
		m, _ := x.(map[string]any)
		if stat, ok := m["MetricStat"].(map[string]any); ok {
			count(stat["Period"])
		}
	}
	return
}

// dashboard reads a dashboard body: its metric rows, its log widgets and
// its default range (CloudWatch's default is the last 3 hours).
func dashboard(name, body string) (Dashboard, error) {
	var doc struct {
		Start   string `json:"start"`
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Title   string  `json:"title"`
				Query   string  `json:"query"`
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return Dashboard{}, fmt.Errorf("could not read dashboard %s's body: %w", name, err)
	}
	d := Dashboard{Name: name, Range: 3 * time.Hour}
	if r, ok := isoDuration(strings.TrimPrefix(doc.Start, "-")); ok {
		d.Range = r
	}
	for _, w := range doc.Widgets {
		switch w.Type {
		case "metric":
			for _, row := range w.Properties.Metrics {
				if len(row) > 0 {
					if _, expr := row[0].(map[string]any); !expr {
						d.Metrics++
					}
				}
			}
		case "log":
			d.Logs = append(d.Logs, LogQuery{Name: w.Properties.Title, Groups: sources(w.Properties.Query)})
		}
	}
	return d, nil
}

// sources are the log groups of a widget query's SOURCE commands.
func sources(q string) []string {
	var out []string
	for _, part := range strings.Split(q, "|") {
		if g, ok := strings.CutPrefix(strings.TrimSpace(part), "SOURCE "); ok {
			out = append(out, strings.Trim(strings.TrimSpace(g), `'"`))
		}
	}
	return out
}

// isoDuration reads the PTnH / PTnM / PnD ranges dashboards use.
func isoDuration(s string) (time.Duration, bool) {
	units := map[string]time.Duration{"PT%dH": time.Hour, "PT%dM": time.Minute, "P%dD": 24 * time.Hour, "P%dW": 7 * 24 * time.Hour}
	for f, u := range units {
		var n int
		if _, err := fmt.Sscanf(s, f, &n); err == nil && fmt.Sprintf(f, n) == s {
			return time.Duration(n) * u, true
		}
	}
	return 0, false
}

func str(v any, def string) string {
	if v == nil {
		return def
	}
	return fmt.Sprint(v)
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func sortedIDs(m map[string]topology.Resource) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
