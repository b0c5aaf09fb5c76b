package alarms

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// emfLine is one EMF line of metric name in dimension set dims (and the
// [service] rollup), as the telemetry layer writes it.
func emfLine(at time.Time, name string, v float64, dims map[string]string) string {
	keys, vals := "", ""
	for k, val := range dims {
		keys += fmt.Sprintf(",%q", k)
		vals += fmt.Sprintf(",%q:%q", k, val)
	}
	return fmt.Sprintf(`{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":"Alchemiser","Dimensions":[["service"%s],["service"]],"Metrics":[{"Name":%q,"Unit":"Count"}]}]},"service":"alchemiser"%s,%q:%g}`+"\n",
		at.UnixMilli(), keys, name, vals, name, v)
}

// The run's metrics, written as log lines in pieces, give each SLO's
// good and total events over a range; the ending workflow adds its own
// to the workflow SLOs only.
func TestEventsFromTheMetricStore(t *testing.T) {
	sp := spec(t)
	var store cwalarm.MetricStore
	w := store.Writer()
	day := time.Date(2026, 11, 2, 14, 36, 0, 0, time.UTC)
	var lines string
	for i := range 21 {
		at := day.AddDate(0, 0, i)
		if i == 5 {
			lines += emfLine(at, "WorkflowsFailed", 1, map[string]string{"function": "notifications", "step": "execution"})
			continue
		}
		lines += emfLine(at, "WorkflowsCompleted", 1, map[string]string{"function": "notifications", "outcome": "rebalanced"})
		lines += emfLine(at, "OrdersFilled", 3, map[string]string{"function": "execution", "side": "buy"})
	}
	lines += `{"level":"INFO","message":"not a metric"}` + "\n"
	for len(lines) > 0 { // in pieces that split lines
		n := min(97, len(lines))
		if _, err := io.WriteString(w, lines[:n]); err != nil {
			t.Fatal(err)
		}
		lines = lines[n:]
	}
	resolve := func(string) (string, error) { return "x", nil }
	end := day.AddDate(0, 0, 21)
	for _, c := range []struct {
		slo         string
		from        time.Time
		good, total float64
	}{
		{"workflow-success", end.AddDate(0, 0, -30), 20, 21},
		{"workflow-success", day.AddDate(0, 0, 6), 15, 15}, // the failure is out of the range
		{"order-success", end.AddDate(0, 0, -30), 60, 60},
		{"event-delivery", end.AddDate(0, 0, -30), 0, 0},
	} {
		good, total, err := sp.Events(context.Background(), slo(t, c.slo), c.from, end, store.Values(resolve))
		if err != nil || good != c.good || total != c.total {
			t.Errorf("%s from %s: %g good of %g (%v), want %g of %g", c.slo, c.from.Format(time.DateOnly), good, total, err, c.good, c.total)
		}
	}
	for _, c := range []struct {
		slo         string
		completed   bool
		d           time.Duration
		good, total float64
	}{
		{"workflow-success", true, time.Minute, 1, 1},
		{"workflow-success", false, time.Minute, 0, 1},
		{"workflow-latency", true, time.Minute, 1, 1},
		{"workflow-latency", true, 3 * time.Minute, 0, 1},
		{"workflow-latency", false, time.Minute, 0, 0}, // failed workflows are not latency events
		{"order-success", true, time.Minute, 0, 0},
		{"event-delivery", true, time.Minute, 0, 0},
	} {
		if good, total := WorkflowEvents(slo(t, c.slo), c.completed, c.d); good != c.good || total != c.total {
			t.Errorf("%s completed=%v %v: %g of %g, want %g of %g", c.slo, c.completed, c.d, good, total, c.good, c.total)
		}
	}
}
