package notify

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/internal/console"
)

// Alarm is a CloudWatch alarm state change as CloudWatch publishes it to
// SNS: a metric alarm (Trigger with MetricName), a metric-math or
// anomaly-detection alarm (Trigger with Metrics, and ThresholdMetricId for
// the band), or a composite alarm (AlarmRule, TriggeringChildren given as
// objects or, as AWS's schema shows, as a list of ARNs).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-sns-notification-format.html
type Alarm struct {
	AlarmName          string
	AlarmDescription   string
	AWSAccountId       string
	NewStateValue      string
	OldStateValue      string
	NewStateReason     string
	StateChangeTime    string
	Region             string
	AlarmArn           string
	AlarmRule          string
	TriggeringChildren []Child
	Trigger            *struct {
		MetricName, Namespace string
		Period                int
		Threshold             *float64
		ThresholdMetricId     string
		Metrics               []struct {
			Id, Expression, Label string
			MetricStat            *struct {
				Metric struct{ MetricName, Namespace string }
			}
		}
	}
}

// Child is one triggering child of a composite alarm.
type Child struct {
	Arn   string
	State struct{ Value, Timestamp string }
}

// UnmarshalJSON takes a child as an object ({"Arn": ..., "State": ...})
// or as its ARN alone.
func (c *Child) UnmarshalJSON(b []byte) error {
	var arn string
	if json.Unmarshal(b, &arn) == nil {
		*c = Child{Arn: arn}
		return nil
	}
	type plain Child
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("TriggeringChildren: neither an ARN nor an object: %w", err)
	}
	*c = Child(p)
	return nil
}

// ParseAlarm reads the Message of an SNS notification from CloudWatch.
func ParseAlarm(message string) (*Alarm, error) {
	var a Alarm
	if err := json.Unmarshal([]byte(message), &a); err != nil {
		return nil, fmt.Errorf("not a CloudWatch alarm message: %w", err)
	}
	if a.AlarmName == "" || a.NewStateValue == "" {
		return nil, fmt.Errorf("not a CloudWatch alarm message: no AlarmName or NewStateValue")
	}
	return &a, nil
}

// AlarmLinks configure the links an alarm notification carries.
type AlarmLinks struct {
	Dashboard string        // CloudWatch dashboard name
	Window    time.Duration // the query's time range before the change; 1 h when zero
	// Query resolves a saved query's name to its deployed text and log
	// group names, for the Logs Insights link; without it (or when it
	// does not know the name) the link opens Logs Insights empty.
	Query func(name string) (text string, groups []string, ok bool)
	// Describe gives the description of an alarm by name: a composite's
	// notification (an incident alarm's) is enriched from its first
	// triggering child's description (its runbook, saved query and SLO)
	// when Describe knows it.
	Describe func(alarmName string) (description string, ok bool)
	// Budgets are the SLOs' error budgets when the alarm changed state,
	// for an SLO alarm's notification (AlarmSLO says which); none when
	// the deployment reads none.
	Budgets []Budget
}

// newYork is the exchange's time zone, the second clock of every time a
// notification prints.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(fmt.Sprintf("time zone America/New_York: %v (import time/tzdata)", err))
	}
	return loc
}()

// Times prints t in UTC and in New York.
func Times(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05 UTC") + " (" + t.In(newYork).Format("15:04:05 MST") + " New York)"
}

// stateTime reads an alarm's StateChangeTime ("2006-01-02T15:04:05.000+0000"
// as CloudWatch writes it, or RFC 3339).
func stateTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var (
	runbookRe = regexp.MustCompile(`Runbook: (\S+)`)
	queryRe   = regexp.MustCompile(`Query: (\S+)`)
	burnRe    = regexp.MustCompile(`over ([0-9.]+)x`)
	// sloRe reads the generated descriptions' "SLO <name> (<objective>%
	// over <n>d)", or "SLOs:" for the alarms about every SLO.
	sloRe = regexp.MustCompile(`^SLO (\S+) \(([0-9.]+)% over (\d+)d\)|^SLOs:`)
)

// AlarmSLO says which SLO an alarm is about, from its description: its
// name and period, or "" and true for an alarm about every SLO (a
// budget spent, data missing); ok is false for other alarms.
func AlarmSLO(a *Alarm) (name string, period time.Duration, ok bool) {
	m := sloRe.FindStringSubmatch(a.AlarmDescription)
	if m == nil {
		return "", 0, false
	}
	n, _ := strconv.Atoi(m[3])
	return m[1], time.Duration(n) * 24 * time.Hour, true
}

// AlarmMessage turns an alarm state change into a notification: what is
// burning, how fast the error budget goes at that rate, the runbook, and
// console links to the dashboard and to the saved query's time range.
// Its key collapses repeats of one state change (SNS delivers at least
// once; a composite may publish one change per triggering child).
func AlarmMessage(alarm *Alarm, links AlarmLinks) Message {
	a := alarm
	if child, ok := describedChild(alarm, links.Describe); ok {
		view := *alarm
		view.AlarmDescription = child
		a = &view
	}
	region := regionOf(a)
	what, _, _ := strings.Cut(a.AlarmDescription, " Runbook:")
	var b strings.Builder
	end, known := stateTime(a.StateChangeTime)
	since := a.StateChangeTime
	if known {
		since = Times(end)
	}
	fmt.Fprintf(&b, "%s is %s (was %s) since %s.\n\n", a.AlarmName, a.NewStateValue, a.OldStateValue, since)
	fmt.Fprintf(&b, "What: %s\n", strings.TrimSpace(what))
	slo, period, _ := AlarmSLO(a)
	if burn := burnOf(a); burn > 0 && period > 0 && a.NewStateValue == "ALARM" {
		fmt.Fprintf(&b, "Error budget: burning faster than %gx; at that rate the %d-day period's budget lasts under %.1f days.\n",
			burn, int(period.Hours()/24), period.Hours()/24/burn)
	}
	for _, bu := range links.Budgets {
		if slo == "" || bu.SLO == slo {
			fmt.Fprintf(&b, "Budget: %s\n", bu.Line())
		}
	}
	if a.NewStateReason != "" {
		fmt.Fprintf(&b, "Reason: %s\n", a.NewStateReason)
	}
	for _, c := range a.TriggeringChildren {
		if c.State.Value == "" {
			fmt.Fprintf(&b, "Triggered by: %s\n", nameOfARN(c.Arn))
			continue
		}
		fmt.Fprintf(&b, "Triggered by: %s (%s)\n", nameOfARN(c.Arn), c.State.Value)
	}
	if m := metricOf(a); m != "" {
		fmt.Fprintf(&b, "Metric: %s\n", m)
	}
	if m := runbookRe.FindStringSubmatch(a.AlarmDescription); m != nil {
		fmt.Fprintf(&b, "\nRunbook: %s\n", m[1])
	}
	window := links.Window
	if window <= 0 {
		window = time.Hour
	}
	if !known {
		end = time.Now()
	}
	start := end.Add(-window)
	fmt.Fprintf(&b, "Alarm: %s\n", console.Alarm(region, a.AlarmName))
	if links.Dashboard != "" {
		// The dashboard over the query's window and a quarter of an hour
		// after the change, so that what followed is on the page too.
		fmt.Fprintf(&b, "Dashboard: %s\n", console.Dashboard(region, links.Dashboard, start, end.Add(15*time.Minute)))
	}
	if m := queryRe.FindStringSubmatch(a.AlarmDescription); m != nil {
		var text string
		var groups []string
		if links.Query != nil {
			text, groups, _ = links.Query(m[1])
		}
		fmt.Fprintf(&b, "Saved query: %s, from %s to %s: %s\n", m[1],
			start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339),
			console.LogsInsights(region, text, groups, console.Range{Start: start, End: end}))
		fmt.Fprintf(&b, "Locally or on exported logs: alchemiser query %s --since %s --until %s --logs <logs>\n", m[1],
			start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	}
	return Message{
		Key:     strings.Join([]string{a.AlarmName, a.NewStateValue, a.StateChangeTime}, "#"),
		Subject: Subject(fmt.Sprintf("%s: %s", a.NewStateValue, a.AlarmName)),
		Text:    b.String(),
		HTML:    "<pre>" + htmlEscape(b.String()) + "</pre>",
	}
}

// describedChild is the description of a composite's first triggering
// child that describe knows.
func describedChild(a *Alarm, describe func(string) (string, bool)) (string, bool) {
	if describe == nil {
		return "", false
	}
	for _, c := range a.TriggeringChildren {
		if d, ok := describe(nameOfARN(c.Arn)); ok {
			return d, true
		}
	}
	return "", false
}

// burnOf is the burn rate an SLO alarm's description names ("over
// 14.4x"); 0 for other alarms.
func burnOf(a *Alarm) float64 {
	if m := burnRe.FindStringSubmatch(a.AlarmDescription); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		return f
	}
	return 0
}

// metricOf names what a metric alarm watches: the metric, the math
// expression returned, or the anomaly detection band.
func metricOf(a *Alarm) string {
	t := a.Trigger
	if t == nil {
		return ""
	}
	if t.MetricName != "" {
		return t.Namespace + " " + t.MetricName
	}
	var parts []string
	for _, m := range t.Metrics {
		switch {
		case m.Id == t.ThresholdMetricId && t.ThresholdMetricId != "":
			parts = append(parts, "band "+m.Expression)
		case m.Expression != "":
			parts = append(parts, m.Id+" = "+m.Expression)
		case m.MetricStat != nil:
			parts = append(parts, m.Id+" = "+m.MetricStat.Metric.Namespace+" "+m.MetricStat.Metric.MetricName)
		}
	}
	return strings.Join(parts, "; ")
}

func regionOf(a *Alarm) string {
	if parts := strings.Split(a.AlarmArn, ":"); len(parts) > 3 && parts[3] != "" {
		return parts[3]
	}
	return "us-east-1"
}

func nameOfARN(arn string) string {
	if i := strings.LastIndex(arn, ":alarm:"); i >= 0 {
		return arn[i+len(":alarm:"):]
	}
	return arn
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
