package cwalarm

import (
	"fmt"
	"math"
)

// State is an alarm state.
type State string

// Alarm states.
const (
	OK               State = "OK"
	Alarm            State = "ALARM"
	InsufficientData State = "INSUFFICIENT_DATA"
)

// MetricAlarm holds the fields of a PutMetricAlarm request the
// evaluation uses.
type MetricAlarm struct {
	AlarmName          string
	Period             int // seconds, for a single-metric alarm
	EvaluationPeriods  int
	DatapointsToAlarm  int // 0: EvaluationPeriods
	Threshold          float64
	ComparisonOperator string
	TreatMissingData   string // missing (default), ignore, breaching, notBreaching
	Metrics            []MetricQuery
	// Single-metric form.
	Namespace, MetricName, Statistic string
}

// MetricQuery is one entry of a metric-math alarm's Metrics.
type MetricQuery struct {
	Id         string
	Expression string      `json:",omitempty"`
	MetricStat *MetricStat `json:",omitempty"`
	ReturnData *bool       `json:",omitempty"`
	Period     int         `json:",omitempty"`
}

// MetricStat is a MetricQuery's metric.
type MetricStat struct {
	Metric struct {
		Namespace, MetricName string
		// Dimensions select one dimension set's series: CloudWatch
		// matches the set exactly (a metric published with [service,
		// function] is not read by a query naming [service]).
		Dimensions []Dimension `json:",omitempty"`
	}
	Period int
	Stat   string
}

// Validate checks the fields as PutMetricAlarm would.
func (a *MetricAlarm) Validate() error {
	switch {
	case a.EvaluationPeriods < 1:
		return fmt.Errorf("alarm %s: EvaluationPeriods must be at least 1", a.AlarmName)
	case a.DatapointsToAlarm < 0 || a.DatapointsToAlarm > a.EvaluationPeriods:
		return fmt.Errorf("alarm %s: DatapointsToAlarm must be between 1 and EvaluationPeriods", a.AlarmName)
	case a.period() <= 0:
		return fmt.Errorf("alarm %s: no Period (give Period, or a MetricStat with one)", a.AlarmName)
	case a.period() != 10 && a.period() != 20 && a.period() != 30 && a.period()%60 != 0:
		return fmt.Errorf("alarm %s: Period %d s is not 10, 20, 30 or a multiple of 60", a.AlarmName, a.period())
	// "An alarm's total current evaluation period can be no longer than
	// seven days ... For alarms with a period of less than one hour, the
	// total evaluation period can't be longer than one day." (PutMetricAlarm)
	case a.period()*a.EvaluationPeriods > 7*86400:
		return fmt.Errorf("alarm %s: Period × EvaluationPeriods is %d s; CloudWatch allows seven days", a.AlarmName, a.period()*a.EvaluationPeriods)
	case a.period() < 3600 && a.period()*a.EvaluationPeriods > 86400:
		return fmt.Errorf("alarm %s: Period × EvaluationPeriods is %d s; with a period under an hour CloudWatch allows one day", a.AlarmName, a.period()*a.EvaluationPeriods)
	}
	if _, ok := comparisons[a.ComparisonOperator]; !ok {
		return fmt.Errorf("alarm %s: unknown ComparisonOperator %q", a.AlarmName, a.ComparisonOperator)
	}
	switch a.TreatMissingData {
	case "", "missing", "ignore", "breaching", "notBreaching":
	default:
		return fmt.Errorf("alarm %s: TreatMissingData %q (missing, ignore, breaching, notBreaching)", a.AlarmName, a.TreatMissingData)
	}
	if len(a.Metrics) == 0 && !evaluatedStat(a.Statistic) {
		return fmt.Errorf("alarm %s: Statistic %q is not one the evaluator computes (%s)", a.AlarmName, a.Statistic, evaluatedStats)
	}
	for _, m := range a.Metrics {
		if m.MetricStat != nil && !evaluatedStat(m.MetricStat.Stat) {
			return fmt.Errorf("alarm %s: metric %s: Stat %q is not one the evaluator computes (%s)", a.AlarmName, m.Id, m.MetricStat.Stat, evaluatedStats)
		}
	}
	// A metric-math alarm evaluates one period: every metric it
	// retrieves must use the alarm's period (the console offers one
	// period for the whole alarm:
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html).
	for _, m := range a.Metrics {
		if m.MetricStat != nil && m.MetricStat.Period != a.period() {
			return fmt.Errorf("alarm %s: metric %s has Period %d s, the alarm's others %d s; a metric-math alarm has one period",
				a.AlarmName, m.Id, m.MetricStat.Period, a.period())
		}
	}
	if len(a.Metrics) > 0 {
		_, err := a.Plan()
		return err
	}
	return nil
}

const evaluatedStats = "Sum, Average, Minimum, Maximum, SampleCount, or TC(lo:hi) with absolute bounds"

// evaluatedStat reports whether aggregate computes stat; anything else
// would be summed without a word.
func evaluatedStat(stat string) bool {
	switch stat {
	case "Sum", "Average", "Minimum", "Maximum", "SampleCount":
		return true
	}
	_, _, ok := trimmedRange(stat)
	return ok
}

func (a *MetricAlarm) period() int {
	if a.Period > 0 {
		return a.Period
	}
	for _, m := range a.Metrics {
		if m.MetricStat != nil && m.MetricStat.Period > 0 {
			return m.MetricStat.Period
		}
		if m.Period > 0 {
			return m.Period
		}
	}
	return 0
}

func (a *MetricAlarm) m() int {
	if a.DatapointsToAlarm == 0 {
		return a.EvaluationPeriods
	}
	return a.DatapointsToAlarm
}

var comparisons = map[string]func(v, t float64) bool{
	"GreaterThanThreshold":          func(v, t float64) bool { return v > t },
	"GreaterThanOrEqualToThreshold": func(v, t float64) bool { return v >= t },
	"LessThanThreshold":             func(v, t float64) bool { return v < t },
	"LessThanOrEqualToThreshold":    func(v, t float64) bool { return v <= t },
}

// rangeLength is how many periods an evaluation retrieves (rule 1).
func (a *MetricAlarm) rangeLength() int {
	return a.EvaluationPeriods + max(2, a.EvaluationPeriods/3)
}

// decide applies rules 2-6 to the evaluation range's points, oldest
// first (NaN is a missing point), given the current state.
func (a *MetricAlarm) decide(points []float64, current State) State {
	breach := comparisons[a.ComparisonOperator]
	n, m := a.EvaluationPeriods, a.m()
	var real []float64
	for _, p := range points {
		if !math.IsNaN(p) {
			real = append(real, p)
		}
	}
	tmd := a.TreatMissingData
	if tmd == "" {
		tmd = "missing"
	}
	if len(real) == 0 { // rule 4
		switch tmd {
		case "breaching":
			return Alarm
		case "notBreaching":
			return OK
		case "ignore":
			return current
		}
		return InsufficientData
	}
	if len(real) >= n { // rule 2
		count := 0
		for _, v := range real[len(real)-n:] {
			if breach(v, a.Threshold) {
				count++
			}
		}
		return verdict(count >= m)
	}
	// rule 5: premature alarm
	if (tmd == "missing" || tmd == "ignore") && a.premature(points[max(0, len(points)-n):], breach) {
		return Alarm
	}
	// rule 3
	count := 0
	for _, v := range real {
		if breach(v, a.Threshold) {
			count++
		}
	}
	fill := n - len(real)
	switch tmd {
	case "breaching":
		count += fill
	case "notBreaching":
	case "ignore":
		if count < m {
			return current
		}
	case "missing":
		if count < m {
			return OK
		}
	}
	return verdict(count >= m)
}

// premature: the oldest breaching point of the last N periods is at least
// M periods old, and every more recent point breaches or is missing.
func (a *MetricAlarm) premature(last []float64, breach func(v, t float64) bool) bool {
	m := a.m()
	oldest := -1
	for i, v := range last {
		if !math.IsNaN(v) && breach(v, a.Threshold) {
			oldest = i
			break
		}
	}
	if oldest < 0 || len(last)-oldest < m {
		return false
	}
	for _, v := range last[oldest:] {
		if !math.IsNaN(v) && !breach(v, a.Threshold) {
			return false
		}
	}
	return true
}

// Breaches says whether value v is beyond the alarm's threshold, by its
// ComparisonOperator (false for an unknown operator).
func (a *MetricAlarm) Breaches(v float64) bool {
	c, ok := comparisons[a.ComparisonOperator]
	return ok && c(v, a.Threshold)
}

func verdict(alarm bool) State {
	if alarm {
		return Alarm
	}
	return OK
}
