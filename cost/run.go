package cost

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// Run is what a local run measured, split between the workflows'
// invocations and the watchdog's (the scheduler invoked with operation
// "watchdog"): the watchdog runs on its own schedule, whatever the
// number of workflows.
type Run struct {
	Workflows int
	Workflow  Usage // all workflows of the run together
	Watchdog  Usage // all watchdog invocations of the run together
	// Series are the custom metric series (not AWS/ namespaces) the run's
	// EMF produced, by key (namespace/name{dim=value,...}), with whether
	// a workflow invocation, a watchdog invocation or both emitted it.
	Series          map[string]Emitters
	EventsPublished int   // custom events put on the bus
	ArchiveBytes    int64 // bytes the bus archive stored
	Notifications   int   // workflow summaries sent
	// FilterHits are the template's metric filters (by MetricFilter.Key)
	// whose pattern matched an event of the run.
	FilterHits map[string]Emitters
}

func newUsage() Usage { return Usage{LogBytes: map[string]int64{}, BilledMs: map[string]float64{}} }

// Usage is what a set of invocations consumed.
type Usage struct {
	Invocations, ColdStarts int
	// BilledMs by log group: Lambda's billed duration.
	BilledMs map[string]float64
	// LogBytes by log group: UTF-8 message + 26 bytes an event.
	LogBytes map[string]int64
}

// Emitters says which kind of invocation emitted a series.
type Emitters struct{ Workflow, Watchdog bool }

// logEventOverhead is what CloudWatch Logs counts per event beside its
// message.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
const logEventOverhead = 26

// ReadRun measures the run directory dir (what `alchemiser run` writes).
// Filters are the template's metric filters, applied to every event as
// CloudWatch Logs would.
func ReadRun(dir string, filters []MetricFilter) (*Run, error) {
	r := &Run{Series: map[string]Emitters{}, Workflow: newUsage(), Watchdog: newUsage(), FilterHits: map[string]Emitters{}}
	if err := r.readReport(filepath.Join(dir, "run.json")); err != nil {
		return nil, err
	}
	open := map[string]*invocation{}
	err := insights.RunDirEvents(dir, nil, func(ev *insights.Event) bool {
		inv := open[ev.LogGroup]
		if inv == nil {
			inv = &invocation{group: ev.LogGroup}
			open[ev.LogGroup] = inv
		}
		for _, f := range filters {
			if f.matches(ev) {
				inv.hits = append(inv.hits, f.Key())
			}
		}
		if done := inv.add(ev.Message); done {
			r.close(inv)
			delete(open, ev.LogGroup)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	for _, g := range slices.Sorted(maps.Keys(open)) {
		r.close(open[g])
	}
	if r.ArchiveBytes, err = dirBytes(filepath.Join(dir, "archive")); err != nil {
		return nil, err
	}
	outbox, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.json"))
	r.Notifications = len(outbox)
	return r, nil
}

func (r *Run) readReport(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("could not read the run's report (is it a run directory?): %w", err)
	}
	var rep struct {
		Results     []json.RawMessage `json:"results"`
		EventBridge struct {
			Events int `json:"events"`
		} `json:"eventbridge"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(rep.Results) == 0 {
		return fmt.Errorf("%s: the run has no workflow", name)
	}
	r.Workflows, r.EventsPublished = len(rep.Results), rep.EventBridge.Events
	return nil
}

// invocation gathers one invocation's log events, from Lambda's start
// record to its report.
type invocation struct {
	group    string
	bytes    int64
	watchdog bool
	cold     bool
	billedMs float64
	emf      []cwalarm.EMFPoint
	hits     []string // keys of the metric filters that matched
}

// add takes one event; it reports whether the invocation ended.
func (inv *invocation) add(msg string) bool {
	inv.bytes += int64(len(msg)) + logEventOverhead
	var line struct {
		Type, Message, Operation string
		Record                   struct {
			Metrics struct {
				BilledDurationMs, MemorySizeMB, InitDurationMs float64
			}
		}
	}
	if json.Unmarshal([]byte(msg), &line) != nil {
		return false
	}
	if line.Operation == "watchdog" || strings.HasPrefix(line.Message, "watchdog") {
		inv.watchdog = true
	}
	inv.emf = append(inv.emf, cwalarm.ParseEMF([]byte(msg))...)
	if line.Type != "platform.report" {
		return false
	}
	m := line.Record.Metrics
	inv.billedMs = m.BilledDurationMs
	inv.cold = m.InitDurationMs > 0
	return true
}

func (r *Run) close(inv *invocation) {
	u := &r.Workflow
	if inv.watchdog {
		u = &r.Watchdog
	}
	u.Invocations++
	if inv.cold {
		u.ColdStarts++
	}
	u.BilledMs[inv.group] += inv.billedMs
	for _, k := range inv.hits {
		e := r.FilterHits[k]
		e.Workflow, e.Watchdog = e.Workflow || !inv.watchdog, e.Watchdog || inv.watchdog
		r.FilterHits[k] = e
	}
	u.LogBytes[inv.group] += inv.bytes
	for _, p := range inv.emf {
		if strings.HasPrefix(p.Namespace, "AWS/") {
			continue
		}
		for _, set := range p.Sets {
			k := seriesKey(p, set)
			e := r.Series[k]
			e.Workflow = e.Workflow || !inv.watchdog
			e.Watchdog = e.Watchdog || inv.watchdog
			r.Series[k] = e
		}
	}
}

// seriesKey names one billed metric: namespace, name and the values of
// one dimension set.
func seriesKey(p cwalarm.EMFPoint, set []string) string {
	dims := make([]string, 0, len(set))
	for _, d := range slices.Sorted(slices.Values(set)) {
		dims = append(dims, d+"="+p.Dims[d])
	}
	return p.Namespace + "/" + p.Name + "{" + strings.Join(dims, ",") + "}"
}

func dirBytes(dir string) (int64, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return 0, err
	}
	var n int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return 0, err
		}
		n += st.Size()
	}
	return n, nil
}
