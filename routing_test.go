package alchemiser

import (
	"slices"
	"testing"

	"github.com/alchemiser/alchemiser/topology"
)

// A page reaches the humans without the notifications function: every
// page and ticket endpoint a parameter names subscribes to its topic
// directly, and the function is one more subscriber of both topics, whose
// enriched message goes to the notification topic.
func TestAlarmRoutingReachesHumansWithoutTheNotificationsFunction(t *testing.T) {
	params := map[string]string{"PageEmail": "oncall@example.com", "PageSms": "+12125550100",
		"PageHttpsEndpoint": "https://events.example.com/sns", "TicketEmail": "ops@example.com", "AlertEmail": "owner@example.com"}
	top, err := topology.Load("template.yaml", Template, topology.Options{Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	arn := func(id string) string {
		v, err := top.Resolve("{Ref: " + id + "}")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	page, ticket, notification := arn("PageTopic"), arn("TicketTopic"), arn("NotificationTopic")
	type sub struct{ topic, protocol, endpoint string }
	var subs []sub
	for _, r := range top.Resources {
		if r.Type == "AWS::SNS::Subscription" {
			p := r.Properties
			subs = append(subs, sub{p["TopicArn"].(string), p["Protocol"].(string), p["Endpoint"].(string)})
		}
	}
	for _, want := range []sub{{page, "email", "oncall@example.com"}, {page, "sms", "+12125550100"},
		{page, "https", "https://events.example.com/sns"}, {ticket, "email", "ops@example.com"},
		{notification, "email", "owner@example.com"}} {
		if !slices.Contains(subs, want) {
			t.Errorf("no subscription %+v in %+v", want, subs)
		}
	}
	fn := top.Resources["NotificationsFunction"].Properties
	var topics []string
	for _, ev := range fn["Events"].(map[string]any) {
		e := ev.(map[string]any)
		if e["Type"] == "SNS" {
			topics = append(topics, e["Properties"].(map[string]any)["Topic"].(string))
		}
	}
	if !slices.Contains(topics, page) || !slices.Contains(topics, ticket) {
		t.Errorf("the notifications function subscribes to %v; want the page and ticket topics", topics)
	}
	none, err := topology.Load("template.yaml", Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, r := range none.Resources {
		if r.Type == "AWS::SNS::Subscription" {
			t.Errorf("%s is created without its parameter", id)
		}
	}
}
