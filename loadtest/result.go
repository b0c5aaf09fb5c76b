package loadtest

import "time"

// Result is everything a run measured: written as JSON, and drawn by the
// HTML report (loadtest/report).
type Result struct {
	Profile    string    `json:"profile"`
	Target     string    `json:"target"`
	Multiplier float64   `json:"multiplier"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`

	Scheduled int `json:"scheduled"` // arrivals the profile scheduled
	Started   int `json:"started"`   // arrivals started (scheduled − dropped − start errors)
	Dropped   int `json:"dropped"`   // arrivals the generator could not start in time
	Late      int `json:"late"`      // arrivals started more than LateAfter after their intended time
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Lost      int `json:"lost"`         // started, no terminal event before the drain deadline
	StartErrs int `json:"start_errors"` // Start returned an error

	// Valid is false when the generator fell behind (dropped arrivals, or
	// schedule lag past its budget): the run then says nothing about the
	// system's limit, and the process exits non-zero.
	Valid          bool     `json:"valid"`
	InvalidReasons []string `json:"invalid_reasons,omitempty"`

	Latency     Summary `json:"latency_ms"`      // intended start → terminal event
	ScheduleLag Summary `json:"schedule_lag_ms"` // intended start → actual Start call

	// Distribution is the latency histogram (ms) in log-spaced buckets.
	Distribution []Bucket `json:"distribution"`
	// Timeline has one entry per interval of the run.
	Timeline []Interval `json:"timeline"`

	Thresholds []ThresholdResult `json:"thresholds"`
	Stats      TargetStats       `json:"target_stats"`
	Cost       *Cost             `json:"cost,omitempty"`

	// Samples are per-workflow measurements (all of them up to a limit),
	// for cross-checks against spans and logs.
	Samples []Sample `json:"samples"`
}

// Summary are percentiles of a distribution, in milliseconds.
type Summary struct {
	Count int64   `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p99_9"`
	Max   float64 `json:"max"`
}

// Bucket is one bar of a histogram: values up to UpperMs.
type Bucket struct {
	UpperMs float64 `json:"upper_ms"`
	Count   int64   `json:"count"`
}

// Interval is one slice of the run's timeline.
type Interval struct {
	At          time.Time `json:"at"` // start of the interval
	Starts      int       `json:"starts"`
	Completions int       `json:"completions"`
	Failures    int       `json:"failures"`
	LatencyP50  float64   `json:"latency_p50_ms"` // of workflows ending in the interval
	LatencyP99  float64   `json:"latency_p99_ms"`
	LagP99      float64   `json:"schedule_lag_p99_ms"` // of arrivals starting in the interval
}

// ThresholdResult is one threshold's verdict.
type ThresholdResult struct {
	Expr   string  `json:"expr"` // as written, e.g. "p(99) < 60s"
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"` // ms, %, count
	Pass   bool    `json:"pass"`
	Source string  `json:"source"` // "profile", "slos.yaml" or "command line"
	// NoData: nothing to measure (a latency threshold when no workflow
	// completed); the threshold fails.
	NoData bool `json:"no_data,omitempty"`
	// NotMeasured: the target cannot count the metric (TargetStats.Unmeasured);
	// the threshold fails, so that a run never passes on what it did
	// not see. Remove it from the run to pass without it (SkipThresholds).
	NotMeasured bool `json:"not_measured,omitempty"`
}

// Sample is one workflow's measurement.
type Sample struct {
	Seq           int       `json:"seq"`
	CorrelationID string    `json:"correlation_id"`
	Intended      time.Time `json:"intended"`
	Started       time.Time `json:"started"`
	Ended         time.Time `json:"ended"`
	Status        string    `json:"status"`
	LatencyMs     float64   `json:"latency_ms"`
}

// Cost is the estimated AWS cost of the run, from what was measured and
// the price table (loadtest/prices.yaml).
type Cost struct {
	Region      string     `json:"region"`
	PricesAsOf  string     `json:"prices_as_of"`
	Lines       []CostLine `json:"lines"`
	TotalUSD    float64    `json:"total_usd"` // of the measured lines
	PerWorkflow float64    `json:"per_workflow_usd"`
	// Unknown are the items the target did not measure: the total is
	// then a lower bound, and the cost unknown.
	Unknown []string `json:"unknown,omitempty"`
	// Notes are the estimate's assumptions (free tiers ignored, how
	// metrics are pro-rated, unverified prices), for the report.
	Notes []string `json:"notes,omitempty"`
}

// CostLine is one priced quantity.
type CostLine struct {
	Item     string  `json:"item"` // e.g. "Lambda compute"
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"` // e.g. "GB-s"
	USD      float64 `json:"usd"`
	Rate     string  `json:"rate,omitempty"`    // the unit price, e.g. "$0.20 per 1M requests"
	Source   string  `json:"source,omitempty"`  // where the price was read
	Verified bool    `json:"verified"`          // the price was confirmed on AWS's own page
	Unknown  bool    `json:"unknown,omitempty"` // not measured: quantity and USD are 0, not known
}
