package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/emulator/sns"
	"github.com/alchemiser/alchemiser/topology"
)

// alertParameters are the template's alerting parameters as the local
// stack sets them, so that the page and ticket topics have their direct
// human subscriptions (example.com addresses: nothing is sent, the
// deliveries are recorded). AlertEmail stays empty: the notifications
// function writes to the outbox locally, not to NotificationTopic.
var alertParameters = map[string]string{"PageEmail": "page@example.com", "TicketEmail": "ticket@example.com"}

// pageParameters are the parameters that subscribe humans to the page
// topic (Knobs.NoPageSubscriptions leaves them empty).
var pageParameters = []string{"PageEmail", "PageSms", "PageHttpsEndpoint"}

// deliveryRounds bounds the evaluations of deliverAlarms: each round's
// deliveries may change alarms (the notifications function's errors),
// whose changes the next round delivers.
const deliveryRounds = 4

// deliverAlarms runs the template's alarm actions on the run: the
// generated alarms are evaluated on the run's metrics (AlarmStates), and
// each incident alarm's notification (alarmChanges) publishes CloudWatch's
// notification to the SNS topics of its actions (package emulator/sns),
// which deliver it to their subscriptions: recorded for the humans,
// invoked asynchronously through the emulator for the notifications
// function, whose retries and on-failure destination are Lambda's. The
// function's own invocations add metrics, so the alarms are evaluated
// again, and the new changes delivered, until none is new. The changes
// are delivered in time order once the workflows have run, not at their
// evaluation times.
func deliverAlarms(ctx context.Context, cs *Stack, spec *alarms.Spec, knobs Knobs) error {
	params := maps.Clone(alertParameters)
	if knobs.NoPageSubscriptions {
		for _, p := range pageParameters {
			delete(params, p)
		}
	}
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{Parameters: params})
	if err != nil {
		return err
	}
	topic, err := sns.New(sns.Config{Topology: top, Lambda: cs.Bus, Dir: cs.Dir})
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for range deliveryRounds {
		states, err := AlarmStates(spec, cs.Dir)
		if err != nil {
			return err
		}
		var fresh []sns.StateChange
		for _, c := range alarmChanges(spec, states, top.StackName) {
			if key := c.Alarm + " " + c.New + " " + c.At.String(); !done[key] {
				done[key] = true
				fresh = append(fresh, c)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		for _, c := range fresh {
			if _, err := topic.AlarmChanged(c); err != nil {
				return fmt.Errorf("could not deliver %s %s: %w", c.Alarm, c.New, err)
			}
		}
		cs.Bus.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// alarmChanges are the incident alarms' notifications (alarms.Notices)
// as the state changes whose actions ran, in the order they ran. Names
// get the stack's prefix, as the template names the alarms.
func alarmChanges(spec *alarms.Spec, states map[string][]cwalarm.Sample, stack string) []sns.StateChange {
	var out []sns.StateChange
	for _, n := range alarms.Notices(spec, states) {
		c := sns.StateChange{Alarm: stack + "-" + n.Alarm, Old: string(n.Old), New: string(n.State), At: n.Changed}
		for _, child := range n.Triggering {
			c.Triggering = append(c.Triggering, stack+"-"+child)
		}
		out = append(out, c)
	}
	return out
}

// HumanDeliveries is what reached the humans through SNS: the raw alarm
// messages the page and ticket topics delivered to their human
// subscriptions (email, SMS, HTTPS), counted as alarms.CountNotifications counts
// the alarms' (an ALARM by the alarm's severity, a return to OK as ok),
// and the enriched alarm messages of the notifications function (the
// outbox, locally).
type HumanDeliveries struct {
	Notifications
	Enriched int `json:"enriched"`
}

// humanDeliveries counts the run's human deliveries of alarm messages;
// a delivery that is not a CloudWatch alarm message counts nowhere.
func humanDeliveries(ds []sns.Delivery, enriched int) HumanDeliveries {
	h := HumanDeliveries{Enriched: enriched}
	for _, d := range ds {
		a, err := notify.ParseAlarm(d.Message)
		if !d.Human() || err != nil {
			continue
		}
		switch sev := alarms.AlarmSeverity(localName(a.AlarmName)); {
		case a.NewStateValue == string(cwalarm.OK):
			h.OK++
		case a.NewStateValue != string(cwalarm.Alarm):
		case sev == string(alarms.SeverityPage):
			h.Page++
		case sev == string(alarms.SeverityTicket):
			h.Ticket++
		}
	}
	return h
}

// localName is an alarm's name without the stack's prefix, as
// AlarmStates names it.
func localName(name string) string {
	_, rest, _ := strings.Cut(name, "-")
	return rest
}

// PagedWithoutTheNotifier is the notifier-broken scenario's invariant.
const PagedWithoutTheNotifier = "paged without the notifier"

// pagedWithoutTheNotifier checks that with the notifications function
// broken the humans still received, straight from the topics, every page
// and OK the alarms sent, each exactly once per human subscription; that
// no enriched copy arrived (the function was broken); and that each of
// the function's SNS invocations is in the on-failure queue, none lost.
func pagedWithoutTheNotifier(o *Observed) Check {
	c := Check{Name: PagedWithoutTheNotifier}
	perEndpoint, lambda := map[string]int{}, map[string]bool{}
	for _, d := range o.Deliveries {
		switch {
		case d.Human():
			perEndpoint[d.MessageID+" "+d.Endpoint]++
		case d.Protocol == "lambda":
			lambda[d.MessageID] = true
		}
	}
	var repeated []string
	for k, n := range perEndpoint {
		if n > 1 {
			repeated = append(repeated, k)
		}
	}
	sent, got := o.AlarmNotifications, humanDeliveries(o.Deliveries, o.EnrichedAlarms)
	failed, err := failedSNSMessages(o.Dir)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	var lost int
	for id := range lambda {
		if !failed[id] {
			lost++
		}
	}
	c.Pass = sent.Page > 0 && got.Notifications == sent && got.Enriched == 0 && len(repeated) == 0 && len(lambda) > 0 && lost == 0
	c.Detail = fmt.Sprintf("the alarms sent %s; the humans received %s directly and %d enriched; %d of %d messages to the notifications function in the on-failure queue",
		sent, got.Notifications, got.Enriched, len(lambda)-lost, len(lambda))
	if len(repeated) > 0 {
		c.Detail += fmt.Sprintf("; delivered more than once: %v", repeated)
	}
	return c
}

// failedSNSMessages are the SNS message ids of the invocation records in
// the run's queues (the on-failure destination's): the function's
// deliveries that failed all of Lambda's attempts.
func failedSNSMessages(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "queues", "*.jsonl"))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("could not read queue: %w", err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			var m struct{ Body string }
			var record struct {
				RequestPayload struct {
					Records []struct {
						EventSource string
						Sns         struct{ MessageId string }
					}
				} `json:"requestPayload"`
			}
			if json.Unmarshal([]byte(line), &m) != nil || json.Unmarshal([]byte(m.Body), &record) != nil {
				continue
			}
			for _, r := range record.RequestPayload.Records {
				if r.EventSource == "aws:sns" {
					out[r.Sns.MessageId] = true
				}
			}
		}
	}
	return out, nil
}

// stackName is the local stack's name, topology's default, which prefixes
// every alarm's name.
const stackName = "alchemiser"

// describer gives the generated alarms' descriptions by their deployed
// names (the local stack's prefix), as template.yaml resolves them
// locally (no RunbookBaseUrl).
func describer(spec *alarms.Spec) func(alarmName string) (string, bool) {
	return func(name string) (string, bool) {
		local, ok := strings.CutPrefix(name, stackName+"-")
		if !ok {
			return "", false
		}
		return spec.Description(local, "")
	}
}
