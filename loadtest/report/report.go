package report

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/alchemiser/alchemiser/loadtest"
)

// SlowestSamples is how many of the slowest workflows the page lists.
const SlowestSamples = 20

// ErrNoResult is returned for a nil result.
var ErrNoResult = errors.New("no result to report")

// WriteJSON writes the result as indented JSON: the machine-readable
// record of the run.
func WriteJSON(w io.Writer, r *loadtest.Result) error {
	if r == nil {
		return ErrNoResult
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("could not encode the result: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("could not write the result: %w", err)
	}
	return nil
}

// WriteHTML writes the report: one self-contained page (inline CSS and
// SVG, no script, a Content-Security-Policy that fetches nothing).
func WriteHTML(w io.Writer, r *loadtest.Result) error {
	if r == nil {
		return ErrNoResult
	}
	if err := pageTemplate.Execute(w, newPage(r)); err != nil {
		return fmt.Errorf("could not write the report: %w", err)
	}
	return nil
}

// Verdict is PASS when the run is valid and every threshold passed, else
// FAIL: an invalid run fails whatever its thresholds say, as the process
// exits non-zero.
func Verdict(r *loadtest.Result) string {
	if !r.Valid {
		return "FAIL"
	}
	for _, t := range r.Thresholds {
		if !t.Pass {
			return "FAIL"
		}
	}
	return "PASS"
}

//go:embed report.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"count":    func(n int) string { return fmtCount(int64(n)) },
	"count64":  fmtCount,
	"ms":       fmtMs,
	"usd":      fmtUSD,
	"quantity": fmtQuantity,
	"value":    fmtValue,
	"time":     fmtTime,
	"clock":    fmtClock,
	"add1":     func(i int) int { return i + 1 },
	"lag":      func(s loadtest.Sample) string { return fmtMs(float64(startLag(s)) / float64(time.Millisecond)) },
}).Parse(pageSource))

// page is what the template draws.
type page struct {
	*loadtest.Result
	Verdict          string
	FailedThresholds int // thresholds that failed
	Duration         string
	Counts           []tile
	Latency          []tile
	Charts           []chart
	Slowest          []loadtest.Sample
}

// tile is one big number; Class is "bad" or "warn" when it should be zero.
type tile struct {
	Label, Value, Class, Hint string
}

func newPage(r *loadtest.Result) *page {
	p := &page{Result: r, Verdict: Verdict(r), Duration: fmtDuration(r.End.Sub(r.Start)), Charts: charts(r), Slowest: slowest(r.Samples, SlowestSamples)}
	for _, t := range r.Thresholds {
		if !t.Pass {
			p.FailedThresholds++
		}
	}
	p.Counts = []tile{
		countTile("scheduled", r.Scheduled, "", "arrivals the profile scheduled"),
		countTile("started", r.Started, "", "scheduled − dropped − start errors"),
		countTile("completed", r.Completed, "", "ended with WorkflowCompleted"),
		countTile("failed", r.Failed, "bad", "ended with WorkflowFailed"),
		countTile("lost", r.Lost, "bad", "no terminal event before the drain deadline"),
		countTile("dropped", r.Dropped, "bad", "the generator could not start them in time"),
		countTile("late", r.Late, "warn", "started later than the late budget"),
		countTile("start errors", r.StartErrs, "bad", "Start returned an error"),
	}
	l, lag := r.Latency, r.ScheduleLag
	p.Latency = []tile{
		msTile("latency p50", l, l.P50, ""),
		msTile("latency p90", l, l.P90, ""),
		msTile("latency p99", l, l.P99, ""),
		msTile("latency p99.9", l, l.P999, ""),
		msTile("latency max", l, l.Max, ""),
		msTile("schedule lag p99", lag, lag.P99, "intended start → Start call"),
	}
	return p
}

// msTile shows a percentile of s, or a dash when s counted nothing.
func msTile(label string, s loadtest.Summary, v float64, hint string) tile {
	if s.Count == 0 {
		return tile{Label: label, Value: "–", Hint: "no values"}
	}
	return tile{Label: label, Value: fmtMs(v), Hint: hint}
}

// countTile marks a count that should be zero when it is not.
func countTile(label string, n int, class, hint string) tile {
	if n == 0 {
		class = ""
	}
	return tile{Label: label, Value: fmtCount(int64(n)), Class: class, Hint: hint}
}

// slowest are the n samples with the highest latency, slowest first
// (ties by sequence).
func slowest(samples []loadtest.Sample, n int) []loadtest.Sample {
	out := slices.Clone(samples)
	slices.SortStableFunc(out, func(a, b loadtest.Sample) int {
		return cmp.Or(cmp.Compare(b.LatencyMs, a.LatencyMs), cmp.Compare(a.Seq, b.Seq))
	})
	return out[:min(n, len(out))]
}

// startLag is how late the sample's Start call was.
func startLag(s loadtest.Sample) time.Duration {
	if s.Started.IsZero() || s.Intended.IsZero() {
		return 0
	}
	return s.Started.Sub(s.Intended)
}
