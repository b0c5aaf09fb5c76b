package notify

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A composite burn-rate alarm's notification, in the shape CloudWatch
// publishes to SNS.
const compositeAlarm = `{"AlarmName":"alchemiser-slo-workflow-success-page","AlarmDescription":"SLO workflow-success (99% over 30d): multiwindow burn-rate page: error budget burning over 14.4x across 1h and 5m. Runbook: https://example.com/runbooks/slo-workflow-success.md Query: workflow-failed",
"AWSAccountId":"123456789012","NewStateValue":"ALARM","NewStateReason":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-slo-workflow-success-page-1h transitioned to ALARM",
"StateChangeTime":"2026-11-20T14:40:00.000+0000","Region":"US East (N. Virginia)","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-slo-workflow-success-page",
"OldStateValue":"OK","AlarmRule":"(ALARM(\"a\") AND ALARM(\"b\"))",
"TriggeringChildren":[{"Arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-slo-workflow-success-page-1h","State":{"Value":"ALARM","Timestamp":"2026-11-20T14:40:00.000+0000"}}]}`

const metricAlarm = `{"AlarmName":"alchemiser-events-dlq-not-empty","AlarmDescription":"Incident event-dead-lettered: events a rule target could not take are in the events DLQ. Runbook: https://example.com/runbooks/event-dead-lettered.md Query: event-dead-lettered",
"AWSAccountId":"123456789012","NewStateValue":"ALARM","NewStateReason":"Threshold Crossed: 1 datapoint [2.0 (20/11/26 14:35:00)] was greater than the threshold (0.0).",
"StateChangeTime":"2026-11-20T14:40:00.000+0000","Region":"EU (Ireland)","AlarmArn":"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:alchemiser-events-dlq-not-empty","OldStateValue":"OK",
"Trigger":{"MetricName":"ApproximateNumberOfMessagesVisible","Namespace":"AWS/SQS","StatisticType":"Statistic","Statistic":"MAXIMUM","Unit":null,"Dimensions":[{"value":"alchemiser-events-dlq","name":"QueueName"}],"Period":300,"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanThreshold","Threshold":0.0,"TreatMissingData":"notBreaching"}}`

func TestAlarmNotifications(t *testing.T) {
	a, err := ParseAlarm(compositeAlarm)
	if err != nil {
		t.Fatal(err)
	}
	m := AlarmMessage(a, AlarmLinks{Dashboard: "Alchemiser-alchemiser"})
	for _, want := range []string{
		"alchemiser-slo-workflow-success-page is ALARM (was OK)",
		"What: SLO workflow-success (99% over 30d): multiwindow burn-rate page: error budget burning over 14.4x across 1h and 5m.",
		"burning faster than 14.4x; at that rate the 30-day period's budget lasts under 2.1 days",
		"Triggered by: alchemiser-slo-workflow-success-page-1h (ALARM)",
		"Runbook: https://example.com/runbooks/slo-workflow-success.md",
		"Alarm: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/alchemiser-slo-workflow-success-page\n",
		"Dashboard: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/Alchemiser-alchemiser" +
			"?start=2026-11-20T13:40:00.000Z&end=2026-11-20T14:55:00.000Z\n",
		"Saved query: workflow-failed, from 2026-11-20T13:40:00Z to 2026-11-20T14:40:00Z",
		"alchemiser query workflow-failed --since 2026-11-20T13:40:00Z --until 2026-11-20T14:40:00Z",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("missing %q in:\n%s", want, m.Text)
		}
	}
	if m.Subject != "ALARM: alchemiser-slo-workflow-success-page" {
		t.Errorf("subject %q", m.Subject)
	}
	again, _ := ParseAlarm(compositeAlarm)
	if AlarmMessage(again, AlarmLinks{}).Key != m.Key {
		t.Error("a repeat of the same state change has another key")
	}
	d, err := ParseAlarm(metricAlarm)
	if err != nil {
		t.Fatal(err)
	}
	dm := AlarmMessage(d, AlarmLinks{})
	if !strings.Contains(dm.Text, "region=eu-west-1") || !strings.Contains(dm.Text, "Reason: Threshold Crossed") || strings.Contains(dm.Text, "Error budget") {
		t.Errorf("metric alarm notification:\n%s", dm.Text)
	}
	if _, err := ParseAlarm(`{"detail-type":"x"}`); err == nil {
		t.Error("a non-alarm message parsed")
	}
}

// Every documented shape of CloudWatch's SNS alarm message (metric,
// metric math, anomaly detection, composite with children as objects and
// as ARNs) renders to its golden text, links included.
func TestAlarmShapesGolden(t *testing.T) {
	query := func(name string) (string, []string, bool) {
		return "fields @timestamp, @message | filter incident = '" + name + "'", []string{"/aws/lambda/alchemiser-notifications"}, true
	}
	for _, shape := range []string{"alarm-metric", "alarm-metric-math", "alarm-anomaly", "alarm-composite", "alarm-composite-arns"} {
		t.Run(shape, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", shape+".json"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseAlarm(string(b))
			if err != nil {
				t.Fatal(err)
			}
			m := AlarmMessage(a, AlarmLinks{Dashboard: "Alchemiser-alchemiser", Query: query})
			golden(t, shape+".txt.golden", "Subject: "+m.Subject+"\n\n"+m.Text)
		})
	}
}

// An alarm about every SLO (the budget-exhausted ticket) lists each
// SLO's budget, computed from the period's events; an SLO alarm lists
// its own.
func TestAlarmBudgetsGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "alarm-budget.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAlarm(string(b))
	if err != nil {
		t.Fatal(err)
	}
	budgets := testBudgets()
	m := AlarmMessage(a, AlarmLinks{Budgets: budgets})
	golden(t, "alarm-budget.txt.golden", "Subject: "+m.Subject+"\n\n"+m.Text)
	c, err := ParseAlarm(compositeAlarm)
	if err != nil {
		t.Fatal(err)
	}
	text := AlarmMessage(c, AlarmLinks{Budgets: budgets}).Text
	if !strings.Contains(text, "Budget: workflow-success (99% over 30 days)") || strings.Contains(text, "order-success") {
		t.Errorf("the workflow-success page lists other budgets than its own:\n%s", text)
	}
}

func testBudgets() []Budget {
	month := 30 * 24 * time.Hour
	return []Budget{
		{SLO: "workflow-success", Objective: 99, Period: month, Good: 20, Total: 21},
		{SLO: "workflow-latency", Objective: 99, Period: month, Good: 20, Total: 20},
		{SLO: "order-success", Objective: 99, Period: 28 * 24 * time.Hour, Good: 300, Total: 302},
		{SLO: "event-delivery", Objective: 99.9, Period: month, Good: 0, Total: 0},
	}
}

func TestBudgetArithmetic(t *testing.T) {
	month := 30 * 24 * time.Hour
	for _, c := range []struct {
		b         Budget
		remaining float64
		allowed   int
	}{
		{Budget{Objective: 99, Period: month, Good: 21, Total: 21}, 1, 0},          // 0.21 failures' worth: the next spends it
		{Budget{Objective: 99, Period: month, Good: 20, Total: 21}, 1 - 1/0.21, 0}, // one failure of 21: 476% spent
		{Budget{Objective: 99, Period: month, Good: 1050, Total: 1050}, 1, 10},     // 50 times the traffic: 10.5 failures' worth
		{Budget{Objective: 99, Period: month, Good: 1045, Total: 1050}, 1 - 5/10.5, 5},
		{Budget{Objective: 99.9, Period: month}, 1, 0}, // no event yet
	} {
		if got := c.b.Remaining(); math.Abs(got-c.remaining) > 1e-9 {
			t.Errorf("%+v: remaining %v, want %v", c.b, got, c.remaining)
		}
		if got := c.b.FailuresAllowed(); got != c.allowed {
			t.Errorf("%+v: %d failures allowed, want %d", c.b, got, c.allowed)
		}
	}
}

// An incident alarm's notification opens its triggering child's answer:
// the child's runbook and saved query, from the child's description.
func TestIncidentAlarmLinksItsTriggeringChild(t *testing.T) {
	msg := `{"AlarmName":"alchemiser-incident-page","AlarmDescription":"Incident alarm (page): in ALARM while any page alarm is. Runbook: https://rb.example/README.md",
"NewStateValue":"ALARM","OldStateValue":"OK","StateChangeTime":"2026-03-02T14:41:00.000+0000","Region":"US East (N. Virginia)",
"AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-incident-page","AlarmRule":"ALARM(\"alchemiser-workflow-stuck\")",
"TriggeringChildren":[{"Arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:alchemiser-workflow-stuck","State":{"Value":"ALARM","Timestamp":"2026-03-02T14:41:00.000+0000"}}]}`
	a, err := ParseAlarm(msg)
	if err != nil {
		t.Fatal(err)
	}
	describe := func(name string) (string, bool) {
		if name != "alchemiser-workflow-stuck" {
			return "", false
		}
		return "Incident workflow-stuck (page): a workflow started and did not end. Runbook: https://rb.example/workflow-stuck.md Query: workflow-stuck", true
	}
	with := AlarmMessage(a, AlarmLinks{Describe: describe}).Text
	for _, want := range []string{"Runbook: https://rb.example/workflow-stuck.md", "Saved query: workflow-stuck", "Triggered by: alchemiser-workflow-stuck (ALARM)", "alchemiser-incident-page is ALARM"} {
		if !strings.Contains(with, want) {
			t.Errorf("message lacks %q:\n%s", want, with)
		}
	}
	without := AlarmMessage(a, AlarmLinks{}).Text
	if !strings.Contains(without, "Runbook: https://rb.example/README.md") || strings.Contains(without, "Saved query") {
		t.Errorf("without Describe the message links the incident alarm's own runbook:\n%s", without)
	}
}
