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
// SNS (metric and composite alarms).
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
	TriggeringChildren []struct {
		Arn   string
		State struct{ Value, Timestamp string }
	}
	Trigger *struct {
		MetricName, Namespace string
		Period                int
		Threshold             float64
	}
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
}

var (
	runbookRe = regexp.MustCompile(`Runbook: (\S+)`)
	queryRe   = regexp.MustCompile(`Query: (\S+)`)
	tierRe    = regexp.MustCompile(`-(page|ticket)-(\d)-`)
	burnRe    = regexp.MustCompile(`over ([0-9.]+)x`)
)

// sloTiers are the burn rates of the generated tiers for 30 days (see
// alarms.Tiers): page-1 14.4, page-2 6, ticket-1 3, ticket-2 1.
var sloTiers = map[string]float64{"page-1": 14.4, "page-2": 6, "ticket-1": 3, "ticket-2": 1}

// AlarmMessage turns an alarm state change into a notification: what is
// burning, how fast the error budget goes at that rate, the runbook, and
// console links to the dashboard and to the saved query's time range.
// Its key collapses repeats of one state change (SNS delivers at least
// once; a composite may publish one change per triggering child).
func AlarmMessage(a *Alarm, links AlarmLinks) Message {
	region := regionOf(a)
	what, _, _ := strings.Cut(a.AlarmDescription, " Runbook:")
	var b strings.Builder
	fmt.Fprintf(&b, "%s is %s (was %s) since %s.\n\n", a.AlarmName, a.NewStateValue, a.OldStateValue, a.StateChangeTime)
	fmt.Fprintf(&b, "What: %s\n", strings.TrimSpace(what))
	if burn := burnOf(a); burn > 0 && a.NewStateValue == "ALARM" {
		fmt.Fprintf(&b, "Error budget: burning faster than %gx; at that rate a 30-day budget lasts under %.1f days.\n", burn, 30/burn)
	}
	if a.NewStateReason != "" {
		fmt.Fprintf(&b, "Reason: %s\n", a.NewStateReason)
	}
	for _, c := range a.TriggeringChildren {
		fmt.Fprintf(&b, "Triggered by: %s (%s)\n", nameOfARN(c.Arn), c.State.Value)
	}
	if m := runbookRe.FindStringSubmatch(a.AlarmDescription); m != nil {
		fmt.Fprintf(&b, "\nRunbook: %s\n", m[1])
	}
	window := links.Window
	if window <= 0 {
		window = time.Hour
	}
	end, err := time.Parse("2006-01-02T15:04:05.000-0700", a.StateChangeTime)
	if err != nil {
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
		fmt.Fprintf(&b, "Saved query: %s, from %s to %s: %s#logsV2:logs-insights\n", m[1],
			start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), console.Home(region))
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

func burnOf(a *Alarm) float64 {
	if m := burnRe.FindStringSubmatch(a.AlarmDescription); m != nil {
		f, _ := strconv.ParseFloat(m[1], 64)
		return f
	}
	best := 0.0
	for _, c := range a.TriggeringChildren {
		if m := tierRe.FindStringSubmatch(nameOfARN(c.Arn)); m != nil {
			best = max(best, sloTiers[m[1]+"-"+m[2]])
		}
	}
	return best
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
