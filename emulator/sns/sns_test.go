package sns

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

type invocation struct {
	id, qualifier string
	input         []byte
}

// lambda records the invocations; fail makes them fail to queue.
type lambda struct {
	mu    sync.Mutex
	calls []invocation
	fail  error
}

func (l *lambda) InvokeAsyncAlias(id, qualifier string, input []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, invocation{id, qualifier, input})
	return l.fail
}

var _ Invoker = (*lambda)(nil)

func load(t *testing.T, params map[string]string) *topology.Topology {
	t.Helper()
	top, err := topology.LoadFile("../../template.yaml", topology.Options{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	return top
}

var at = time.Date(2026, 11, 20, 14, 40, 0, 0, time.UTC)

// A message to the page topic reaches its email subscriber as recorded
// and its function as the SNS event, through the function's alias.
func TestPublishDeliversToEverySubscription(t *testing.T) {
	top := load(t, map[string]string{"PageEmail": "page@example.com"})
	fn, dir := &lambda{}, t.TempDir()
	s, err := New(Config{Topology: top, Lambda: fn, Dir: dir, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	page := top.Topics["PageTopic"].ARN
	id, err := s.Publish(page, "ALARM: x", `{"AlarmName":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Deliveries()
	if len(got) != 2 {
		t.Fatalf("deliveries %+v", got)
	}
	human := slices.IndexFunc(got, Delivery.Human)
	if human < 0 || got[human] != (Delivery{MessageID: id, TopicARN: page, Subscription: "PageEmailSubscription", Protocol: "email",
		Endpoint: "page@example.com", Subject: "ALARM: x", Message: `{"AlarmName":"x"}`, Timestamp: at}) {
		t.Errorf("email delivery %+v", got)
	}
	if len(fn.calls) != 1 || fn.calls[0].id != "NotificationsFunction" || fn.calls[0].qualifier != "live" {
		t.Fatalf("invocations %+v", fn.calls)
	}
	var ev struct {
		Records []struct {
			EventSource string
			Sns         struct{ MessageId, TopicArn, Subject, Message, Type string }
		}
	}
	if err := json.Unmarshal(fn.calls[0].input, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("event %s: %v", fn.calls[0].input, err)
	}
	r := ev.Records[0]
	if r.EventSource != "aws:sns" || r.Sns.MessageId != id || r.Sns.TopicArn != page || r.Sns.Message != `{"AlarmName":"x"}` || r.Sns.Type != "Notification" {
		t.Errorf("record %+v", r)
	}
	read, err := ReadDeliveries(dir)
	if err != nil || !slices.Equal(read, got) {
		t.Errorf("read %+v, %v; want %+v", read, err, got)
	}
}

// Without its parameter the email subscription does not exist: the
// function is the page's only way to a human.
func TestPublishWithoutThePageEmailReachesOnlyTheFunction(t *testing.T) {
	top := load(t, nil)
	s, err := New(Config{Topology: top, Lambda: &lambda{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(top.Topics["PageTopic"].ARN, "s", "m"); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(s.Deliveries(), Delivery.Human) {
		t.Errorf("a human delivery without a subscription: %+v", s.Deliveries())
	}
}

func TestPublishErrors(t *testing.T) {
	top := load(t, map[string]string{"PageEmail": "page@example.com"})
	s, err := New(Config{Topology: top, Lambda: &lambda{fail: errors.New("gone")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish("arn:aws:sns:us-east-1:000000000000:nope", "s", "m"); !errors.Is(err, ErrUnknownTopic) {
		t.Errorf("unknown topic: %v", err)
	}
	// The function cannot be reached; the email still gets the message.
	if _, err := s.Publish(top.Topics["PageTopic"].ARN, "s", "m"); err == nil {
		t.Error("no error for a failed invocation")
	}
	var human, failed int
	for _, d := range s.Deliveries() {
		if d.Human() {
			human++
		}
		if d.Error != "" {
			failed++
		}
	}
	if human != 1 || failed != 1 {
		t.Errorf("deliveries %+v", s.Deliveries())
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a topology")
	}
	if d, err := ReadDeliveries(t.TempDir()); err != nil || d != nil {
		t.Errorf("no file: %v, %v", d, err)
	}
}

// An alarm's change publishes CloudWatch's notification to the topics of
// its actions for the new state, each to every subscription.
func TestAlarmChangedPublishesToItsActions(t *testing.T) {
	top := load(t, map[string]string{"PageEmail": "page@example.com", "TicketEmail": "ticket@example.com", "BurnRateAlerts": "on"})
	s, err := New(Config{Topology: top, Lambda: &lambda{}})
	if err != nil {
		t.Fatal(err)
	}
	a := top.Alarms["alchemiser-incident-ticket"]
	child := top.Alarms["alchemiser-handler-error"]
	ids, err := s.AlarmChanged(StateChange{Alarm: a.Name, Old: "OK", New: "ALARM", At: at, Triggering: []string{child.Name}})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, arn := range a.AlarmActions {
		want += len(top.TopicByARN(arn).Subscriptions)
	}
	if len(ids) != len(a.AlarmActions) || len(ids) == 0 || len(s.Deliveries()) != want {
		t.Fatalf("ids %v, deliveries %+v", ids, s.Deliveries())
	}
	var m struct {
		AlarmName, NewStateValue, OldStateValue, StateChangeTime, AlarmArn, Region, AlarmRule string
		TriggeringChildren                                                                    []struct {
			Arn   string
			State struct{ Value, Timestamp string }
		}
	}
	d := s.Deliveries()[0]
	if err := json.Unmarshal([]byte(d.Message), &m); err != nil {
		t.Fatal(err)
	}
	if m.AlarmName != a.Name || m.NewStateValue != "ALARM" || m.OldStateValue != "OK" || m.StateChangeTime != "2026-11-20T14:40:00.000+0000" ||
		m.AlarmArn != a.ARN || m.Region != "US East (N. Virginia)" || !strings.Contains(m.AlarmRule, child.Name) ||
		len(m.TriggeringChildren) != 1 || m.TriggeringChildren[0].Arn != child.ARN || m.TriggeringChildren[0].State.Value != "ALARM" {
		t.Errorf("message %s", d.Message)
	}
	if d.Subject != `ALARM: "alchemiser-incident-ticket" in US East (N. Virginia)` {
		t.Errorf("subject %q", d.Subject)
	}
	// A symptom alarm has no actions of its own: nothing is published.
	if ids, err := s.AlarmChanged(StateChange{Alarm: child.Name, Old: "OK", New: "ALARM", At: at}); err != nil || len(ids) != 0 {
		t.Errorf("symptom: %v, %v", ids, err)
	}
	// A triggering child the template does not have is an error.
	if _, err := s.AlarmChanged(StateChange{Alarm: a.Name, Old: "OK", New: "ALARM", At: at, Triggering: []string{"alchemiser-nope"}}); !errors.Is(err, ErrUnknownAlarm) {
		t.Errorf("unknown child: %v", err)
	}
	// A burn-rate child has no actions: nothing is published.
	if ids, err := s.AlarmChanged(StateChange{Alarm: "alchemiser-slo-workflow-success-page-1h", Old: "OK", New: "ALARM", At: at}); err != nil || len(ids) != 0 {
		t.Errorf("child: %v, %v", ids, err)
	}
	if _, err := s.AlarmChanged(StateChange{Alarm: "nope", New: "ALARM"}); !errors.Is(err, ErrUnknownAlarm) {
		t.Errorf("unknown alarm: %v", err)
	}
}

// Metric-math and composite alarms carry their own shapes: Trigger.Metrics
// and AlarmRule.
func TestNotificationShapes(t *testing.T) {
	top := load(t, map[string]string{"BurnRateAlerts": "on"})
	_, msg, err := Notification(top, top.Alarms["alchemiser-slo-workflow-success-page-1h"], StateChange{Old: "OK", New: "ALARM", At: at})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Trigger struct {
			Metrics []struct {
				Id, Expression string
				MetricStat     *struct{ Metric struct{ MetricName string } }
			}
		}
		AlarmRule string
	}
	if err := json.Unmarshal([]byte(msg), &m); err != nil || len(m.Trigger.Metrics) == 0 || m.Trigger.Metrics[0].MetricStat == nil {
		t.Errorf("metric math %s: %v", msg, err)
	}
	_, msg, err = Notification(top, top.Alarms["alchemiser-slo-workflow-success-page"], StateChange{Old: "OK", New: "ALARM", At: at})
	if err != nil || json.Unmarshal([]byte(msg), &m) != nil || m.AlarmRule == "" {
		t.Errorf("composite %s: %v", msg, err)
	}
}
