package topology

import (
	"slices"
	"testing"
)

// The template's topics carry the subscriptions its parameters enable,
// and the notifications function's SNS events as lambda subscriptions of
// its alias.
func TestTopicsHaveTheTemplatesSubscriptions(t *testing.T) {
	top, err := LoadFile(templatePath, Options{Parameters: map[string]string{"PageEmail": "page@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	page := top.Topics["PageTopic"]
	if page == nil || page.ARN != "arn:aws:sns:us-east-1:000000000000:alchemiser-page" {
		t.Fatalf("page topic %+v", page)
	}
	want := []Subscription{
		{LogicalID: "PageEmailSubscription", Protocol: "email", Endpoint: "page@example.com"},
		{LogicalID: "NotificationsFunction.Pages", Protocol: "lambda", Endpoint: "arn:aws:lambda:us-east-1:000000000000:function:alchemiser-notifications:live",
			Function: "NotificationsFunction", Qualifier: "live"},
	}
	if !slices.Equal(page.Subscriptions, want) {
		t.Errorf("page subscriptions %+v, want %+v", page.Subscriptions, want)
	}
	if top.TopicByARN(page.ARN) != page {
		t.Error("TopicByARN does not find the page topic")
	}
	// Without its parameter, the Condition leaves the subscription out.
	none := loadTemplate(t)
	for _, s := range none.Topics["PageTopic"].Subscriptions {
		if s.Protocol != "lambda" {
			t.Errorf("subscription %+v without its parameter", s)
		}
	}
}

// Every alarm of the template is known by name with the actions it runs
// on each state.
func TestAlarmsHaveTheirActions(t *testing.T) {
	top := loadTemplate(t)
	if child := top.Alarms["alchemiser-handler-error"]; child == nil || child.Composite || len(child.Actions("ALARM")) != 0 {
		t.Fatalf("handler-error %+v: want a metric alarm without actions (the incident alarms act)", child)
	}
	a := top.Alarms["alchemiser-incident-ticket"]
	if a == nil || !a.Composite || len(a.Actions("ALARM")) == 0 || len(a.Actions("OK")) == 0 {
		t.Fatalf("incident-ticket %+v", a)
	}
	for _, arn := range append(a.Actions("ALARM"), a.Actions("OK")...) {
		if top.TopicByARN(arn) == nil {
			t.Errorf("action %s is not a topic of the template", arn)
		}
	}
	if a.ARN != "arn:aws:cloudwatch:us-east-1:000000000000:alarm:alchemiser-incident-ticket" {
		t.Errorf("ARN %s", a.ARN)
	}
	if c := top.Alarms["alchemiser-slo-workflow-success-page"]; c != nil {
		t.Errorf("composite %+v deployed without BurnRateAlerts=on", c)
	}
	burn, err := LoadFile(templatePath, Options{Parameters: map[string]string{"BurnRateAlerts": "on"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := burn.Alarms["alchemiser-slo-workflow-success-page"]; c == nil || !c.Composite {
		t.Errorf("composite %+v", c)
	}
}
